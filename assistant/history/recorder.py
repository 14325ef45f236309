"""The history store as a subscriber of a session's event stream: each judged attempt is committed as it
happens, before the next cue, so Ctrl-C, a crash or a pulled headset loses nothing already judged.

The connection is opened when the recorder is made, which is before the session starts: a folder or file that
cannot take the history is a one-line error before the first cue or question, not after the last answer.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.events import Answer, Event, SessionEnd, SessionStart, Verdict
from assistant.history.database import (
    ChecklistAnswer,
    Store,
    insert_session,
    now,
    open_connection,
    put_checklist_answer,
    script_id,
    translated_errors,
)
from assistant.history.takes_folder import check_takes_folder, write_take


@dataclass(frozen=True)
class ScriptIdentity:
    """Which script a session rehearses: where it was read from, and a hash of exactly what it said."""

    path: str
    content_hash: str
    title: str | None = None

    @classmethod
    def of_file(cls, path: str | Path, title: str | None = None) -> "ScriptIdentity":
        path = Path(path)
        return cls(str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest(), title)


def _to_stderr(message: str) -> None:
    print(f"callback: {message}", file=sys.stderr, flush=True)


class HistoryRecorder:
    """Writes one session into the history file, event by event."""

    def __init__(self, store: Store, script: ScriptIdentity | None = None, keep_takes: bool = False,
                 on_notice: Callable[[str], None] = _to_stderr):
        self.store = store
        self.script = script
        self.keep_takes = keep_takes
        self._on_notice = on_notice
        self.session_id: int | None = None
        self.write_seconds: list[float] = []  # per attempt written: what the history adds to a judged line
        self._takes: dict[int, int] = {}
        self._connection = open_connection(store.path)
        with translated_errors(store.path):
            self._connection.execute("BEGIN IMMEDIATE")  # a read-only or locked file fails here, not mid-session
            self._connection.execute("ROLLBACK")
        if keep_takes:
            try:
                check_takes_folder(self.takes_folder)
            except BaseException:
                self.close()
                raise

    @property
    def takes_folder(self) -> Path:
        return self.store.path.parent / "takes"

    def __call__(self, event: Event) -> None:
        if self._connection is None:
            return
        if isinstance(event, SessionStart):
            self._write(self._start, event)
        elif self.session_id is None:
            return
        elif isinstance(event, Verdict):
            started = time.perf_counter()
            self._write(self._attempt, event)
            self.write_seconds.append(time.perf_counter() - started)
        elif isinstance(event, Answer) and event.recorded is not None:
            self._write(self._answer, event)
        elif isinstance(event, SessionEnd):
            self._write(self._end, event)

    def _write(self, step, event) -> None:
        with translated_errors(self.store.path):
            with self._connection:  # one commit per event
                step(event)

    def _start(self, event: SessionStart) -> None:
        script = None
        if self.script is not None and event.script is not None:  # a checklist before a drill has no script
            script = script_id(self._connection, self.script.content_hash, self.script.path, self.script.title)
        self.session_id = insert_session(self._connection, event.kind, now(), {}, script_id=script, role=event.role)
        self._script_id = script
        self._role = event.role or ""

    def _attempt(self, event: Verdict) -> None:
        take = self._save_take(event) if self.keep_takes and event.audio is not None else None
        self._connection.execute(
            "INSERT INTO attempts (session_id, script_id, role, line_number, line_text, attempt, at, heard,"
            " verdict, score, missing, extra, substituted, hearing, take_path, pickup, prompts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.session_id, self._script_id, self._role, event.line, event.expected, event.attempt, now(),
             event.heard, event.result, event.score, json.dumps(list(event.missing), ensure_ascii=False),
             json.dumps(list(event.extra), ensure_ascii=False),
             json.dumps([list(pair) for pair in event.substituted], ensure_ascii=False), event.hearing,
             str(take) if take else None, event.pickup, event.prompts),
        )

    def _save_take(self, event: Verdict) -> Path | None:
        """The take's file, or None when it could not be written: the attempt is kept all the same (a full disk
        must not cost a judged line), and the user is told in one line."""
        folder = self.takes_folder / f"session-{self.session_id}"
        self._takes[event.line] = self._takes.get(event.line, 0) + 1  # "back" can bring a line round again
        path = folder / f"line-{event.line:03d}-{self._takes[event.line]}.flac"
        problem = write_take(path, event.audio)
        if problem is None:
            return path
        self._on_notice(f"the take of line {event.line} was not kept ({problem}); the attempt is kept without it")
        return None

    def _answer(self, event: Answer) -> None:
        answer = ChecklistAnswer(event.item_id, event.question, event.recorded, event.revisit)
        put_checklist_answer(self._connection, self.session_id, event.index + 1, answer)

    def _end(self, event: SessionEnd) -> None:
        summary = {**event.summary, "ended": event.outcome.value}
        self._connection.execute(
            "UPDATE sessions SET ended_at = ?, outcome = ?, error = ?, summary = ? WHERE id = ?",
            (now(), event.outcome.value, event.error, json.dumps(summary, ensure_ascii=False), self.session_id),
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def open_recorder(keep: bool = True, script_path: str | Path | None = None, title: str | None = None,
                  keep_takes: bool = False, store: Store | None = None,
                  on_notice: Callable[[str], None] = _to_stderr) -> HistoryRecorder | None:
    """The session's recorder, opened and checked now (a one-line HistoryError if the history cannot be
    written), or None when the user asked for no history."""
    if not keep:
        return None
    script = ScriptIdentity.of_file(script_path, title) if script_path is not None else None
    return HistoryRecorder(store or Store(), script, keep_takes, on_notice)
