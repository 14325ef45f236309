"""One session runtime: what every session (run, checklist, grounding, drills) speaks, listens and stops through.

A session is a small object with a `kind`, a `run(runtime)` that does the work and returns its result, and a
`so_far()` that says what it has when it is cut short. The runtime around it is the same for all of them:

* the event stream, with its subscribers (the terminal printer, the `--events` log, the practice history,
  the virtual actor), which is the only way anything learns what happened;
* callback's voice (`say`: rendered once per text, played with the microphone shut) and the cues' voices;
* the microphone and the ear (`listen`);
* how a session ends: `session_start` first, then `session_end` with an outcome (finished, stopped, silence,
  interrupted by Ctrl-C, failed with an error code) and the result so far, whatever happened. A Ctrl-C or a
  lost device never loses what the history has already committed, and the caller still gets the result to
  show before it exits.

`build_runtime` is the one place a runtime is put together: the CLI, the tests and the benchmarks all use it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Protocol

from assistant.audio.devices import Speaker
from assistant.audio.pcm import Audio
from assistant.errors import CallbackError
from assistant.events import (
    ErrorCode,
    Event,
    EventFile,
    EventStream,
    Outcome,
    PromptEnd,
    PromptStart,
    SessionEnd,
    SessionStart,
)
from assistant.session.listen import Microphone
from assistant.speech.hearing import Ear
from assistant.speech.voice import Voice


class Result(Protocol):
    def to_dict(self) -> dict: ...


class Session(Protocol):
    kind: str

    def start(self) -> SessionStart: ...  # what the session is about (script, role)
    def run(self, runtime: "Runtime") -> Result: ...
    def so_far(self) -> Result: ...  # the result when cut short
    def outcome(self, result: Result) -> Outcome: ...  # how a session that returned ended


@dataclass(frozen=True)
class Ran:
    """How a session went: its result (whole or so far), how it ended, and the error that ended it, if any."""

    result: Any
    outcome: Outcome
    error: CallbackError | None = None

    def raise_if_failed(self) -> None:
        """After the result has been shown: Ctrl-C goes on as Ctrl-C, an error as its one-line error."""
        if self.outcome is Outcome.INTERRUPTED:
            raise KeyboardInterrupt
        if self.error is not None:
            raise self.error


@dataclass
class Runtime:
    events: EventStream
    ear: Ear
    microphone: Microphone
    speaker: Speaker
    voice: Voice  # callback's own voice
    history: Any = None  # the HistoryRecorder subscribed, or None with --no-history
    _rendered: dict[tuple[str, str], Audio] = field(default_factory=dict, repr=False)
    # When the last cue's last sample left the speaker (monotonic), while the cue is the last thing heard:
    # callback's own voice after it (a correction, the line given) means the next words answer that, not the
    # cue, and there is no pickup to time. Read by LineHearing, which times the pickup from it.
    cue_ended_at: float | None = field(default=None, repr=False)

    def cue_ended(self, playback: Any = None) -> None:
        """A cue has just finished playing (`playback` when it was started with speaker.start): its last
        sample's time, from the playback when it knows it (a cue started ahead may be waited on after it ended)."""
        ended = getattr(playback, "ended_at", None)
        self.cue_ended_at = ended if ended is not None else time.monotonic()

    def emit(self, event: Event) -> Event:
        return self.events.emit(event)

    def render(self, voice: Voice, text: str) -> Audio:
        """Synthesize once: cues, questions and counts come round again (a loop, a re-ask, "back")."""
        key = (voice.name, text)
        if key not in self._rendered:
            self._rendered[key] = voice.render(text)
        return self._rendered[key]

    def say(self, text: str, kind: str, index: int | None = None, attempt: int | None = None) -> float:
        """callback's own voice; returns how many seconds it spoke. The microphone is not listening meanwhile."""
        audio = self.render(self.voice, text)
        self.cue_ended_at = None
        self.emit(PromptStart(kind, text, index, attempt))
        self.speaker.play(audio)
        self.emit(PromptEnd(kind))
        return audio.duration

    def run(self, session: Session) -> Ran:
        history = str(self.history.store.path) if self.history is not None else None
        return run_session(self.events, session, lambda: session.run(self), history)

    def close(self) -> None:
        close = getattr(self.microphone, "close", None)
        if close is not None:
            close()
        self.events.close()


def run_session(events: EventStream, session: Session, work: Callable[[], Result], history: str | None = None) -> Ran:
    """Start, do `work`, end: the one way every session (and a grading, which needs no devices) begins and
    ends. Ctrl-C and a CallbackError end the session with the result so far rather than escaping it."""
    events.emit(replace(session.start(), history=history))
    try:
        result = work()
    except KeyboardInterrupt:
        result = session.so_far()
        _end(events, session, Outcome.INTERRUPTED, result)
        return Ran(result, Outcome.INTERRUPTED)
    except CallbackError as error:
        result = session.so_far()
        _end(events, session, Outcome.FAILED, result, error)
        return Ran(result, Outcome.FAILED, error)
    outcome = session.outcome(result)
    try:
        _end(events, session, outcome, result)
    except CallbackError as error:
        return Ran(result, Outcome.FAILED, error)
    return Ran(result, outcome)


def _end(events: EventStream, session: Session, outcome: Outcome, result: Result,
         error: CallbackError | None = None) -> None:
    code = None
    if error is not None:
        code = ErrorCode(error.code) if error.code in ErrorCode._value2member_map_ else ErrorCode.OTHER
    try:
        events.emit(SessionEnd(session.kind, outcome, result.to_dict(), code, str(error) if error else None))
    except CallbackError:
        if error is None:
            raise
        # The history failing while a session ends on another error: the first error is the one to show.


def build_runtime(
    *,
    ear: Ear,
    speaker: Speaker,
    voice: Voice,
    microphone: Microphone | None = None,
    actor: "ActorSetup | None" = None,
    log: EventFile | None = None,
    history: Any = None,
    printer: Callable[[Event], None] | None = None,
    events: EventStream | None = None,
) -> Runtime:
    """Put a runtime together. Subscribers in the order they must hear each event: the history first (an
    attempt is committed before anything else reacts), then the log, the printer, and last the virtual actor,
    which starts speaking when it hears `listen_start`.

    Give either a real `microphone` or an `actor` (the virtual actor stands where the microphone would be)."""
    events = events or EventStream()
    if history is not None:
        events.subscribe(history)
    if log is not None:
        events.subscribe(log)
    if printer is not None:
        events.subscribe(printer)
    if actor is not None:
        microphone = actor.make(events)
    if microphone is None:
        raise ValueError("a runtime needs a microphone or a virtual actor")
    return Runtime(events, ear, microphone, speaker, voice, history)


@dataclass(frozen=True)
class ActorSetup:
    """The virtual actor at the microphone: who it is (a voice), what it says (its part), the room it stands in,
    and whether it keeps real time (off in tests: chunks come as fast as they are read)."""

    part: Any  # actor.parts.Part
    voice: Voice | None = None  # default: the natural hibari voice
    room: Any = None  # audio.rooms.RoomNoise, or None for a quiet room
    realtime: bool = True
    seed: int = 0
    pickup: float | None = None  # its pause after a cue, in seconds (--actor-pickup); None: its usual reaction

    def make(self, events: EventStream):
        from assistant.actor import VirtualActor
        from assistant.speech.voices import NaturalVoice

        return VirtualActor(self.voice or NaturalVoice(), self.part, events, realtime=self.realtime,
                            room=self.room, seed=self.seed, pickup=self.pickup)
