"""How a line was delivered, measured from one take (comparison.py says whether a second take changed).

Four measures, each one a director gives notes about:

* articulation rate: the line's syllables (counted from the text, syllables.py) per second of speaking time,
  pauses left out, so that "faster" is told apart from "fewer pauses";
* loudness: the median intensity of the voiced frames, in dB relative to full scale;
* pauses: the silences of 200 ms or more between the line's first sound and its last (the lead-in before
  the line and the room after it are not pauses): count and total seconds;
* pitch range: the 10th to 90th percentile of F0, in semitones (percentiles, so that a stray octave error or
  a creaky last syllable does not set the range).

Pitch and intensity are Praat's (praat-parselmouth). Telling the voice from the room takes three steps, so
that the measures hold in a room humming and hissing at -40 dBFS (14 dB under the voice) as in a quiet one:
Silero VAD (speech/activity.py) finds the line and ignores the room around it; Praat's intensity in the
speech band (200-5000 Hz: above mains hum and a fan's whoosh) marks the stretches of sound inside it,
against the room's own level; and a gap between stretches is a silence only where Silero hears one, because
a weak consonant under the room's noise leaves a gap in the intensity but not in the speech.

Measured reasons for the details are in the docstrings: each hard decision that made one unchanged delivery
measure differently from take to take (a gap just under or over 200 ms, a final consonant just above or
under the room) has been made gradual. The thresholds for "changed" are perceptual: a change a director
would hear, with a margin for that scatter. Every raw number is kept in to_dict() so they can be retuned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.delivery.syllables import count_syllables
from assistant.speech.activity import FRAME
from assistant.speech.recognizer import Word

MEASURES = ("articulation_rate", "loudness", "pauses", "pitch_range")

# --- Thresholds for "changed" --------------------------------------------------------------------------
#: Tempo: listeners notice a change of about 5 % in speaking rate (Quené 2007, "On the just noticeable
#: difference for tempo in speech", J. Phonetics 35: JND ~5 %); 8 % leaves room for the measure's own scatter.
RATE_CHANGE = 0.08
#: Loudness: the JND for the level of a sound is about 1 dB (Jesteadt, Wier & Green 1977; for speech,
#: similar); 2 dB, because a take's level also moves with the actor's distance to the microphone.
LOUDNESS_CHANGE_DB = 2.0
#: Pitch range: listeners tell excursions apart from about 1.5-2 semitones ('t Hart 1981, "Differential
#: sensitivity to pitch distance, particularly in speech", JASA 69: ~1.5-2 st for pitch movements); 2 st.
PITCH_RANGE_CHANGE_ST = 2.0
#: Pauses: a pause is a silence of 200 ms or more inside the line (shorter gaps are stop closures and word
#: junctures, not heard as pauses: Goldman-Eisler 1968 used 250 ms, much later work 200 ms). A change in
#: pausing needs at least one pause more (or fewer) and 20 % more (or less) pause time in all: the JND for the
#: length of a silent interval is ~10-20 % of it (Weber fraction for gaps, e.g. Abel 1972).
MIN_PAUSE_SECONDS = 0.2
PAUSE_CHANGE = 0.20
#: A pause is new (or gone) only when it is clearly one (this long) in one take and not one at all at the same
#: place in the other (see pause_changes).
CLEAR_PAUSE_SECONDS = 0.25
#: Two silences are the same one when this little speech (seconds of speaking time) lies between their places.
MATCH_SECONDS = 0.15
#: Silence up to this long is the ordinary juncture between words, part of speaking.
JUNCTURE_SECONDS = 0.1

# --- Analysis settings ----------------------------------------------------------------------------------
FRAME_STEP = 0.01  # s, for pitch and intensity
#: First-pass pitch search, wide enough for any adult voice; the second pass narrows it to the speaker.
PITCH_SEARCH = (60.0, 700.0)
#: Speech band for telling voice from room: above mains hum and the fan's whoosh, below most hiss-only energy.
ACTIVITY_BAND = (200.0, 5000.0)
#: Intensity for the voice/silence decision uses a short window (Praat's "minimum pitch" 160 Hz: a 40 ms
#: window), so pause edges are sharp; loudness uses a long one (75 Hz) so it does not ripple with the pitch.
ACTIVITY_MIN_PITCH = 160.0
LOUDNESS_MIN_PITCH = 75.0
#: A frame is voice when its speech-band intensity is above the room's median by this much (in the speech
#: band, a room of hum and hiss at -40 dBFS has 99 % of its 10 ms frames within 3 dB of its median) ...
ABOVE_ROOM_DB = 4.0
#: ... or, in a quiet room, no more than this far under the loud part of the voice (the quiet room's floor is
#: far down; weak consonants sit 25-35 dB under the vowels, breath noise lower still).
BELOW_VOICE_DB = 35.0
#: Sound shorter than this between two silences is a click or a breath, not speech.
MIN_SOUND_SECONDS = 0.04
#: A stretch of sound with less than this share of the line's sound widens the line's span only in
#: proportion (see Take.span). A syllable holds 5-15 % of a line's sound; a weak final consonant, 0.5-2 %.
EDGE_SHARE = 0.03
#: Silero's speech probability in a gap (see silence_weight): at or above SURELY_SPEECH the gap is speech,
#: at or below SURELY_SILENCE silence, and in proportion between.
SURELY_SPEECH = 0.5  # Silero's own speech threshold (speech/activity.py)
SURELY_SILENCE = 0.2
#: Speech hidden under a room's noise lasts no longer than this; a longer gap at the room's level is silence.
MASKED_AT_MOST = 0.25
#: Praat's intensity is in dB re 2e-5 Pa, reading samples as pascals; this converts it to dBFS (RMS re 1.0).
PRAAT_TO_DBFS = -20 * np.log10(1 / 2e-5)
#: Fewer voiced frames than this and there is no pitch range to speak of (a whisper, a single word).
MIN_VOICED_FRAMES = 10


@dataclass(frozen=True)
class DeliveryMeasures:
    articulation_rate: float  # syllables per second of speaking time (pauses excluded)
    loudness_db: float  # median intensity of voiced frames, dBFS
    pause_count: int
    pause_seconds: float
    pitch_range_st: float | None  # 10th-90th percentile of F0, semitones; None when too little was voiced
    speaking_seconds: float
    syllables: int
    # Raw material, for retuning and for reports.
    speech_start: float = 0.0  # s into the take
    speech_end: float = 0.0
    pitch_median_hz: float | None = None
    pitch_p10_hz: float | None = None
    pitch_p90_hz: float | None = None
    room_db: float | None = None  # the room's speech-band level around the line, dBFS
    pauses: tuple[tuple[float, float], ...] = ()  # (start, end) of each pause, s into the take
    #: Every internal silence of JUNCTURE_SECONDS or more, pauses included: compare() reads it to tell a new
    #: pause from a gap that was one already, or nearly (see pause_changes).
    silences: tuple[tuple[float, float], ...] = ()
    #: Every gap between the line's stretches of sound: (start, end, how surely it is silence, 0 to 1).
    gaps: tuple[tuple[float, float, float], ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("pauses", "silences", "gaps"):
            data[key] = [list(item) for item in getattr(self, key)]
        return data

    @property
    def clear_pause_count(self) -> int:
        """Pauses of CLEAR_PAUSE_SECONDS or more: the ones "fewer pauses" can be heard to lose (pause_changes).
        A take without any gives a "fewer pauses" note nothing to work on."""
        return sum(1 for start, end in self.pauses if end - start >= CLEAR_PAUSE_SECONDS - 1e-9)

    def value(self, measure: str) -> float | None:
        """The number compare() looks at for a measure (pauses: their total seconds)."""
        if measure == "articulation_rate":
            return self.articulation_rate
        if measure == "loudness":
            return self.loudness_db
        if measure == "pauses":
            return self.pause_seconds
        if measure == "pitch_range":
            return self.pitch_range_st
        raise ValueError(f"unknown measure {measure!r}; one of {', '.join(MEASURES)}")


def measure_delivery(audio: Audio, text: str, words: Sequence[Word] = ()) -> DeliveryMeasures:
    """All four measures of one take of `text`.

    words: the recognizer's words for the take, when there are any. Speech more than WORD_MARGIN outside
    them (a cough, a "sorry" before the line) is then left out of the line. Raises ValueError when the take
    holds no speech.
    """
    take = Take(audio, words)
    span = take.span
    if span is None:
        raise ValueError("the take holds no speech to measure")
    pitch = take.pitch_percentiles
    syllables = count_syllables(text)
    speaking = take.speaking_seconds
    return DeliveryMeasures(
        articulation_rate=_rounded(syllables / speaking if speaking > 0 else 0.0),
        loudness_db=_rounded(take.loudness_db, 2),
        pause_count=len(take.pauses),
        pause_seconds=_rounded(sum(end - start for start, end in take.pauses)),
        pitch_range_st=None if pitch is None else _rounded(12 * np.log2(pitch[2] / pitch[0]), 2),
        speaking_seconds=_rounded(speaking),
        syllables=syllables,
        speech_start=_rounded(span[0]),
        speech_end=_rounded(span[1]),
        pitch_median_hz=None if pitch is None else _rounded(pitch[1], 1),
        pitch_p10_hz=None if pitch is None else _rounded(pitch[0], 1),
        pitch_p90_hz=None if pitch is None else _rounded(pitch[2], 1),
        room_db=_rounded(take.activity.room_db, 1),
        pauses=tuple((_rounded(start), _rounded(end)) for start, end in take.pauses),
        silences=tuple((_rounded(start), _rounded(end)) for start, end in take.silences),
        gaps=tuple((_rounded(start), _rounded(end), _rounded(silence, 2)) for start, end, silence in take.gaps),
    )


def _rounded(value: float, places: int = 3) -> float:
    return round(float(value), places)


#: How far speech may reach outside the recognizer's words and still belong to the line: recognizers put
#: word edges up to a couple of frames off, and a word's soft onset or release sits just outside them.
WORD_MARGIN = 0.3


@dataclass(frozen=True)
class _Activity:
    times: np.ndarray  # frame centres, s
    levels: np.ndarray  # speech-band intensity, dBFS
    room_db: float
    threshold_db: float


class Take:
    """One take, analysed lazily: each measure computes only what it needs (the benchmark times them apart)."""

    def __init__(self, audio: Audio, words: Sequence[Word] = ()) -> None:
        import parselmouth

        self.audio = audio.to_rate(SPEECH_RATE)
        self.words = tuple(words)
        self.sound = parselmouth.Sound(self.audio.samples.astype(np.float64) / 32768.0, SPEECH_RATE)

    @cached_property
    def line_region(self) -> tuple[float, float] | None:
        """Where the line is, roughly: from the speech detector (and the recognizer's words, if given)."""
        from assistant.speech.activity import speech_regions

        regions = speech_regions(self.audio, pad=0.1, min_silence=0.3, min_speech=0.1)
        if not regions:
            return None
        start, end = regions[0].start, regions[-1].end
        if self.words:
            start = max(start, self.words[0].start - WORD_MARGIN)
            end = min(end, self.words[-1].end + WORD_MARGIN)
        return (start, end) if end > start else None

    @cached_property
    def activity(self) -> _Activity:
        from parselmouth.praat import call

        band = call(self.sound, "Filter (pass Hann band)", ACTIVITY_BAND[0], ACTIVITY_BAND[1], 100.0)
        intensity = band.to_intensity(ACTIVITY_MIN_PITCH, FRAME_STEP, subtract_mean=True)
        times = np.asarray(intensity.xs())
        levels = np.asarray(intensity.values[0]) + PRAAT_TO_DBFS
        region = self.line_region
        inside = np.zeros(len(times), bool) if region is None else (times >= region[0]) & (times <= region[1])
        # The room is what surrounds the line (with too little of it, the quietest moments inside the line).
        outside = levels[~inside]
        room = float(np.median(outside)) if len(outside) >= 10 else float(np.percentile(levels, 5))
        voice = float(np.percentile(levels[inside], 95)) if inside.any() else room
        threshold = max(room + ABOVE_ROOM_DB, voice - BELOW_VOICE_DB)
        return _Activity(times, levels, room, threshold)

    @cached_property
    def sounding(self) -> list[tuple[float, float]]:
        """Stretches of the line above the room by intensity: where speech is, and where pitch and level are
        read. A click (a sound shorter than MIN_SOUND_SECONDS with silence of a pause's length or the line's
        edge either side) is left out; a short sound next to speech (the "th" of "the") is not."""
        act, region = self.activity, self.line_region
        if region is None:
            return []
        loud = (act.levels > act.threshold_db) & (act.times >= region[0]) & (act.times <= region[1])
        half = FRAME_STEP / 2
        runs = [(act.times[a] - half, act.times[b - 1] + half) for a, b in _runs(loud)]
        kept = []
        for index, (start, end) in enumerate(runs):
            gap_before = start - runs[index - 1][1] if index > 0 else np.inf
            gap_after = runs[index + 1][0] - end if index + 1 < len(runs) else np.inf
            alone = min(gap_before, gap_after) >= MIN_PAUSE_SECONDS
            if end - start >= MIN_SOUND_SECONDS or not alone:
                kept.append((start, end))
        return kept

    @cached_property
    def gaps(self) -> list[tuple[float, float, float]]:
        """(start, end, silence) for each gap between stretches of sound; silence from 0 to 1 is how surely
        the speech detector heard the gap as silence (silence_weight).

        Why ask the detector. Measured on hibari takes at -40 dBFS of hum and hiss: intensity alone found gaps
        of 0.1-0.2 s at word junctures that are continuous speech in the quiet room (masked "t"s and "th"s),
        some over 200 ms in one take and not in the next. Silero's speech probability stays above 0.5 through
        them, and falls near 0 inside true pauses, if only for a few frames. Its own edges are not used: its
        32 ms frames and its hangover after speech (100-250 ms) would shorten pauses by amounts that vary;
        intensity draws them to 10 ms. A gap longer than any masked sound is silence whatever the detector
        says (_too_long_to_be_masked): on a sung vowel train it stayed above 0.4 through pauses of 0.3 s.
        """
        if self._core is None:
            return []
        first, last = self._core
        core = self.sounding[first : last + 1]  # the gaps out to weak sounds at the edges are the span's
        times, speech = self._detector_probabilities
        gaps = []
        for (_, start), (end, _) in zip(core, core[1:]):
            inside = (times > start) & (times < end)
            heard = silence_weight(speech[inside]) if inside.any() else 0.0
            gaps.append((start, end, max(heard, _too_long_to_be_masked(end - start))))
        return gaps

    @cached_property
    def _detector_probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """(frame centres, Silero's speech probability) for every 32 ms frame of the take.

        faster-whisper's copy of the model, the one speech_regions runs; line_region has loaded it already,
        so a missing model has been reported as the speech detector's own error.
        """
        from faster_whisper.vad import get_vad_model

        samples = self.audio.samples.astype(np.float32) / 32768.0
        samples = np.pad(samples, (0, -len(samples) % FRAME))
        probabilities = np.asarray(get_vad_model()(samples), dtype=np.float64).reshape(-1)
        times = (np.arange(len(probabilities)) + 0.5) * FRAME / SPEECH_RATE
        return times, probabilities

    @cached_property
    def span(self) -> tuple[float, float] | None:
        """From the line's beginning to its end, as (start, end) in seconds.

        Between the first and the last stretch of sound that holds at least EDGE_SHARE of the line's sound
        (the speech band's power above the room's) the span is certain. Weaker stretches beyond them (the "z"
        fading out of "hours", the burst of the "ch" ending "watch" after its closure, the "th" of "the")
        widen it in proportion to their share: one with half of EDGE_SHARE adds half its distance
        (_soft_extension).

        Why. With hard edges, the line ended where such a sound crossed the room's level or a share of the
        power, and hibari's noise draws those sounds a little louder or softer take by take: the end moved by
        up to 0.2 s between two takes of one delivery, the rate by 8 %, in the quiet room as at -40 dBFS.
        """
        core = self._core
        if core is None:
            return None
        first, last = core
        stretches, weights = self.sounding, self._stretch_weights
        start = stretches[first][0] - _soft_extension(
            [stretches[k][0] for k in range(first, -1, -1)], [weights[k] for k in range(first - 1, -1, -1)])
        end = stretches[last][1] + _soft_extension(
            [stretches[k][1] for k in range(last, len(stretches))], [weights[k] for k in range(last + 1, len(stretches))])
        return float(start), float(end)

    @cached_property
    def _stretch_weights(self) -> list[float]:
        """Each stretch's share of the line's sound, over EDGE_SHARE, at most 1."""
        act = self.activity
        excess = np.maximum(0.0, 10 ** (act.levels / 10) - 10 ** (act.room_db / 10))
        energies = np.array([excess[(act.times >= start) & (act.times <= end)].sum() for start, end in self.sounding])
        total = energies.sum()
        return list(np.minimum(1.0, energies / (EDGE_SHARE * total))) if total > 0 else [0.0] * len(energies)

    @cached_property
    def _core(self) -> tuple[int, int] | None:
        """Indices of the first and the last stretch that hold EDGE_SHARE of the line's sound or more."""
        strong = [k for k, weight in enumerate(self._stretch_weights) if weight >= 1.0]
        return (strong[0], strong[-1]) if strong else None

    @cached_property
    def silences(self) -> list[tuple[float, float]]:
        """The gaps the detector heard as silence (more surely than not), JUNCTURE_SECONDS or longer."""
        return [(start, end) for start, end, silence in self.gaps if silence >= 0.5 and end - start >= JUNCTURE_SECONDS - 1e-9]

    @cached_property
    def pauses(self) -> list[tuple[float, float]]:
        return [(start, end) for start, end in self.silences if end - start >= MIN_PAUSE_SECONDS - 1e-9]

    @cached_property
    def speaking_seconds(self) -> float:
        """The line's span less its silences: all of a pause, none of a juncture, and of the gaps between, or
        heard as silence only half surely, a share that moves steadily with them.

        A pause (200 ms or more) is left out whole and a juncture (under 100 ms) counts as speaking, as in the
        usual definition of articulation rate. Hard edges made the rate jump: a gap of 190 ms in one take and
        210 ms in the next, or heard as silence in one and as speech in the next, moved the speaking time by
        0.2 s, 10-15 % of a short line (measured at -40 dBFS). not_speaking and silence_weight smooth both.
        """
        if self.span is None:
            return 0.0
        return self.span[1] - self.span[0] - sum(silence * not_speaking(end - start) for start, end, silence in self.gaps)

    @cached_property
    def pitch(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, F0 in Hz) of the voiced frames inside the line.

        Two passes (Hirst 2011): a wide search finds the speaker's register, then the search is narrowed to
        it (register()), which keeps octave jumps out.
        """
        wide = self._voiced_f0(*PITCH_SEARCH)
        if len(wide[1]) < MIN_VOICED_FRAMES:
            return wide
        return self._voiced_f0(*register(wide[1]))

    def _voiced_f0(self, floor: float, ceiling: float) -> tuple[np.ndarray, np.ndarray]:
        pitch = self.sound.to_pitch_ac(time_step=FRAME_STEP, pitch_floor=floor, pitch_ceiling=ceiling)
        times = np.asarray(pitch.xs())
        f0 = np.asarray(pitch.selected_array["frequency"])
        keep = (f0 > 0) & self._in_voice(times)
        return times[keep], f0[keep]

    def _in_voice(self, times: np.ndarray) -> np.ndarray:
        """Which moments fall in a stretch of voice (so hum and hiss between and around words never count)."""
        inside = np.zeros(len(times), bool)
        for start, end in self.sounding:
            inside |= (times >= start) & (times <= end)
        return inside

    @cached_property
    def pitch_percentiles(self) -> tuple[float, float, float] | None:
        """F0's 10th, 50th and 90th percentiles, Hz, by the Harrell-Davis estimator.

        Not the plain order statistic: a line's pitch peak is often a plateau of a few frames (7-9 of ~80 on
        "I keep thinking I missed something") with the rest far below, so the 90th percentile fell on the
        plateau in one take and below it in the next, and the range of one unchanged delivery scattered by
        1.0 st (sd, 30 takes). Harrell-Davis weighs the order statistics around the percentile smoothly:
        0.45 st on the same takes, against a threshold of 2.
        """
        f0 = self.pitch[1]
        if len(f0) < MIN_VOICED_FRAMES:
            return None
        from scipy.stats.mstats import hdquantiles

        semitones = 12 * np.log2(f0)
        p10, p50, p90 = (2 ** (float(q) / 12) for q in hdquantiles(semitones, prob=[0.1, 0.5, 0.9]))
        return p10, p50, p90

    @cached_property
    def loudness_db(self) -> float:
        intensity = self.sound.to_intensity(LOUDNESS_MIN_PITCH, FRAME_STEP, subtract_mean=True)
        times = np.asarray(intensity.xs())
        levels = np.asarray(intensity.values[0]) + PRAAT_TO_DBFS
        voiced_times = self.pitch[0]
        if len(voiced_times) >= MIN_VOICED_FRAMES:
            return float(np.median(np.interp(voiced_times, times, levels)))
        in_voice = self._in_voice(times)  # a whisper: no voiced frames, so the voice's stretches
        return float(np.median(levels[in_voice])) if in_voice.any() else float(np.median(levels))


def _soft_extension(edges: list[float], weights: list[float]) -> float:
    """How far weak stretches widen a span. edges run outward from the span's certain edge, one per weak
    stretch; each step out is weighted by the weak stretches at or beyond it, summed (capped at 1): a weak
    sound that dips under the room midway, and so comes in two pieces, counts as it would in one."""
    extension, beyond = 0.0, 0.0
    steps = [abs(b - a) for a, b in zip(edges, edges[1:])]
    for step, weight in reversed(list(zip(steps, weights))):
        beyond += weight
        extension += min(1.0, beyond) * step
    return extension


def silence_weight(speech_probabilities: np.ndarray) -> float:
    """How surely a gap is silence, 0 to 1, from Silero's speech probabilities for the frames inside it: its
    lowest, from SURELY_SPEECH (0) to SURELY_SILENCE (1), in proportion between, so that a gap the detector
    is unsure of moves the rate a little and not all at once.

    Tried and no better, on 8 takes each of 13 lines at -40 and -50 dBFS: the mean of the lower half of the
    frames, and wider ramps (0.7 to 0.1); the rate of one delivery scattered by 1.3-1.4 % (sd) on average
    and 3-3.9 % on the worst line, whichever.
    """
    lowest = float(np.min(speech_probabilities))
    return float(np.clip((SURELY_SPEECH - lowest) / (SURELY_SPEECH - SURELY_SILENCE), 0.0, 1.0))


def _too_long_to_be_masked(seconds: float) -> float:
    """0 to 1: how surely a gap is too long to be speech hidden under the room. The masked stretches measured
    in hibari takes at -40 dBFS (weak consonants, a word's fading end) were 0.1-0.22 s long."""
    return float(np.clip((seconds - MASKED_AT_MOST) / 0.05, 0.0, 1.0))


def register(f0: np.ndarray) -> tuple[float, float]:
    """(floor, ceiling) for a pitch search, from a wide search's voiced F0: 0.75 x the first quartile to 2.5 x
    the third (Hirst 2011; the ceiling he gives for expressive speech). A narrower ceiling (1.9 x the 65th
    percentile) cut off the peaks of a delivery whose range the actor had widened by half."""
    q25, q75 = np.percentile(f0, [25, 75])
    return max(40.0, 0.75 * float(q25)), min(1000.0, 2.5 * float(q75))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs in a boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def not_speaking(silence: float) -> float:
    """How much of a silence is left out of the speaking time: none of a juncture, all of a pause, and a
    share rising steadily between them (0 at 100 ms, 200 ms of a 200 ms silence), so that a gap that
    changes a little changes the rate a little."""
    if silence >= MIN_PAUSE_SECONDS:
        return silence
    ramp = (silence - JUNCTURE_SECONDS) / (MIN_PAUSE_SECONDS - JUNCTURE_SECONDS)
    return max(0.0, ramp) * MIN_PAUSE_SECONDS
