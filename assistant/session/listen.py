"""Listening for one utterance: open the microphone, follow the speech, and decide when it is over.

Waiting for a recognizer's own endpoint costs about a second after the last word (and a lone word sometimes
never endpoints), which is far slower than the ~200 ms people leave between turns. The session usually
knows what is about to be said, so it passes `is_complete`: once the running transcript says the utterance
is complete, a short silence ends it (a little longer when the transcript has only reached the word before
the last); otherwise only a long silence does, so a dramatic pause mid-line does not cut the actor off.

What counts as speech and silence is the speech detector's call (speech/activity.py), not loudness: in a
room humming at -40 dBFS every chunk is loud. The recognizer is fed only speech: nothing before the actor
starts but a short lead-in, and after they stop only a short tail, so the room's hiss cannot turn into
words before or after a line; and it is fed the stream with the room's steady noise taken out
(audio/denoise.py). A word the recognizer still places where the detector heard no speech is
dropped. What was fed is kept as the utterance's audio, for a second hearing of the same sound; the caller
may start that second hearing at the first pause (`early_hearing`). Its quick reading comes back first and
may tell that the line's last words were said (in a humming room it is what ends most lines); its full
reading follows for the verdict, unless the actor speaks on, which makes both out of date.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from assistant.audio.denoise import Denoiser
from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.events import EventStream, ListenStart, Partial, Recognized
from assistant.speech.activity import SpeechActivity
from assistant.speech.recognizer import Recognizer, Transcript, Word

#: Room fed to the recognizer before the first speech chunk: the onset of a first consonant.
LEAD_IN = 0.3
#: Room fed after the last speech chunk before feeding stops: enough for the recognizer to close the word.
TAIL = 0.3
#: A pause this long is taken for the end of the utterance, as far as the second hearing goes: its full
#: reading starts (unless its quick reading has already heard the line's end), so that a wrong line's
#: verdict is ready when the long silence ends the turn. Not sooner: at a comma's pause it is wasted.
FULL_READING_AFTER = 0.3
#: The live loop's speech detector calls a frame silence as soon as its speech probability falls under this,
#: not under the detector's usual 0.35 (activity.NEGATIVE), which guards a soft last consonant. In a room
#: humming at -40 dBFS the probability lingers after the voice: the first frame under 0.35 came 129 ms after
#: the last sound (median, 24 takes), the first under 0.5 82 ms after it. A dip mid-line costs nothing here:
#: a line ends only when its last words were heard (or on the long silence), and speech that follows gives
#: up a second hearing started at the dip. With the quick reading, the gap at -40 dBFS fell from p50 281 /
#: p95 389 ms to 218-231 / 379-380 ms (bench_turns.py, two runs of 33 turns).
SPEECH_ENDS_BELOW = 0.5
#: A recognizer word counts only if it overlaps speech the detector heard, within this much.
WORD_TOLERANCE = 0.08


#: What `is_complete` answers: nothing yet, the word before the last heard (the transcript lags the voice by
#: a word), or the utterance's end heard. A plain bool works too: True counts as the word before the last.
NOT_YET, NEARLY, END_HEARD = 0, 1, 2


class Microphone(Protocol):
    def chunks(self): ...
    def drain(self) -> None: ...


@dataclass(frozen=True)
class Timing:
    # After a complete utterance: a breath, not a pause. The speech detector itself calls silence ~35 ms after
    # the voice has gone, so this is ~95 ms after the last sound.
    short_silence: float = 0.06
    nearly_silence: float = 0.3  # when only the word before the last is in the transcript: longer than a gap between words
    long_silence: float = 1.5  # after one that never completed (wandered off, or unknown)
    # After a lone command word: longer than a breath, so "Stop right there" survives. 0.55, not 0.5, since the
    # detector calls silence sooner (SPEECH_ENDS_BELOW): at 0.5, "Again? Really?" was taken for "again".
    command_silence: float = 0.55
    start_timeout: float = 8.0  # nobody started speaking
    max_utterance: float = 30.0  # a runaway room (music, television) still ends


@dataclass(frozen=True)
class Utterance:
    text: str
    words: tuple[Word, ...] = ()
    alternatives: tuple[str, ...] = ()  # the recognizer's next-best readings, best first
    cross_checked: str = ""  # what the cross-checking recognizer heard of the same audio ("" without one)
    ended_by: str = "silence"  # "complete", "command", "silence", "timeout", "engine" or "limit"
    speech_seconds: float = 0.0
    ended_at: float = field(default=0.0)  # monotonic time the utterance was judged over
    # Monotonic time the first speech reached the microphone, by the speech detector on the captured audio
    # (not when anything decided to speak); None when nothing was said. A pickup is timed from it.
    speech_began: float | None = None
    audio: Audio | None = field(default=None, repr=False)  # the speech as fed to the recognizer
    early: "Future | None" = field(default=None, repr=False)  # the full second hearing of all of `audio`

    @property
    def timed_out(self) -> bool:
        return self.ended_by == "timeout"


class PendingHearing(Protocol):
    """A second hearing under way: `ending` (a quick reading: its result's `end_fits` says the line's last
    words fit the audio, else its `text` is checked), then `verdict` (the full hearing, started by go_on(),
    its result has a `text`); abandon() gives up whatever has not started (the actor spoke on)."""

    ending: Future
    verdict: Future

    def go_on(self) -> None: ...

    def abandon(self) -> None: ...


#: Given a way to get the audio so far (it grows while the hearing waits its turn: the last consonant and
#: the room after it), the running transcript and the seconds of speech at a pause, start a second
#: hearing, or return None.
EarlyHearing = Callable[[Callable[[], Audio], str, float], "PendingHearing | None"]


class _Gate:
    """Feeds the recognizers speech only, remembers what it fed, and where in it the speech was, and how many
    seconds of CPU the recognizers spent on it (a `recognized` event: benchmarks read it, wrapping nothing)."""

    def __init__(self, recognizers: list[Recognizer]):
        self._recognizers = recognizers
        self.busy_seconds = 0.0
        self._waiting: list[tuple[bytes, bytes]] = []  # (raw, clean) not fed, newest last (a lead-in's worth)
        self._waiting_seconds = 0.0
        self.fed: list[bytes] = []
        self.fed_seconds = 0.0
        self.voiced: list[tuple[float, float]] = []  # speech intervals, in seconds of fed audio
        self._since_voice = float("inf")
        self.last_partial = Transcript("")
        self.holding = False  # keep the recognizers' share for later (see listen())
        self._held: list[bytes] = []

    def take(self, raw: bytes, clean: bytes, seconds: float, voiced: bool) -> Transcript:
        """raw: as the microphone gave it (kept for the second hearing); clean: denoised, for the recognizers."""
        if voiced:
            for waiting in self._waiting:
                self._feed(*waiting)
            self._waiting, self._waiting_seconds = [], 0.0
            self.voiced.append((self.fed_seconds, self.fed_seconds + seconds))
            self._since_voice = 0.0
            self._feed(raw, clean)
        elif self._since_voice < TAIL:
            self._since_voice += seconds
            self._feed(raw, clean)
        else:
            self._waiting.append((raw, clean))
            self._waiting_seconds += seconds
            while self._waiting and self._waiting_seconds - _seconds(self._waiting[0][0]) >= LEAD_IN:
                self._waiting_seconds -= _seconds(self._waiting.pop(0)[0])
        return self.last_partial

    def _feed(self, raw: bytes, clean: bytes) -> None:
        self.fed.append(raw)
        self.fed_seconds += _seconds(raw)
        self._held.append(clean)
        if not self.holding:
            self.release()

    def release(self) -> None:
        """Feed the recognizers what was held back."""
        if not self._held:
            return
        started = time.perf_counter()
        for clean in self._held:
            partials = [recognizer.feed(clean) for recognizer in self._recognizers]
            self.last_partial = partials[0]
        self._held = []
        self.busy_seconds += time.perf_counter() - started

    def audio(self) -> Audio:
        # Also called from the second hearing's thread while this one appends: a list's join sees a whole
        # list, with or without the newest chunk.
        return Audio(np.frombuffer(b"".join(self.fed), dtype="<i2").copy(), SPEECH_RATE)

    def in_speech(self, word: Word) -> bool:
        return any(word.start < end + WORD_TOLERANCE and word.end > start - WORD_TOLERANCE for start, end in self.voiced)


def listen(
    microphone: Microphone,
    recognizer: Recognizer,
    events: EventStream,
    awaiting: ListenStart,
    *,
    is_complete: Callable[[str], int] = lambda text: NOT_YET,
    cross_check: Recognizer | None = None,
    is_command: Callable[[str], bool] = lambda text: False,
    max_command_words: int | None = None,
    timing: Timing = Timing(),
    wait_for_engine: bool = False,
    early_hearing: EarlyHearing | None = None,
    on_over: Callable[[str], None] | None = None,
) -> Utterance:
    """Hear one utterance. The microphone is drained and the recognizers reset first: never hear a cue.

    `awaiting` is emitted first, so whoever follows the stream (the virtual actor, a log) knows what is awaited.
    `cross_check`: a second recognizer fed the same audio, whose reading confirms or refuses the first's (the
    command grammar beside dictation in a run; dictation beside the answer grammar in the checklist).
    `on_over(ended_by)` is called the moment the utterance is judged over, before the recognizers close.
    """
    microphone.drain()
    clock = _StreamClock(getattr(microphone, "realtime", True))
    recognizer.reset()
    if cross_check is not None:
        cross_check.reset()
    activity = SpeechActivity(negative=SPEECH_ENDS_BELOW)
    denoiser = Denoiser()
    gate = _Gate([recognizer] + ([cross_check] if cross_check is not None else []))
    events.emit(awaiting)

    heard_seconds = 0.0
    voiced_seconds = 0.0
    silence = 0.0
    started = False
    last_partial = ""
    ended_by = "limit"
    early: PendingHearing | None = None
    early_voiced = considered = 0  # speech chunks the early hearing covers; those already considered for one
    for chunk in microphone.chunks():
        seconds = len(chunk) / 2 / SPEECH_RATE
        heard_seconds += seconds
        clock.arrived(heard_seconds)
        voiced = activity.feed(chunk)
        # While the quick reading of a second hearing runs, the streaming recognizer waits: on two cores the
        # two slowed each other (the reading, which ends most lines in a humming room, took 200 to 480 ms in a
        # live run against 160 alone); held back, the gap's p50 at -40 dBFS fell from 364 to 278-339 ms.
        # Nor is it fed once that reading has heard the line's end: the line is over, and the next cue waits.
        gate.holding = (not voiced and early is not None and early_voiced == len(gate.voiced)
                        and (not early.ending.done() or _early_heard_end(is_complete, early)))
        partial = gate.take(chunk, denoiser.process(chunk, silent=not voiced), seconds, voiced)
        if voiced:
            started = True
            silence = 0.0
            voiced_seconds += seconds
            if early is not None and early_voiced != len(gate.voiced):
                early.abandon()  # the actor spoke on: its full reading would judge half a line
        else:
            silence += seconds
        if started and not activity.speaking and early_hearing is not None and considered != len(gate.voiced):
            # The detector's last frame was not speech: this may be the end of the line, so the second hearing
            # starts now, once per pause. In a humming room the streaming transcript rarely reaches a line's
            # last words, and this hearing is what ends the line and starts the next cue: started here rather
            # than after 0.1 s of silence, with its quick reading first, the gap fell from p50 568 / p95 798 ms
            # to 264-298 / 419-464 ms at -40 dBFS (bench_turns.py, four runs of 22 to 33 turns). A hearing
            # started at a comma's pause costs CPU, not a wrong ending: it must hear the line's last words to
            # end the line, and speech that follows gives up whatever of it has not begun (an earlier hearing
            # was given up by the speech that came after it).
            considered = len(gate.voiced)
            started_early = early_hearing(gate.audio, partial.text, voiced_seconds)
            if started_early is not None:
                early, early_voiced = started_early, considered
        if (early is not None and early_voiced == len(gate.voiced)
                and (silence >= FULL_READING_AFTER or _early_heard_end(is_complete, early))):
            early.go_on()
        if partial.text != last_partial and partial.text:
            last_partial = partial.text
            events.emit(Partial(partial.text))

        if not started and heard_seconds >= timing.start_timeout:
            ended_by = "timeout"
            break
        if not started:
            continue
        if wait_for_engine:
            if partial.final:
                ended_by = "engine"
                break
        elif silence >= timing.short_silence and (reached := _reached(is_complete, partial, early, early_voiced, gate)) and (
            reached >= END_HEARD or silence >= timing.nearly_silence
        ):
            ended_by = "complete"
            break
        elif silence >= timing.command_silence and is_command(partial.text):
            ended_by = "command"
            break
        # Waiting for the engine, a lone word may never endpoint (measured on Vosk): a long silence still ends it.
        if silence >= (2 * timing.long_silence if wait_for_engine else timing.long_silence):
            ended_by = "silence"
            break
        if heard_seconds >= timing.max_utterance:
            break

    current = early is not None and early_voiced == len(gate.voiced)
    if early is not None:
        early.go_on() if current else early.abandon()
    if on_over is not None:
        # Before the recognizers close: closing PocketSphinx took 10 to 200 ms in a humming room while the
        # second hearing worked beside it (measured in bench_turns runs), time the next cue need not wait.
        on_over(ended_by)
    finishing = time.perf_counter()
    gate.release()
    final = _in_speech(recognizer.finish(), gate)
    cross_checked = ""
    # Closing the command recognizer costs as much as closing dictation (measured: 90 to 200 ms on
    # PocketSphinx), time the next cue would wait. A caller that knows longer utterances cannot be commands
    # says so with max_command_words, and is spared that wait.
    if cross_check is not None and (max_command_words is None or len(final.text.split()) <= max_command_words):
        cross_checked = _in_speech(cross_check.finish(), gate).text
    events.emit(Recognized(recognizer.engine, round(gate.fed_seconds, 3),
                           round(gate.busy_seconds + time.perf_counter() - finishing, 4)))
    return Utterance(
        text=final.text,
        words=final.words,
        alternatives=final.alternatives,
        cross_checked=cross_checked,
        ended_by=ended_by,
        speech_seconds=voiced_seconds,
        ended_at=time.monotonic(),
        audio=gate.audio() if started else None,
        early=early.verdict if current else None,
        speech_began=(clock.at(activity.first_speech_sample / SPEECH_RATE)
                      if started and activity.first_speech_sample is not None else None),
    )


class _StreamClock:
    """Maps a moment in the captured stream (seconds since listening began) to the monotonic clock.

    A chunk is handed over only once recorded, so when the chunk ending at stream second s arrives at time a,
    the stream began no later than a - s; the earliest such bound over the chunks is the one read without
    delay (a chunk read late, after a second hearing held the loop, only loosens its own bound). A microphone
    that does not keep real time (a test's, a recording's: `realtime` False) hands over chunks as fast as they
    are read, and time does not pass in it: its stream begins when listening begins."""

    def __init__(self, realtime: bool):
        self.opened = time.monotonic()
        self.realtime = realtime
        self.began: float | None = None

    def arrived(self, stream_seconds: float) -> None:
        if self.realtime:
            bound = time.monotonic() - stream_seconds
            self.began = bound if self.began is None else min(self.began, bound)

    def at(self, stream_seconds: float) -> float:
        return (self.began if self.began is not None else self.opened) + stream_seconds


def _seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / SPEECH_RATE


def _reached(is_complete: Callable[[str], int], partial: Transcript, early: "PendingHearing | None",
             early_voiced: int, gate: _Gate) -> int:
    """How far the utterance has got, by the streaming transcript or, once it is back and still covers every
    speech chunk, the second hearing started at this pause. In a noisy room the streaming engine often never
    hears the line's last words, and the line would end only on the long silence.

    The streaming transcript's NEARLY (the word before the last) allows for its lag behind the voice. The
    second hearing has no lag: it read all the audio up to the pause, so when it is back without the line's
    end, the actor is holding a beat before the last word, and only the end itself ends the line (measured:
    "...did you call", a beat of a second, then "her?" was cut off at the beat before this).
    """
    reached = int(is_complete(partial.text))
    if reached >= END_HEARD or early is None or early_voiced != len(gate.voiced):
        return reached
    second = _early_reached(is_complete, early)
    if second is None:
        return reached
    return END_HEARD if second >= END_HEARD else NOT_YET


def _early_heard_end(is_complete: Callable[[str], int], early: PendingHearing) -> bool:
    return (_early_reached(is_complete, early) or NOT_YET) >= END_HEARD


def _early_reached(is_complete: Callable[[str], int], early: PendingHearing) -> int | None:
    """How far the second hearing's readings that are back have got (None while none is): the quick one's
    last words fitting the audio, or its text; the full one's text counts too, for the few lines whose end
    the quick reading misses (an actor's "um"s can take it past its length)."""
    reached = None
    for reading in (early.ending, early.verdict):
        if reading.done() and not reading.cancelled():
            try:
                result = reading.result()
                heard_end = reading is early.ending and result.end_fits
                reached = max(reached or NOT_YET, END_HEARD if heard_end else int(is_complete(result.text)))
            except Exception:  # a failed second hearing is reported where its result is used
                pass
    return reached


def _in_speech(transcript: Transcript, gate: _Gate) -> Transcript:
    """The transcript without words placed where the detector heard no speech (the room, not the actor).

    Engines that give no word times (a partial from Vosk) are left as they are."""
    if not transcript.words:
        return transcript
    kept = tuple(word for word in transcript.words if gate.in_speech(word))
    if len(kept) == len(transcript.words):
        return transcript
    return Transcript(" ".join(w.text for w in kept), kept, transcript.final, transcript.alternatives)
