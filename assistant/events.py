"""The one stream of events every session emits, and the one dispatch everything reads it through.

The terminal printer, the `--events` JSON-lines log, the practice history, the virtual actor, the tests and
the benchmarks are all subscribers of an `EventStream`; none of them is called any other way. Each event is a
small frozen dataclass with a type from `EventType`; `to_dict()` / `event_from_dict()` round-trip it through
JSON (after Wyoming's events: a type, then the payload), so a log written today reads back as the same events.

The type names are those callback's logs have always used (`cue_start`, `heard`, `verdict`, ...): scripts and
users read them with jq. `t` is seconds on the monotonic clock, comparable within one process.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable, ClassVar, TextIO

from assistant.errors import CallbackError


class EventType(str, Enum):
    SESSION_START = "session_start"
    SESSION_END = "session_end"
    CUE_START = "cue_start"  # another character's line starts playing
    CUE_END = "cue_end"
    PROMPT_START = "prompt_start"  # callback's own voice: a question, a correction, the line, a count
    PROMPT_END = "prompt_end"
    LISTEN_START = "listen_start"  # the microphone is open for one utterance
    PARTIAL = "partial"  # the streaming transcript so far
    RECOGNIZED = "recognized"  # what a hearing cost: seconds of audio and of CPU
    HEARD = "heard"  # what one hearing made of an utterance
    VERDICT = "verdict"  # an attempt at a line, judged
    COMMAND = "command"  # a voice command obeyed
    ANSWER = "answer"  # a checklist answer
    REDIRECTION = "redirection"  # a director's note and whether the delivery changed
    REFRESH = "refresh"  # a line delivered again the same way as the time before
    ACTOR_SAYS = "actor_says"  # the virtual actor starts speaking
    ACTOR_SPEECH_END = "actor_speech_end"  # ... and its voice has just stopped
    SCENE_START = "scene_start"  # a run enters a scene, or starts a round of --loop


class Outcome(str, Enum):
    FINISHED = "finished"  # ran to its end
    STOPPED = "stopped"  # the actor said stop
    SILENCE = "silence"  # nobody answered, so the session gave up
    INTERRUPTED = "interrupted"  # Ctrl-C
    FAILED = "failed"  # an error ended it: see `error_code`


class ErrorCode(str, Enum):
    """Why a session failed, for whoever reads the stream (after Home Assistant's pipeline error codes)."""

    DEVICE = "device"  # a microphone or speaker lost or refused
    ENGINE = "engine"  # a speech engine failed mid-session
    HISTORY = "history"  # the practice history could not be written
    OTHER = "other"


@dataclass(frozen=True)
class Event:
    type: ClassVar[EventType]
    t: float = field(default=0.0, kw_only=True)  # set by the stream when the event is emitted

    @property
    def data(self) -> dict[str, Any]:
        """The payload: every field but `t`, ready for JSON."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name != "t" and f.metadata.get("json", True)}

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "type": self.type.value, **self.data}


def _not_logged():
    """Field metadata for what travels with an event in the process but never into a log (audio)."""
    return {"json": False}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


# -- the events ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionStart(Event):
    type: ClassVar[EventType] = EventType.SESSION_START
    kind: str  # "run", "checklist", "ground", "grade", "drill"
    script: str | None = None  # the script's path, for sessions on a script
    role: str | None = None
    history: str | None = None  # the database this session is kept in; None with --no-history


@dataclass(frozen=True)
class SessionEnd(Event):
    type: ClassVar[EventType] = EventType.SESSION_END
    kind: str
    outcome: Outcome = Outcome.FINISHED
    summary: dict = field(default_factory=dict)
    error_code: ErrorCode | None = None
    error: str | None = None


@dataclass(frozen=True)
class CueStart(Event):
    type: ClassVar[EventType] = EventType.CUE_START
    speaker: str
    text: str
    ahead: bool = False  # started as the actor's line ended, before its verdict was in (session/run.py)
    voice: str = ""  # "recorded" for a person's recording (record-cues), else the synthetic voice's name


@dataclass(frozen=True)
class CueEnd(Event):
    type: ClassVar[EventType] = EventType.CUE_END
    speaker: str
    cut: bool = False  # stopped early: the line before it turned out missed, or was a command


@dataclass(frozen=True)
class PromptStart(Event):
    type: ClassVar[EventType] = EventType.PROMPT_START
    kind: str  # run: correction, line, pause, summary; checklist: question, offer, follow_up; ground: count, ...
    text: str
    index: int | None = None  # the checklist item, 0-based
    attempt: int | None = None


@dataclass(frozen=True)
class PromptEnd(Event):
    type: ClassVar[EventType] = EventType.PROMPT_END
    kind: str


@dataclass(frozen=True)
class ListenStart(Event):
    """What callback is listening for, so the virtual actor (and a reader of the log) knows what is awaited."""

    type: ClassVar[EventType] = EventType.LISTEN_START
    purpose: str  # "line", "resume" (paused), "answer", "stop" (grounding listens for it between counts)
    line: int | None = None  # the role's line number, 1-based
    expected: str | None = None  # the line's text
    attempt: int = 1
    index: int | None = None  # the checklist item, 0-based
    question: str | None = None  # "question" or "offer"
    elapsed: float | None = None  # seconds into a grounding session
    redirection: str | None = None  # the id of the director's note this delivery answers
    measure: str | None = None  # ... the measure it asks to move, if any
    direction: int = 0  # ... and which way: +1 more, -1 less


@dataclass(frozen=True)
class Partial(Event):
    type: ClassVar[EventType] = EventType.PARTIAL
    text: str


@dataclass(frozen=True)
class Recognized(Event):
    """One hearing's cost: how much audio it took and how many seconds of CPU time it spent on it."""

    type: ClassVar[EventType] = EventType.RECOGNIZED
    hearing: str
    audio_seconds: float
    busy_seconds: float


@dataclass(frozen=True)
class Heard(Event):
    type: ClassVar[EventType] = EventType.HEARD
    text: str
    hearing: str  # the engine that heard it: "vosk", "pocketsphinx", "whisper"
    ended_by: str = ""  # "complete", "command", "silence", "timeout", ...
    line: int | None = None
    dictation: str = ""  # free dictation of the same audio, where a small vocabulary heard `text`
    fit: dict | None = None  # the strong hearing's fit of the expected line


@dataclass(frozen=True)
class Verdict(Event):
    type: ClassVar[EventType] = EventType.VERDICT
    line: int
    result: str  # "ok" (word perfect), "slip" (small words only; counts as said) or "missed"
    hearing: str
    expected: str
    heard: str
    score: float
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    substituted: tuple[tuple[str, str], ...] = ()
    attempt: int = 1
    pickup: float | None = None  # seconds from the cue's last sample to the first word; None without a cue
    prompts: int = 0  # help given before this attempt: calls for "line", or the line said by learn mode
    audio: Any = field(default=None, compare=False, repr=False, metadata=_not_logged())  # the take, if kept

    @classmethod
    def of(cls, line: int, verdict, hearing: str, attempt: int = 1, audio=None) -> "Verdict":
        """From the line check's verdict (linecheck.Verdict)."""
        return cls(line=line, result=verdict.verdict, hearing=hearing, expected=verdict.expected,
                   heard=verdict.heard, score=round(verdict.score, 3), missing=tuple(verdict.missing),
                   extra=tuple(verdict.extra), substituted=tuple(tuple(pair) for pair in verdict.substituted),
                   attempt=attempt, audio=audio)

    @property
    def ok(self) -> bool:
        """The line counts as said (word perfect, or a slip)."""
        return self.result != "missed"


@dataclass(frozen=True)
class Command(Event):
    type: ClassVar[EventType] = EventType.COMMAND
    name: str  # "line", "again", "skip", "back", "pause", "resume", "stop"
    hearing: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Answer(Event):
    """A checklist answer. `recorded` is what the item now holds ("yes", "no", "skipped"), or None when the
    answer recorded nothing (repeat, back, unclear, silence, an answer to an offer)."""

    type: ClassVar[EventType] = EventType.ANSWER
    index: int
    question: str  # the item's question
    answer: str  # as heard: yes, no, skip, repeat, back, stop, unclear, silence
    hearing: str = ""
    kind: str = "question"  # or "offer"
    item_id: str = ""
    recorded: str | None = None
    revisit: bool = False
    offer_accepted: bool | None = None


@dataclass(frozen=True)
class Redirection(Event):
    type: ClassVar[EventType] = EventType.REDIRECTION
    redirection: str  # the words spoken
    kind: str
    line: int | None = None
    measure: str | None = None  # None for a qualitative redirection
    before: float | None = None
    after: float | None = None
    changed: bool | None = None  # None for a qualitative redirection, which is rated instead
    direction: int = 0  # what the note asked: +1 more of the measure, -1 less
    amount: float | None = None  # the change: relative for pace, dB, semitones, seconds of pause
    rating: int | None = None  # the actor's own one-to-five, for a qualitative note
    measures_before: dict | None = None  # every raw measure of both takes, so thresholds can be retuned
    measures_after: dict | None = None


@dataclass(frozen=True)
class Refresh(Event):
    """"Don't repeat, refresh": a line delivered again, without a note, within the thresholds of the last take."""

    type: ClassVar[EventType] = EventType.REFRESH
    line: int
    measures_before: dict | None = None
    measures_after: dict | None = None


@dataclass(frozen=True)
class ActorSays(Event):
    type: ClassVar[EventType] = EventType.ACTOR_SAYS
    text: str


@dataclass(frozen=True)
class ActorSpeechEnd(Event):
    type: ClassVar[EventType] = EventType.ACTOR_SPEECH_END
    text: str
    # The event is emitted with the microphone chunk that holds the voice's last sample; this is how long
    # before the chunk's end that sample was, so a gap measured from the event can be measured from the voice.
    late_by: float = 0.0


@dataclass(frozen=True)
class SceneStart(Event):
    """Where a run is: the scene it has just entered (or the same one again, at the start of a round)."""

    type: ClassVar[EventType] = EventType.SCENE_START
    scene: int | None = None  # 1-based in the script; None for a script read without scenes
    heading: str = ""  # "EXT. BRICK'S PATIO - DAY"; "" for a script with no headings
    round: int = 1  # of --loop; 1 without it
    looping: bool = False  # the run goes round again (--loop), so the round is worth showing


EVENT_CLASSES: dict[EventType, type[Event]] = {
    cls.type: cls for cls in (SessionStart, SessionEnd, CueStart, CueEnd, PromptStart, PromptEnd, ListenStart,
                              Partial, Recognized, Heard, Verdict, Command, Answer, Redirection, Refresh, ActorSays,
                              ActorSpeechEnd, SceneStart)
}
assert set(EVENT_CLASSES) == set(EventType), "every event type has its class"

_ENUM_FIELDS = {"outcome": Outcome, "error_code": ErrorCode}


def event_from_dict(data: dict[str, Any]) -> Event:
    """The event a JSON object describes (as `to_dict` wrote it). Unknown keys are ignored, so a log written
    by a later callback still reads; an unknown type is a ValueError."""
    cls = EVENT_CLASSES[EventType(data["type"])]
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "type" or name not in names:
            continue
        if name in _ENUM_FIELDS and value is not None:
            value = _ENUM_FIELDS[name](value)
        elif isinstance(value, list):
            value = tuple(tuple(item) if isinstance(item, list) else item for item in value)
        values[name] = value
    return cls(**values)


# -- the dispatch ----------------------------------------------------------------------------------------------

Subscriber = Callable[[Event], None]


class EventStream:
    """Stamps each event with the time and hands it to every subscriber, in the order they subscribed.

    Keeps every event too (`events`, `of_type`), which is what tests and benchmarks read. A subscriber that
    raises stops the session: the history store does so when it cannot write, the one fault worth stopping for.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.events: list[Event] = []
        self._clock = clock
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()  # the virtual actor and background hearings may emit from other threads

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def emit(self, event: Event) -> Event:
        with self._lock:
            event = dataclasses.replace(event, t=self._clock())
            self.events.append(event)
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(event)
        return event

    def of_type(self, type: EventType | str) -> list[Event]:
        type = EventType(type)
        return [event for event in self.events if event.type is type]

    def close(self) -> None:
        for subscriber in self._subscribers:
            close = getattr(subscriber, "close", None)
            if close is not None:
                close()


class EventFile:
    """The `--events FILE` log: one JSON object per line, flushed as it happens, so Ctrl-C or a lost device
    loses nothing. Appends to an earlier log; refuses a file that is anything else."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        _check_is_event_log(self.path)
        try:
            self._file: TextIO | None = open(self.path, "a", encoding="utf-8")
        except OSError as exc:
            raise CallbackError(f"cannot write the event log {path}: {exc.strerror}") from None

    def __call__(self, event: Event) -> None:
        if self._file is not None:
            try:
                self._file.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
                self._file.flush()
            except OSError as exc:
                self._give_up(exc)

    def _give_up(self, exc: OSError) -> None:
        """A log that can no longer be written (a full disk) is given up, and said once: the session goes on.
        Raised from here, the error ended the session with a traceback and no outcome in the history."""
        file, self._file = self._file, None
        try:
            file.close()
        except OSError:
            pass  # the last buffered line cannot be written either
        try:
            print(f"callback: cannot write the event log {self.path} ({exc.strerror or exc}); the session goes on "
                  "without it", file=sys.stderr, flush=True)
        except OSError:
            pass

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError as exc:
                self._give_up(exc)
            self._file = None


#: The first line of a log is its session_start: a few hundred bytes. A first line longer than this (or a file
#: with no line end at all, such as /dev/zero) is not a log, and is not read any further to find out.
FIRST_LINE_LIMIT = 64 * 1024


def _check_is_event_log(path: Path) -> None:
    """Refuse anything but a missing file, an empty one or an earlier callback log: before opening it, a pipe or
    a device (which would block or never end), and after, a file whose first line is not an event."""
    from assistant.plain_files import kind_of

    kind = kind_of(path)
    if kind == "missing":
        return
    if kind == "a folder":
        raise CallbackError(f"--events {path} is a folder; give a file name")
    if kind is not None:
        raise CallbackError(f"--events {path} is {kind}, not a file; give a file name")
    try:
        with open(path, "rb") as existing:
            first = existing.readline(FIRST_LINE_LIMIT).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        first = "\0"
    if not first.strip():
        return
    try:
        json_ok = json.loads(first)
        EventType(json_ok["type"])
        float(json_ok["t"])
    except (ValueError, KeyError, TypeError):
        raise CallbackError(f"{path} is not a callback event log; refusing to append to it (choose another file)") from None


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines event log back as dicts, skipping a last line cut short by a crash."""
    events = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(raw))
        except json.JSONDecodeError:
            continue
    return events
