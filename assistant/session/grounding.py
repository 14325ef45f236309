"""A minute or two of grounding before the actor walks out: box breathing with spoken counts, and affirmations.

Box breathing is four sides of four counts: breathe in, hold, breathe out, hold. Each count is a beat of about
a second: the count is spoken, and the rest of the beat is spent listening, so "stop" is heard within a beat
or two. After every round one affirmation is spoken.

Time is kept on the session's own clock, the sum of what was spoken and what was listened to, rather than
the wall clock. With a real speaker and microphone the two agree; with the virtual actor running faster
than real time the session is still the length asked for, only sooner over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import ClassVar, Iterator, Sequence

from assistant.answers import Answer, interpret, vocabulary
from assistant.audio.pcm import SPEECH_RATE
from assistant.events import Heard, ListenStart, Outcome, SessionStart
from assistant.session.answering import heard_answer
from assistant.session.listen import Microphone, Timing, listen
from assistant.session.runtime import Runtime

#: The four sides of the box, each spoken as four counts.
BOX: tuple[tuple[str, ...], ...] = (
    ("Breathe in", "two", "three", "four"),
    ("Hold", "two", "three", "four"),
    ("Breathe out", "two", "three", "four"),
    ("Hold", "two", "three", "four"),
)
BEAT_SECONDS = 1.0
#: Even when a spoken count fills its beat, listen this long so "stop" can still be heard.
MIN_LISTEN_SECONDS = 0.3
#: A moment of quiet after each affirmation, to let it land.
AFTER_AFFIRMATION_SECONDS = 1.5

OPENING = "Let's settle you before you go. In for four, hold for four, out for four, hold for four. Say stop to finish."
CLOSING = "That's your grounding done. Take that steadiness with you."
STOPPED = "Okay, stopping here. You're ready."


@dataclass(frozen=True)
class GroundingOutcome:
    minutes: float  # asked for
    seconds: float  # on the session clock
    rounds: int  # complete rounds of box breathing
    stopped: bool  # the actor said stop
    affirmations: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "minutes": self.minutes,
            "seconds": round(self.seconds, 1),
            "rounds": self.rounds,
            "stopped": self.stopped,
            "affirmations": list(self.affirmations),
        }


class _StopHeard(Exception):
    pass


class CountingMicrophone:
    """Passes a microphone through, adding up how many seconds of audio were read from it."""

    def __init__(self, microphone: Microphone):
        self._microphone = microphone
        self.seconds = 0.0

    def chunks(self) -> Iterator[bytes]:
        for chunk in self._microphone.chunks():
            self.seconds += len(chunk) / 2 / SPEECH_RATE
            yield chunk

    def drain(self) -> None:
        self._microphone.drain()


@dataclass
class GroundingSession:
    """Box breathing as a session of the runtime."""

    minutes: float
    affirmations: Sequence[str]
    seed: int | None = None  # which affirmation comes first; None for a different start each time
    kind: ClassVar[str] = "ground"
    _clock: float = field(default=0.0, init=False)
    _mic: CountingMicrophone | None = field(default=None, init=False)
    _rounds: int = field(default=0, init=False)
    _spoken: list[str] = field(default_factory=list, init=False)
    _stopped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise ValueError("minutes must be positive")

    @property
    def elapsed(self) -> float:
        return self._clock + (self._mic.seconds if self._mic is not None else 0.0)

    def start(self) -> SessionStart:
        return SessionStart(self.kind)

    def so_far(self) -> GroundingOutcome:
        return GroundingOutcome(self.minutes, self.elapsed, self._rounds, self._stopped, tuple(self._spoken))

    def outcome(self, result: GroundingOutcome) -> Outcome:
        return Outcome.STOPPED if result.stopped else Outcome.FINISHED

    def run(self, runtime: Runtime) -> GroundingOutcome:
        self.rt = runtime
        self._mic = CountingMicrophone(runtime.microphone)
        self.recognizer = runtime.ear.live.recognizer(vocabulary=vocabulary())  # small, and includes "stop"
        self.dictation = runtime.ear.live.recognizer()  # free dictation of the same audio: "don't stop" must not stop
        total = self.minutes * 60.0
        order = list(self.affirmations)
        random.Random(self.seed).shuffle(order)
        try:
            self._speak(OPENING, "opening")
            self._listen_for_stop(1.0, "opening")
            last_round = 0.0
            # Always one round; then another only while at least half of one still fits.
            while self._rounds == 0 or self.elapsed + last_round / 2 < total:
                started = self.elapsed
                self._breathe_one_round()
                self._rounds += 1
                if order:
                    affirmation = order[(self._rounds - 1) % len(order)]
                    self._speak(affirmation, "affirmation")
                    self._spoken.append(affirmation)
                    self._listen_for_stop(AFTER_AFFIRMATION_SECONDS, "affirmation")
                last_round = self.elapsed - started
            self._speak(CLOSING, "closing")
        except _StopHeard:
            self._stopped = True
            self._speak(STOPPED, "closing")
        return self.so_far()

    def _breathe_one_round(self) -> None:
        for side in BOX:
            for count in side:
                spent = self._speak(count, "count")
                self._listen_for_stop(max(MIN_LISTEN_SECONDS, BEAT_SECONDS - spent), "count")

    def _speak(self, text: str, kind: str) -> float:
        seconds = self.rt.say(text, kind)
        self._clock += seconds
        return seconds

    def _listen_for_stop(self, seconds: float, phase: str) -> None:
        # Speech that starts inside the window is followed to its end, so a "stop" that runs over the beat
        # is still heard whole; the count resumes after it.
        utterance = listen(
            self._mic,
            self.recognizer,
            self.rt.events,
            ListenStart("stop", elapsed=round(self.elapsed, 2)),
            cross_check=self.dictation,
            is_complete=lambda text: interpret(text) is not None,
            timing=Timing(short_silence=0.2, long_silence=0.8, start_timeout=seconds, max_utterance=4.0),
        )
        if utterance.text.strip() or utterance.audio is not None:
            heard, text, hearing = heard_answer(utterance, self.rt.ear, True, self.rt.events)
            self.rt.emit(Heard(text, hearing, utterance.ended_by, dictation=utterance.cross_checked))
            if heard is Answer.STOP:
                raise _StopHeard()
