"""Where callback keeps what happened: one SQLite file.

Location: `$CALLBACK_HOME/callback.db` when CALLBACK_HOME is set, else `$XDG_DATA_HOME/callback/callback.db`,
else `~/.local/share/callback/callback.db`.

Schema (version in `PRAGMA user_version`, so a later release can migrate in place):

* `sessions`: one row per session of any kind (id, kind, started_at, ended_at, summary as JSON). Any later
  feature (practice history, line runs) adds its kind here and, if it needs rows of its own, its own table
  pointing at `sessions.id`, as `checklist_answers` does.
* `checklist_answers`: one row per checklist question answered in a session, in the order asked.

Every operation opens its own connection and closes it, so a crash mid-session never leaves a lock behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from assistant.errors import CallbackError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS sessions_by_kind ON sessions (kind, id);
CREATE TABLE IF NOT EXISTS checklist_answers (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'skipped')),
    revisit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, position)
);
"""


def default_path() -> Path:
    home = os.environ.get("CALLBACK_HOME")
    if home:
        return Path(home).expanduser() / "callback.db"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "callback" / "callback.db"


def now() -> str:
    """A timestamp as stored: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SessionRecord:
    id: int
    kind: str
    started_at: str
    ended_at: str | None
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChecklistAnswer:
    item_id: str
    question: str
    answer: str  # "yes", "no" or "skipped"
    revisit: bool = False


@dataclass(frozen=True)
class ChecklistRecord:
    session: SessionRecord
    answers: tuple[ChecklistAnswer, ...]


class Store:
    """The SQLite file, opened afresh for each operation."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CallbackError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        try:
            connection = sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise CallbackError(f"cannot open {self.path}: {exc}") from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            self._migrate(connection)
            with connection:  # one transaction: all of a session's rows or none
                yield connection
        except sqlite3.IntegrityError:
            raise  # a bug in callback, not in the file: let it show
        except sqlite3.OperationalError as exc:  # locked, read-only, no room on the disk
            raise CallbackError(f"cannot use {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise CallbackError(f"{self.path} is damaged or not a callback database ({exc}); move it aside to start afresh") from None
        finally:
            connection.close()

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CallbackError("the callback database was written by a newer callback; upgrade callback to read it")
        if version < SCHEMA_VERSION:
            connection.executescript(_SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- sessions of any kind ---------------------------------------------------------------------------

    def add_session(self, kind: str, started_at: str, ended_at: str | None, summary: dict[str, Any]) -> int:
        with self._connect() as connection:
            return self._insert_session(connection, kind, started_at, ended_at, summary)

    def last_session(self, kind: str) -> SessionRecord | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT id, kind, started_at, ended_at, summary FROM sessions WHERE kind = ? ORDER BY id DESC LIMIT 1",
                (kind,),
            ).fetchone()
        return _session(row) if row else None

    # -- the checklist -----------------------------------------------------------------------------------

    def add_checklist(
        self, started_at: str, ended_at: str, answers: list[ChecklistAnswer], summary: dict[str, Any]
    ) -> int:
        with self._connect() as connection:
            session_id = self._insert_session(connection, "checklist", started_at, ended_at, summary)
            connection.executemany(
                "INSERT INTO checklist_answers (session_id, position, item_id, question, answer, revisit)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (session_id, position, a.item_id, a.question, a.answer, int(a.revisit))
                    for position, a in enumerate(answers, start=1)
                ],
            )
            return session_id

    def last_checklist(self) -> ChecklistRecord | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT id, kind, started_at, ended_at, summary FROM sessions"
                " WHERE kind = 'checklist' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            rows = connection.execute(
                "SELECT item_id, question, answer, revisit FROM checklist_answers"
                " WHERE session_id = ? ORDER BY position",
                (row[0],),
            ).fetchall()
        answers = tuple(ChecklistAnswer(item_id, question, answer, bool(revisit)) for item_id, question, answer, revisit in rows)
        return ChecklistRecord(_session(row), answers)

    @staticmethod
    def _insert_session(connection, kind: str, started_at: str, ended_at: str | None, summary: dict[str, Any]) -> int:
        cursor = connection.execute(
            "INSERT INTO sessions (kind, started_at, ended_at, summary) VALUES (?, ?, ?, ?)",
            (kind, started_at, ended_at, json.dumps(summary, ensure_ascii=False)),
        )
        return int(cursor.lastrowid)


def _session(row) -> SessionRecord:
    try:
        summary = json.loads(row[4]) if row[4] else {}
    except json.JSONDecodeError:
        summary = {}  # one damaged summary should not hide the rest of the history
    return SessionRecord(id=row[0], kind=row[1], started_at=row[2], ended_at=row[3], summary=summary)
