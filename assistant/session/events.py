"""The one stream of events every session emits: the terminal, the log file, tests and benchmarks read it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

from assistant.errors import CallbackError


@dataclass(frozen=True)
class Event:
    type: str
    t: float  # seconds on the monotonic clock, comparable across one process
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"t": round(self.t, 4), "type": self.type, **self.data}


class EventLog:
    """Collects events, writes each one to a JSON-lines file as it happens, and tells its subscribers.

    Each line is flushed at once so that Ctrl-C or a lost device in the middle of a session loses nothing.
    """

    def __init__(self, path: str | Path | None = None, clock: Callable[[], float] = time.monotonic):
        self.events: list[Event] = []
        self._clock = clock
        self._subscribers: list[Callable[[Event], None]] = []
        self._file: TextIO | None = None
        if path is not None:
            try:
                self._file = open(path, "a", encoding="utf-8")
            except OSError as exc:
                raise CallbackError(f"cannot write the event log {path}: {exc.strerror}") from None

    def subscribe(self, subscriber: Callable[[Event], None]) -> None:
        self._subscribers.append(subscriber)

    def emit(self, type: str, **data: Any) -> Event:
        event = Event(type, self._clock(), data)
        self.events.append(event)
        if self._file is not None:
            self._file.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
            self._file.flush()
        for subscriber in self._subscribers:
            subscriber(event)
        return event

    def of_type(self, type: str) -> list[Event]:
        return [event for event in self.events if event.type == type]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines event log back, skipping a last line cut short by a crash."""
    events = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(raw))
        except json.JSONDecodeError:
            continue
    return events
