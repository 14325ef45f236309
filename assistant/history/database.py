"""Where callback keeps what happened: one SQLite file.

Location: `$CALLBACK_HOME/callback.db` when CALLBACK_HOME is set, else the user data folder platformdirs gives
(`$XDG_DATA_HOME/callback/callback.db` on Linux, `~/.local/share/callback/callback.db` without it).

Schema (its version is `PRAGMA user_version`; MIGRATIONS upgrade an older file in place, one step at a time):

* `sessions`: one row per session of any kind (run, grade, checklist, ground, drill): when, how it ended,
  a summary as JSON, and for sessions on a script, which script and role.
* `scripts`: each script version rehearsed, by the SHA-256 of its text, with the path it was read from.
* `attempts`: one row per judged attempt at a line: the line's number and text, what was heard, the verdict and
  score, the missing / extra / substituted words, the hearing that judged it, and the take's audio file when
  takes are kept.
* `checklist_answers`: one row per checklist question answered in a session.
* `learning`: learn mode's progress on each of a role's lines (stage reached, right answers in a row, when it
  is next due), by script path, so the next evening starts with the lines not yet learned.
* `recorded_cues`: cue lines read aloud by a person (`callback record-cues`), by script path, speaker and the
  line's text, so an edited script keeps the recordings of its unchanged lines only.
* `voice_choices`: the voice the actor chose for a character of a script (`--voice THEO=joe`).

WAL mode, so a reader (`callback stats` in another terminal) never blocks a session writing, and a commit is one
append to the log: measured in scripts/bench_history.py. A file written by a newer callback, a damaged file and
a locked one are each a one-line error naming the file; callback never overwrites or recreates one.
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

from assistant.errors import HistoryError
from assistant.history.file_checks import (
    SET_HOME,
    folder_writable,
    impossible_folder,
    read_only_connection,
    read_only_error,
    refuse_foreign,
)

#: Version 1: sessions and checklist_answers (callback 0.1). Version 2: scripts, attempts, and a session's
#: script, role, outcome and error. Version 3: an attempt's verdict may be a "slip" (small words only).
#: Version 4: an attempt's pickup and the help given before it; learn mode's progress; recorded cues; voices.
MIGRATIONS: dict[int, str] = {
    1: """
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
    """,
    2: """
        CREATE TABLE scripts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            content_hash TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            title TEXT
        );
        ALTER TABLE sessions ADD COLUMN script_id INTEGER REFERENCES scripts (id);
        ALTER TABLE sessions ADD COLUMN role TEXT;
        ALTER TABLE sessions ADD COLUMN outcome TEXT;
        ALTER TABLE sessions ADD COLUMN error TEXT;
        -- Sessions kept by version 1 ended one way or another; their summary says how.
        UPDATE sessions SET outcome = COALESCE(json_extract(summary, '$.ended'), 'finished')
            WHERE ended_at IS NOT NULL AND json_valid(summary);
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            script_id INTEGER REFERENCES scripts (id),
            role TEXT NOT NULL,
            line_number INTEGER NOT NULL,
            line_text TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            at TEXT NOT NULL,
            heard TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'missed')),
            score REAL NOT NULL,
            missing TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '[]',
            substituted TEXT NOT NULL DEFAULT '[]',
            hearing TEXT NOT NULL DEFAULT '',
            take_path TEXT
        );
        CREATE INDEX attempts_by_line ON attempts (role, line_text);
        CREATE INDEX attempts_by_session ON attempts (session_id);
    """,
    # SQLite cannot change a CHECK constraint in place: the table is rebuilt, every row kept as it was.
    3: """
        CREATE TABLE attempts_with_slips (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            script_id INTEGER REFERENCES scripts (id),
            role TEXT NOT NULL,
            line_number INTEGER NOT NULL,
            line_text TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            at TEXT NOT NULL,
            heard TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'slip', 'missed')),
            score REAL NOT NULL,
            missing TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '[]',
            substituted TEXT NOT NULL DEFAULT '[]',
            hearing TEXT NOT NULL DEFAULT '',
            take_path TEXT
        );
        INSERT INTO attempts_with_slips (id, session_id, script_id, role, line_number, line_text, attempt, at, heard,
                                         verdict, score, missing, extra, substituted, hearing, take_path)
            SELECT id, session_id, script_id, role, line_number, line_text, attempt, at, heard,
                   verdict, score, missing, extra, substituted, hearing, take_path FROM attempts;
        DROP TABLE attempts;
        ALTER TABLE attempts_with_slips RENAME TO attempts;
        CREATE INDEX attempts_by_line ON attempts (role, line_text);
        CREATE INDEX attempts_by_session ON attempts (session_id);
    """,
    4: """
        -- Seconds from the cue's last sample to the actor's first word; NULL where there was no cue to pick up.
        ALTER TABLE attempts ADD COLUMN pickup REAL;
        -- Help given before this attempt: calls for "line", or the line said by learn mode (0 = unaided).
        ALTER TABLE attempts ADD COLUMN prompts INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE learning (
            script_path TEXT NOT NULL,
            role TEXT NOT NULL,
            line_text TEXT NOT NULL,
            stage TEXT NOT NULL DEFAULT 'full',
            streak INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            learned_at TEXT,
            interval_days REAL NOT NULL DEFAULT 0,
            due_at TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (script_path, role, line_text)
        );
        CREATE TABLE recorded_cues (
            script_path TEXT NOT NULL,
            speaker TEXT NOT NULL,
            line_text TEXT NOT NULL,
            audio_path TEXT NOT NULL,
            seconds REAL NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (script_path, speaker, line_text)
        );
        CREATE TABLE voice_choices (
            script_path TEXT NOT NULL,
            character TEXT NOT NULL,
            voice TEXT NOT NULL,
            PRIMARY KEY (script_path, character)
        );
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)

#: How long to wait for another callback holding the file before saying it is in use.
BUSY_SECONDS = 2.0


def default_path() -> Path:
    home = os.environ.get("CALLBACK_HOME")
    if home:
        return Path(home).expanduser() / "callback.db"
    from platformdirs import user_data_path

    return user_data_path("callback", appauthor=False) / "callback.db"


def now() -> str:
    """A timestamp as stored: ISO 8601, UTC, to the millisecond (attempts within a second keep their order)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class SessionRecord:
    id: int
    kind: str
    started_at: str
    ended_at: str | None
    summary: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None


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


@dataclass(frozen=True)
class AttemptRecord:
    """One judged attempt at a line, as kept."""

    session_id: int
    session_kind: str
    session_started: str
    script_path: str | None
    role: str
    line_number: int
    line_text: str
    attempt: int
    at: str
    heard: str
    verdict: str
    score: float
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    substituted: tuple[tuple[str, str], ...]
    hearing: str
    take_path: str | None
    pickup: float | None = None  # seconds from the cue's end to the first word; None without a cue
    prompts: int = 0  # help given before this attempt ("line" calls, learn mode's prompts)

    @property
    def ok(self) -> bool:
        """The line counted as said: word perfect, or a slip of small words."""
        return self.verdict != "missed"

    @property
    def word_perfect(self) -> bool:
        return self.verdict == "ok"


def open_connection(path: Path, writing: bool = True) -> sqlite3.Connection:
    """A connection to the file at `path`, migrated to SCHEMA_VERSION, in WAL mode. Every failure is a
    one-line HistoryError naming the file; nothing is ever deleted or recreated, and another program's database
    is refused before anything in it changes. Only for reading (`writing` False), a history in a read-only
    folder is opened read-only as it is."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise impossible_folder(path, SET_HOME) or HistoryError(f"cannot keep practice history in {path.parent}: {exc.strerror} "
                            "(set CALLBACK_HOME to a folder you can write, or add --no-history)") from None
    if path.is_dir():
        raise HistoryError(f"{path} is a folder, not a callback database; move it aside")
    refuse_foreign(path)  # and a pipe or a device, which SQLite would block on or call "disk I/O error"
    if not folder_writable(path):
        if writing or not path.exists():
            raise read_only_error(path)
        return _read_only(path)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, check_same_thread=False)
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot open {path}: {exc} (set CALLBACK_HOME to a folder you can write, "
                            "or add --no-history)") from None
    try:
        with translated_errors(path):
            # Read before anything is changed (WAL mode rewrites the header): a damaged file or one from a newer
            # callback is refused exactly as it was found.
            _check_version(connection, path)
            connection.execute("PRAGMA foreign_keys = ON")
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise sqlite3.OperationalError(f"journal mode stays {mode}")
            # In WAL mode NORMAL loses no committed row to a crash of callback, only (rarely) to a power cut.
            connection.execute("PRAGMA synchronous = NORMAL")
            migrate(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _read_only(path: Path) -> sqlite3.Connection:
    """A history in a folder that cannot be written (a backup, a read-only mount), opened to be read as it is:
    it cannot be migrated, so it must already be of this callback's schema."""
    connection = read_only_connection(path)
    try:
        with translated_errors(path):
            if _check_version(connection, path) != SCHEMA_VERSION:
                raise read_only_error(path)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_version(connection: sqlite3.Connection, path: Path) -> int:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema: a damaged file fails here
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{path} was written by a newer callback (schema {version}); upgrade callback to use it")
    return version


def migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = _check_version(connection, path)
    for step in range(version + 1, SCHEMA_VERSION + 1):
        # One transaction per step: a failed step leaves the file at the version before it.
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[step]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {step}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def translated_errors(path: Path) -> Iterator[None]:
    """SQLite's errors as the one-line messages a user can act on."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise  # a bug in callback, not in the file: let it show
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            raise HistoryError(f"{path} is in use by another callback (database is locked); close it and try again") from None
        if "readonly" in message or "read-only" in message:
            raise HistoryError(f"cannot write {path}: it is read-only (set CALLBACK_HOME to a folder you can "
                                "write, or add --no-history)") from None
        if "unable to open" in message and not folder_writable(path):
            raise read_only_error(path) from None
        if "disk" in message and "full" in message:
            raise HistoryError(f"cannot write {path}: the disk is full") from None
        raise HistoryError(f"cannot use {path}: {message}") from None
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"{path} is damaged or not a callback database ({exc}); move it aside to start afresh") from None


class Store:
    """The history file. `check()` before a session; reads open a connection of their own and close it."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()

    def check(self) -> None:
        """Open, migrate and try a write (rolled back), so a folder or file that cannot take a session's
        history is found before the session starts rather than after its first answer."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")  # takes the write lock: a read-only or locked file fails here
            connection.execute("ROLLBACK")

    def kept(self) -> "Store | None":
        """This store when a history has been kept here, None when none has yet (reading must not create one);
        a HistoryError when there never can be one (a file stands where a folder of the path should)."""
        if self.path.exists():
            return self
        problem = impossible_folder(self.path)
        if problem is not None:
            raise problem
        return None

    @contextmanager
    def _connect(self, writing: bool = True) -> Iterator[sqlite3.Connection]:
        connection = open_connection(self.path, writing)
        try:
            with translated_errors(self.path):
                with connection:  # one transaction: all of an operation's rows or none
                    yield connection
        finally:
            connection.close()

    # -- sessions of any kind ---------------------------------------------------------------------------

    def add_session(self, kind: str, started_at: str, ended_at: str | None, summary: dict[str, Any]) -> int:
        with self._connect() as connection:
            return insert_session(connection, kind, started_at, summary, ended_at=ended_at)

    def last_session(self, kind: str) -> SessionRecord | None:
        with self._connect(writing=False) as connection:
            row = connection.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)
            ).fetchone()
        return _session(row) if row else None

    def sessions(self, kind: str | None = None) -> list[SessionRecord]:
        with self._connect(writing=False) as connection:
            rows = connection.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE ? IS NULL OR kind = ? ORDER BY id", (kind, kind)
            ).fetchall()
        return [_session(row) for row in rows]

    def sessions_on(self, kind: str, role: str, script_hash: str | None = None,
                    script_path: str | None = None) -> list[SessionRecord]:
        """The sessions of one kind on a role of a script (found by its text's hash or its path), oldest first."""
        with self._connect(writing=False) as connection:
            rows = connection.execute(
                f"SELECT {', '.join('s.' + c.strip() for c in _SESSION_COLUMNS.split(','))} FROM sessions s"
                " LEFT JOIN scripts sc ON sc.id = s.script_id"
                " WHERE s.kind = ? AND s.role = ? AND (sc.content_hash = ? OR sc.path = ?) ORDER BY s.id",
                (kind, role, script_hash, script_path),
            ).fetchall()
        return [_session(row) for row in rows]

    # -- the checklist -----------------------------------------------------------------------------------

    def add_checklist(
        self, started_at: str, ended_at: str, answers: list[ChecklistAnswer], summary: dict[str, Any]
    ) -> int:
        with self._connect() as connection:
            session_id = insert_session(connection, "checklist", started_at, summary, ended_at=ended_at)
            for position, answer in enumerate(answers, start=1):
                put_checklist_answer(connection, session_id, position, answer)
            return session_id

    def last_checklist(self) -> ChecklistRecord | None:
        """The last checklist session with at least one answer."""
        with self._connect(writing=False) as connection:
            row = connection.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE kind = 'checklist'"
                " AND EXISTS (SELECT 1 FROM checklist_answers a WHERE a.session_id = sessions.id)"
                " ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            answers = self._answers(connection, row[0])
        return ChecklistRecord(_session(row), answers)

    def checklists(self) -> list[ChecklistRecord]:
        with self._connect(writing=False) as connection:
            rows = connection.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE kind = 'checklist' ORDER BY id").fetchall()
            return [ChecklistRecord(_session(row), self._answers(connection, row[0])) for row in rows]

    @staticmethod
    def _answers(connection, session_id: int) -> tuple[ChecklistAnswer, ...]:
        rows = connection.execute(
            "SELECT item_id, question, answer, revisit FROM checklist_answers WHERE session_id = ? ORDER BY position",
            (session_id,),
        ).fetchall()
        return tuple(ChecklistAnswer(item_id, question, answer, bool(revisit)) for item_id, question, answer, revisit in rows)

    # -- attempts at lines -------------------------------------------------------------------------------

    def attempts(self, role: str | None = None, script_hash: str | None = None,
                 script_path: str | None = None) -> list[AttemptRecord]:
        """Every attempt kept, oldest first; narrowed to a role, and to a script found by its text's hash or
        by its path (a script edited since keeps its history at the same path)."""
        query = [
            "SELECT a.session_id, s.kind, s.started_at, sc.path, a.role, a.line_number, a.line_text, a.attempt,"
            " a.at, a.heard, a.verdict, a.score, a.missing, a.extra, a.substituted, a.hearing, a.take_path,"
            " a.pickup, a.prompts"
            " FROM attempts a JOIN sessions s ON s.id = a.session_id LEFT JOIN scripts sc ON sc.id = a.script_id"
            " WHERE 1"
        ]
        parameters: list[Any] = []
        if role is not None:
            query.append(" AND a.role = ?")
            parameters.append(role)
        if script_hash is not None or script_path is not None:
            query.append(" AND (sc.content_hash = ? OR sc.path = ?)")
            parameters += [script_hash, script_path]
        query.append(" ORDER BY a.id")
        with self._connect(writing=False) as connection:
            rows = connection.execute("".join(query), parameters).fetchall()
        return [_attempt(row) for row in rows]


    # -- the voice chosen for a character ----------------------------------------------------------------

    def voice_choices(self, script_path: str) -> dict[str, str]:
        """The voices chosen with --voice for a script's characters ({"THEO": "joe"}); {} when none are."""
        if self.kept() is None:  # reading must not create a history
            return {}
        with self._connect(writing=False) as connection:
            rows = connection.execute("SELECT character, voice FROM voice_choices WHERE script_path = ?",
                                      (script_path,)).fetchall()
        return dict(rows)

    def recorded_cues(self, script_path: str) -> list[tuple[str, str, str, float]]:
        """(speaker, line text, audio path, seconds) of every cue recorded for a script; [] when none are."""
        if self.kept() is None:  # reading must not create a history
            return []
        with self._connect(writing=False) as connection:
            return connection.execute("SELECT speaker, line_text, audio_path, seconds FROM recorded_cues"
                                      " WHERE script_path = ?", (script_path,)).fetchall()

    def keep_recorded_cue(self, script_path: str, speaker: str, text: str, audio_path: str, seconds: float) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO recorded_cues (script_path, speaker, line_text, audio_path, seconds,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?)", (script_path, speaker, text, audio_path, seconds, now()))

    def choose_voice(self, script_path: str, character: str, voice: str) -> None:
        with self._connect() as connection:
            connection.execute("INSERT OR REPLACE INTO voice_choices (script_path, character, voice) VALUES (?, ?, ?)",
                               (script_path, character, voice))

_SESSION_COLUMNS = "id, kind, started_at, ended_at, summary, outcome"


def insert_session(connection, kind: str, started_at: str, summary: dict[str, Any], ended_at: str | None = None,
                   script_id: int | None = None, role: str | None = None) -> int:
    cursor = connection.execute(
        "INSERT INTO sessions (kind, started_at, ended_at, summary, script_id, role, outcome)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (kind, started_at, ended_at, json.dumps(summary, ensure_ascii=False), script_id, role,
         summary.get("ended") if ended_at else None),
    )
    return int(cursor.lastrowid)


def put_checklist_answer(connection, session_id: int, position: int, answer: ChecklistAnswer) -> None:
    # "back" and a new answer replace the item's earlier one: one row per item, at its place in the list.
    connection.execute(
        "INSERT OR REPLACE INTO checklist_answers (session_id, position, item_id, question, answer, revisit)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (session_id, position, answer.item_id, answer.question, answer.answer, int(answer.revisit)),
    )


def script_id(connection, content_hash: str, path: str, title: str | None) -> int:
    """The row for this version of a script, made on first use; its path follows where it was last read."""
    connection.execute(
        "INSERT INTO scripts (content_hash, path, title) VALUES (?, ?, ?)"
        " ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path",
        (content_hash, path, title),
    )
    return int(connection.execute("SELECT id FROM scripts WHERE content_hash = ?", (content_hash,)).fetchone()[0])


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except json.JSONDecodeError:
        return default  # one damaged row should not hide the rest of the history


def _session(row) -> SessionRecord:
    return SessionRecord(id=row[0], kind=row[1], started_at=row[2], ended_at=row[3],
                         summary=_loads(row[4], {}), outcome=row[5])


def _attempt(row) -> AttemptRecord:
    return AttemptRecord(
        session_id=row[0], session_kind=row[1], session_started=row[2], script_path=row[3], role=row[4],
        line_number=row[5], line_text=row[6], attempt=row[7], at=row[8], heard=row[9], verdict=row[10],
        score=row[11], missing=tuple(_loads(row[12], [])), extra=tuple(_loads(row[13], [])),
        substituted=tuple(tuple(pair) for pair in _loads(row[14], [])), hearing=row[15], take_path=row[16],
        pickup=row[17], prompts=row[18],
    )
