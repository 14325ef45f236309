"""Whisper (faster-whisper, CTranslate2 on the CPU): the strong hearing, and an engine of its own.

Why it is used the way it is. Measured on this project's 2-core machines with tiny.en, int8:
* Whisper hears whole utterances, not streams: faster-whisper pads the audio to a 30-second window, so a
  lone "no" costs about as much as a long line (~0.35 s idle, up to 0.8 s with another process busy). The
  streaming engine follows the actor; Whisper judges again what it rejected (speech/hearing.py), and grades
  takes where nobody is waiting. In a humming room, where the streaming engine seldom hears a line's last
  words, a quick reading tells the live loop the line is over (quick(): a window sized to the speech; the
  line's last words scored against the audio, ~60 ms, and only when they do not clearly fit, a greedy free
  reading, ~160 ms in all).
* Fed a room's hiss or hum alone, Whisper writes sentences ("Thank you.", "you"). Only what the speech
  detector (activity.py) calls speech is transcribed: the regions are cut out and joined, so noise before,
  between and after speech never reaches the model, and a recording with no speech is heard as nothing.
* Greedy decoding at temperature 0 with no fallback: the fallback's re-decoding at higher temperatures is
  where invented words come from, and it can triple the time of a hard utterance.
* Names: a script's character names go in as hotwords ("Theo" was heard "to you" without them). Never the
  line being checked: a model told what to expect hears it. Nor the partner's cue as the text that went
  before, though Whisper was trained to read speech after its context: tried on the take corpus (2539 takes,
  two voices, twelve rooms), it changed readings both ways (626 of 720 right lines passed, against 629
  without), and it passed a wrong one: "The keys are on really the table" after the cue "Where did I put
  my keys?" was read as the line itself. Context is a language model's prior, not evidence.
* A short utterance is heard in a 15-second window instead of 30: the encoder's cost is proportional to its
  window (0.35 s -> 0.05 s for 30 s -> 10 s of features, measured), and on 34 lines, commands and answers
  a 15 s window heard word for word what the 30 s one did, in 0.29 s instead of 0.55 s an utterance. At
  10 s Whisper began to repeat itself ("Stay with me Stay with me"), so 15 s it is. faster-whisper always
  pads to 30 s, so short utterances go through CTranslate2 here (features, encoder, generate), which also
  keeps the encoder's output for the fit below.
* How well the line fits the audio. tiny.en slips on a word an actor did say ("miss" for "missed", "Ok,
  back" for "I'll call back") in a noisy room. So, after Whisper has heard the audio freely, the line is
  scored against that same audio: the probability Whisper gives each of its tokens (teacher forcing, the
  alignment pass faster-whisper uses for word times), next to what it gives its own transcript. On 48
  takes in -40 dBFS hum and hiss, every right take's tokens all had probability >= 0.011 and a mean
  log-probability within 0.42 of Whisper's own reading; every dropped, swapped or paraphrased one had a
  token under 0.001 and was 0.79 or more behind. But the fit is the language model's as much as the
  audio's: a predictable word left out ("and you it" for "and you know it") still fits. So the fit is one
  witness, never the judge: assistant/verdict.py puts a word back only when PocketSphinx hears it too.
* Short answers and commands get a prompt listing the words that are expected at that moment ("line, again,
  skip, ..."): without it a lone "pause" is "Pies." and "skip" "Skipper."; the words of a real sentence still
  come through (measured on 20 ordinary sentences: none turned into a command).
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, Sequence

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio

# CTranslate2's OpenMP threads spin while they wait for each other. With another process busy on one of the
# two cores, a spinning thread held the core its partner needed: in bench_turns.py --busy the gap from a line's
# end to the next cue went from 317 ms to 21 s (p50), and a correction came 9 s late (p50; 35 s at p95), as
# actors saw it ("5 to 11 seconds"); the 14 decodes of scripts/bench_tape.py's 73 s self-tape took 49 to 51 s
# spinning and 3.2 to 3.8 s asleep, with other processes busy. Set at import, before CTranslate2 loads (the
# OpenMP runtime reads it once); a user's own setting is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
from assistant.errors import CallbackError
from assistant.linecheck.lexicon import FILLERS
from assistant.speech.activity import only_speech, recording_time, speech_regions
from assistant.speech.referee import MOST_LETTERS, MOST_WORDS
from assistant.speech.recognizer import Transcript, Word
from assistant.speech.toolkit import Vocabulary, WholeSamples
from assistant.speech.whisper_models import WhisperFiles, describe, full_problem

#: Padding kept around each stretch of speech: enough for a soft first or last consonant.
SPEECH_PAD = 0.2
#: Speech up to this long is heard in the short window (frames of 10 ms) with room to spare.
SHORT_WINDOW_FRAMES = 1500
SHORT_SPEECH_SECONDS = 12.0
#: Tokens a short utterance may come to (a long line is about 40).
MAX_TOKENS = 200
#: The line fits the audio when none of its tokens is less likely than this, and its mean log-probability
#: per token is within FIT_MARGIN of Whisper's own reading (module docstring: measured 0.011 / 0.42 for
#: right takes, 0.001 / 0.79 for wrong ones; the thresholds sit between, nearer the wrong side's).
FIT_MIN_PROBABILITY = 0.004
FIT_MARGIN = 0.6
#: Where the reading has no more words than the line but some look nothing like the line's ("We locked the
#: man" for "We lost the man", "the route" for "the roof", "Don't eat there" for "Don't you dare"), the line
#: is still scored, but must fit clearly: every token at least this likely, and at most CLEAR_FIT_MARGIN
#: behind. Measured on the take corpus (1936 takes, two voices, eleven rooms): of the 338 wrong takes read
#: that way, the closest fitted at 0.010, 0.49 behind (an added "really" heard as "really depicts" for
#: "really to fix"); the 6 right takes it lets through at 0.087 to 0.29, 0.16 behind at most. A reading
#: with more words than the line is never scored so: an added word costs a long line's mean too little
#: ("really" in a nine-word line fitted at 0.31, 0.14 behind).
CLEAR_FIT_MIN_PROBABILITY = 0.05
CLEAR_FIT_MARGIN = 0.3
#: A word of the script that Whisper's tokenizer cuts into this many pieces or more is one it has seen too
#: seldom to write unprompted ("Whittemore": " Wh", "itt", "emore"); common words are one or two pieces.
RARE_TOKENS = 3
#: At most this many hotwords: they share the prompt's 223 tokens with the expected words.
HOTWORDS_MOST = 40
#: The quick reading (WhisperBackend.quick): room in its window after the speech (frames of 10 ms), and how
#: many tokens it may write: the line's own count, half as many again for "um"s and slips, and a few more.
QUICK_ROOM_FRAMES = 100
QUICK_TOKENS_PER_TOKEN = 1.5
QUICK_SPARE_TOKENS = 8
#: The line's last two words were said when Whisper, the line forced on it, gives each of their tokens at
#: least this probability (WhisperBackend.quick; punctuation is not scored: Whisper often leaves the full
#: stop off). Measured on 288 right takes (as written, and with "um"s) and 324 stopped one or two words
#: short or at the last comma, in six rooms (quiet, -40 dBFS hiss and hum, lowered voice, reverberant,
#: fast) and two voices: right takes 0.025 to 0.996, median 0.90, 208 of them at 0.3 or more; stopped
#: short, none above 0.049 (the highest: "You kept the light on for", where "me" is easy to guess).
END_FIT = 0.3


@dataclass(frozen=True)
class Fit:
    """Whisper's probability for each token of the expected line, and of its own reading, given the audio.

    Evidence that the audio could be the line, never that a word was said: a predictable word the audio does
    not hold ("know" in "and you know it" said as "and you it") still gets a high probability from the
    model's sense of language. So a fit never forgives a word on its own (assistant/verdict.py)."""

    expected: np.ndarray
    heard: np.ndarray

    @property
    def least(self) -> float:
        return float(np.min(self.expected)) if len(self.expected) else 0.0

    @property
    def behind(self) -> float:
        """How far the line's mean log-probability per token is below Whisper's own reading's."""
        mean = lambda p: float(np.mean(np.log(np.maximum(p, 1e-12))))
        return mean(self.heard) - mean(self.expected)

    @property
    def fits(self) -> bool:
        return self.least >= FIT_MIN_PROBABILITY and self.behind <= FIT_MARGIN

    @property
    def fits_clearly(self) -> bool:
        return self.least >= CLEAR_FIT_MIN_PROBABILITY and self.behind <= CLEAR_FIT_MARGIN

    def to_dict(self) -> dict:
        return {"least": round(self.least, 4), "behind": round(self.behind, 3), "fits": self.fits,
                "fits_clearly": self.fits_clearly}


@dataclass(frozen=True)
class Judged:
    """What the strong hearing found in one delivery: its free reading, and how well the line (as written, and
    with an "uh" where the reading has short words of its own) fits the same audio. The recording and where
    its speech is go along, for a second hearing to be asked about single words (assistant/verdict.py)."""

    transcript: Transcript
    fit: Fit | None = None  # the line as written; None when nothing was heard or no line was given
    hesitant_fits: tuple[Fit, ...] = ()  # the line with "uh" at the reading's short extra words
    audio_seconds: float = 0.0  # what it heard
    busy_seconds: float = 0.0  # and how long hearing it took
    recording: Audio | None = field(default=None, compare=False, repr=False)  # 16 kHz
    regions: tuple = field(default=(), compare=False, repr=False)  # the speech detector's, in `recording`

    @property
    def text(self) -> str:
        return self.transcript.text


@dataclass(frozen=True)
class QuickReading:
    """What the quick reading found: the line's last words fit the audio (end_fit >= END_FIT, and then no
    free reading was made), or else the free reading's text."""

    text: str
    end_fit: float

    @property
    def end_fits(self) -> bool:
        return self.end_fit >= END_FIT


@dataclass(frozen=True)
class Hints:
    """What the recognizer may be told in advance: never the line being checked."""

    names: tuple[str, ...] = ()  # the script's character names, as hotwords
    expected_words: tuple[str, ...] = ()  # a small vocabulary awaited now (commands, answers), as a prompt
    # The script's proper nouns (capitalised) and its other words (lower case), from script/vocabulary.py:
    # the proper nouns and the rare words among the rest (RARE_TOKENS) are hotwords too.
    script_words: tuple[str, ...] = ()

    def hotwords(self, pieces: Callable[[str], int] = lambda word: 0) -> str | None:
        """Names first, then proper nouns, then words the tokenizer cuts into RARE_TOKENS pieces or more
        (`pieces` counts them), HOTWORDS_MOST in all."""
        chosen = dict.fromkeys(name.title() for name in self.names if name.strip())
        for word in self.script_words:
            if len(chosen) >= HOTWORDS_MOST:
                break
            if word[:1].isupper() or pieces(word) >= RARE_TOKENS:
                chosen.setdefault(word, None)
        return ", ".join(chosen) if chosen else None

    def prompt(self) -> str | None:
        return ", ".join(self.expected_words) + "." if self.expected_words else None


class WhisperBackend:
    """One loaded Whisper model; transcriptions are serialised (CTranslate2 already uses every core)."""

    _loaded: dict[str, "WhisperBackend"] = {}
    _loading = threading.Lock()

    def __init__(self, files: WhisperFiles, model) -> None:
        self.files = files
        self._model = model
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

    @classmethod
    def load(cls, files: WhisperFiles) -> "WhisperBackend":
        key = str(files.path.resolve())
        with cls._loading:
            if key in cls._loaded:
                return cls._loaded[key]
            problem = full_problem(files)
            if problem:
                raise CallbackError(
                    f"the Whisper model {describe(files)} is damaged: {problem}; "
                    f"download it again (`callback model download {files.name} --force`)"
                )
            try:
                from faster_whisper import WhisperModel
            except ImportError:
                raise CallbackError("the whisper engine needs faster-whisper: pip install faster-whisper") from None
            try:
                model = WhisperModel(str(files.path), device="cpu", compute_type="int8",
                                     cpu_threads=min(4, os.cpu_count() or 1))
            except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError with a long message
                first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
                raise CallbackError(f"the Whisper model {describe(files)} could not be loaded ({first})") from None
            backend = cls(files, model)
            cls._loaded[key] = backend
            return backend

    def transcribe(self, audio: Audio, hints: Hints = Hints(), words: bool = False) -> Transcript:
        """What was said in `audio`; noise alone gives an empty transcript. Word times (words=True) are in
        seconds from the start of `audio`.

        Every reading is bounded: the speech is read in pieces of at most one window (WINDOW_SECONDS), one
        decode each, and a decode writes at most what a person can say in its piece (token_budget). Before,
        with the script's names as hotwords and timestamps on, Whisper went on after the last word of nearly
        every window ("Hello everyone, thank you for watching, thank you for watching, ..." up to the model's
        448 tokens), and faster-whisper then read the window's last half-second again as a window of its own
        (" Theo." " . . ."): a minute of one line said over and over took 135 s, and bench_tape.py's ten
        minutes of varied speech 838 s on a busy machine; now 68 s there. Word times come from aligning the
        words to the audio, which needs no timestamp tokens, and without them the reading stops where the
        speech does. A repetition penalty would bound a loop too, but a line said again and again is what a
        self-tape holds: it would cut the real repeats."""
        speech, regions = _speech_in(audio)
        if speech is None:
            return Transcript("", (), final=True)
        if not words and speech.duration <= SHORT_SPEECH_SECONDS:
            return self._short(speech, hints).transcript
        texts: list[str] = []
        found: list[Word] = []
        with self._lock:
            pieces = lambda word: len(self._tokenizer().encode(" " + word))  # noqa: E731
            prompt = self._model.get_prompt(
                self._tokenizer(), self._tokenizer().encode(" " + hints.prompt()) if hints.prompt() else [],
                without_timestamps=True, hotwords=hints.hotwords(pieces))
            room = self._model.max_length - len(prompt)
            for start, end in _windows(regions):
                samples = speech.samples[int(start * SPEECH_RATE) : int(end * SPEECH_RATE)]
                segments, _ = self._model.transcribe(
                    samples.astype(np.float32) / 32768.0,
                    language="en",
                    beam_size=5,
                    temperature=0.0,
                    condition_on_previous_text=False,
                    without_timestamps=True,
                    word_timestamps=words,
                    vad_filter=False,
                    hotwords=hints.hotwords(pieces),
                    initial_prompt=hints.prompt(),
                    max_new_tokens=max(1, min(room, token_budget(end - start))),
                )
                # Without timestamps a window is one segment: never ask for the next, the window's tail read again.
                segment = next(iter(segments), None)
                if segment is None:
                    continue
                texts.append(segment.text.strip())
                found += [Word(_clean(w.word), recording_time(w.start + start, regions),
                               recording_time(w.end + start, regions), float(w.probability))
                          for w in segment.words or () if _clean(w.word)]
        if not words:
            return Transcript(" ".join(texts).strip(), (), final=True)
        return Transcript(" ".join(w.text for w in found), tuple(found), final=True)

    def judge(self, audio: Audio, expected: str, hints: Hints = Hints()) -> "Judged":
        """Hear `audio` freely, then score `expected` against it (see the module docstring). The verdict is
        assistant/verdict.py's: this only gathers Whisper's evidence."""
        started = time.perf_counter()
        recording = audio.to_rate(SPEECH_RATE)
        speech, regions = _speech_in(recording)
        if speech is None:
            return Judged(Transcript("", (), final=True), None, (), audio.duration, time.perf_counter() - started,
                          recording, ())
        judged = self._short(speech, hints, expected or None)
        return replace(judged, audio_seconds=audio.duration, busy_seconds=time.perf_counter() - started,
                       recording=recording, regions=tuple(regions))

    def quick(self, audio: Audio, expected: str, hints: Hints = Hints()) -> "QuickReading":
        """A fast reading, to tell whether the actor has reached the line's end (not to judge the line).

        A window sized to the speech. First the line's last two words are scored against the audio (the
        line forced on the model, as the fit below does: one pass of the decoder, ~15 ms): when Whisper
        gives each of their tokens END_FIT or more, the end was said. Otherwise a free greedy reading
        follows (~85 ms more), whose text the caller checks for the line's end. In a short window Whisper
        repeats what it heard until the window is full ("We lost the man in room 9. We lost the man in room
        9. We lost..."), which took the time and hid the ending; so that reading is capped a little past the
        length of the line, and only its first pass is kept. The free reading's only hint from the line is
        how long to listen; the scoring tells the model nothing it then writes down.
        """
        from faster_whisper.audio import pad_or_trim

        speech, _ = _speech_in(audio)
        if speech is None:
            return QuickReading("", 0.0)
        samples = speech.samples.astype(np.float32) / 32768.0
        model = self._model
        with self._lock:
            tokenizer = self._tokenizer()
            features = model.feature_extractor(samples)
            frames = features.shape[-1]
            window = min(3000, -(-(frames + QUICK_ROOM_FRAMES) // 100) * 100)
            encoded = model.encode(pad_or_trim(features, window))
            scored = QuickReading("", self._end_fit(encoded, tokenizer, expected, min(frames, window)))
            if scored.end_fits:
                return scored
            prompt = self._prompt(tokenizer, hints)
            budget = len(prompt) + int(QUICK_TOKENS_PER_TOKEN * len(tokenizer.encode(" " + expected))) + QUICK_SPARE_TOKENS
            result = model.model.generate(encoded, [prompt], beam_size=1, max_length=min(budget, MAX_TOKENS),
                                          suppress_blank=True, suppress_tokens=[-1])[0]
            text = tokenizer.decode([t for t in result.sequences_ids[0] if t < tokenizer.eot]).strip()
        return replace(scored, text=_first_pass(text))

    def _end_fit(self, encoded, tokenizer, expected: str, frames: int) -> float:
        """The least probability Whisper gives the tokens of the line's last two words (punctuation aside),
        the whole line forced on it; 0.0 for a line with no words."""
        words = expected.split()
        if not words:
            return 0.0
        tokens = tokenizer.encode(" " + expected.strip())
        before = tokenizer.encode(" " + " ".join(words[:-2])) if len(words) > 2 else []
        probabilities = self._token_probabilities(encoded, tokenizer, expected, frames)
        last = [p for token, p in zip(tokens[len(before):], probabilities[len(before):])
                if re.search(r"\w", tokenizer.decode([token]))]
        return float(min(last)) if last else 0.0

    def _prompt(self, tokenizer, hints: Hints) -> list[int]:
        previous = tokenizer.encode(" " + hints.prompt()) if hints.prompt() else []
        return self._model.get_prompt(tokenizer, previous, without_timestamps=True,
                                      hotwords=hints.hotwords(lambda word: len(tokenizer.encode(" " + word))))

    def _short(self, speech: Audio, hints: Hints, expected: str | None = None) -> "Judged":
        """Hear `speech` (the detector's regions, joined) in a window sized to it; with `expected`, also score
        the line against it: as written, and with an "uh" wherever the reading has short words of its own."""
        from faster_whisper.audio import pad_or_trim

        model = self._model
        samples = speech.samples.astype(np.float32) / 32768.0
        with self._lock:
            tokenizer = self._tokenizer()
            features = model.feature_extractor(samples)
            frames = features.shape[-1]
            window = SHORT_WINDOW_FRAMES if frames <= SHORT_WINDOW_FRAMES else 3000
            encoded = model.encode(pad_or_trim(features, window))
            prompt = self._prompt(tokenizer, hints)
            result = model.model.generate(
                encoded, [prompt], beam_size=5, max_length=MAX_TOKENS, suppress_blank=True, suppress_tokens=[-1],
            )[0]
            tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
            text = _without_repeats(tokenizer.decode(tokens).strip())
            if expected is None or not text:
                return Judged(Transcript(text, (), final=True))
            probabilities = lambda line: self._token_probabilities(encoded, tokenizer, line, min(frames, window))
            heard = probabilities(text)
            hesitant = [line for line in with_hesitations(expected, text) if line != expected]
            return Judged(Transcript(text, (), final=True), Fit(probabilities(expected), heard),
                          tuple(Fit(probabilities(line), heard) for line in hesitant))

    def _token_probabilities(self, encoded, tokenizer, text: str, frames: int) -> np.ndarray:
        # The end of text cannot be scored this way (the alignment gives it probability 0), so a line the actor
        # carried on past is caught by the line check instead: the reading has words the line lacks.
        tokens = tokenizer.encode(" " + text.strip())
        aligned = self._model.model.align(encoded, tokenizer.sot_sequence, [tokens], frames)[0]
        return np.asarray(aligned.text_token_probs, dtype=np.float64)

    def _tokenizer(self):
        if getattr(self, "_tokenizer_cache", None) is None:
            from faster_whisper.tokenizer import Tokenizer

            self._tokenizer_cache = Tokenizer(self._model.hf_tokenizer, self._model.model.is_multilingual,
                                              task="transcribe", language="en")
        return self._tokenizer_cache

    def submit(self, work, *arguments) -> Future:
        """Run work(*arguments) on this model's one background thread."""
        return self._worker.submit(work, *arguments)


def with_hesitations(expected: str, heard: str) -> list[str]:
    """The line with "uh" wherever the reading has short words of its own, to be scored against the audio.

    An actor's "uh" is not an error (the line check forgives fillers), but Whisper writes it as a short word
    ("the off man" for "the, uh, man"; "have enough slept" for "haven't, uh, slept"), and the written line,
    with nothing there, then fits the audio badly. Only words short enough to be a misheard hesitation are
    taken so: a real added word ("really") is never taken for an "uh" (measured: in a reverberant room it
    was). [] when the reading has no such words, or has a longer one.
    """
    from difflib import SequenceMatcher

    said = expected.split()
    got = heard.split()
    matcher = SequenceMatcher(a=[_bare(w) for w in said], b=[_bare(w) for w in got], autojunk=False)
    before: list[str] = []  # the filler put before the words it displaced
    after: list[str] = []  # or after them
    changed = False
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        surplus = (b1 - b0) - (a1 - a0)
        if tag in ("insert", "replace") and surplus > 0:
            extra = got[b0:b1] if tag == "insert" else sorted(got[b0:b1], key=lambda w: len(_bare(w)))[:surplus]
            if surplus > MOST_WORDS or any(len(_bare(w)) > MOST_LETTERS and _bare(w) not in FILLERS for w in extra):
                return []
            filler = next((w for w in got[b0:b1] if _bare(w) in FILLERS), "uh,")
            before += [filler] * surplus + said[a0:a1]
            after += said[a0:a1] + [filler] * surplus
            changed = True
        else:
            before += said[a0:a1]
            after += said[a0:a1]
    if not changed:
        return []
    return list(dict.fromkeys([" ".join(before), " ".join(after)]))


def _without_repeats(text: str) -> str:
    """Whisper in a short window sometimes says a phrase twice over ("fix it We have until Friday to fix
    it"); the repeat is its own, not the actor's (measured on noisy takes where the voice said it once)."""
    words = text.split()
    for size in range(len(words) // 2, 2, -1):
        tail, before = words[-size:], words[-2 * size : -size]
        if [_bare(w) for w in tail] == [_bare(w) for w in before]:
            return _without_repeats(" ".join(words[:-size]))
    return text


def _speech_in(audio: Audio) -> tuple[Audio | None, list]:
    """The speech in `audio`, at 16 kHz, cut out and joined (None when there is none), and where it was: only
    this is transcribed, so the room before, between and after never reaches the model."""
    audio = audio.to_rate(SPEECH_RATE)
    regions = speech_regions(audio, pad=SPEECH_PAD)
    return (only_speech(audio, regions) if regions else None), regions


def _first_pass(text: str) -> str:
    """The reading up to where it starts over from its opening words (see WhisperBackend.quick)."""
    words = text.split()
    opening = [_bare(w) for w in words[:2]]
    for start in range(3, len(words) - 1):
        if [_bare(w) for w in words[start : start + 2]] == opening:
            return " ".join(words[:start])
    return text


def _clean(word: str) -> str:
    return word.strip()


#: The most tokens WhisperBackend.transcribe writes for a second of speech, and a few more for any reading:
#: a person says at most about 5 words a second, a word is at most 1.5 tokens. Measured on scripts/bench_tape.py's
#: ten minutes of varied speech (two voices, up to 1.25x pace, heard in 12 s batches): 1.22 tokens a word, and
#: 4.7 tokens a second of speech in the densest batch, 3.8 in the median one.
TOKENS_PER_SECOND = 7.5
SPARE_TOKENS = 16
#: Whisper hears at most this much at once: one window.
WINDOW_SECONDS = 30.0


def token_budget(seconds: float) -> int:
    """The tokens a reading of `seconds` of speech may come to (see TOKENS_PER_SECOND)."""
    return int(TOKENS_PER_SECOND * seconds) + SPARE_TOKENS


def _windows(regions: Sequence) -> list[tuple[float, float]]:
    """(start, end) in the joined speech (_speech_in) of pieces of at most WINDOW_SECONDS: whole regions where
    they fit, a region longer than a window cut into windows."""
    pieces: list[tuple[float, float]] = []
    at = 0.0
    for region in regions:
        start, end = at, at + region.duration
        at = end
        if pieces and end - pieces[-1][0] <= WINDOW_SECONDS:
            pieces[-1] = (pieces[-1][0], end)
            continue
        while end - start > WINDOW_SECONDS:
            pieces.append((start, start + WINDOW_SECONDS))
            start += WINDOW_SECONDS
        pieces.append((start, end))
    return pieces


class WhisperRecognizer:
    """Whisper behind the streaming Recognizer protocol: it keeps what it is fed and hears it on finish().

    Partials stay empty (Whisper has none), so a live loop on this engine ends utterances on silence alone.
    A vocabulary is given to Whisper as a prompt, and the transcript keeps only the vocabulary's words, as
    Vosk does without a grammar.
    """

    engine = "whisper"
    sample_rate = SPEECH_RATE

    def __init__(self, backend: WhisperBackend, vocabulary: Vocabulary | None, names: Sequence[str] = ()) -> None:
        self._backend = backend
        self._vocabulary = vocabulary
        expected = tuple(" ".join(entry) for entry in vocabulary.entries) if vocabulary else ()
        self._hints = Hints(tuple(names), expected)
        self._whole = WholeSamples()
        self._pieces: list[bytes] = []

    def feed(self, pcm: bytes) -> Transcript:
        pcm = self._whole.take(pcm)
        if pcm:
            self._pieces.append(pcm)
        return Transcript("", (), final=False)

    def finish(self) -> Transcript:
        samples = np.frombuffer(b"".join(self._pieces), dtype="<i2")
        self.reset()
        heard = self._backend.transcribe(Audio(samples.copy(), SPEECH_RATE), self._hints, words=True)
        if self._vocabulary is None:
            return heard
        kept = self._vocabulary.filter([Word(_bare(w.text), w.start, w.end, w.confidence) for w in heard.words])
        return Transcript(" ".join(w.text for w in kept), tuple(kept), final=True)

    def reset(self) -> None:
        self._pieces = []
        self._whole.clear()


def _bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())
