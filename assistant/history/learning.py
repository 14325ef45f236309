"""Learn mode's progress, kept in the history's `learning` table: for each of a role's lines, the stage it has
reached, its right answers in a row, and when it is next due.

Rows are keyed by the script's path, the role and the line's text, not its number: a line added or cut above
another in an edited script leaves the other's progress where it was, and a line whose words changed starts
afresh, as it should. The book reads a role's rows once, when learn mode starts, and writes each line's row the
moment it changes, each write its own commit, so Ctrl-C or a crash never loses a line already learned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from assistant.history.database import Store, open_connection, translated_errors

#: The stages of learning a line, from the most help to none: callback says the whole line, then only its first
#: words, then nothing but the cue.
STAGES = ("full", "first_words", "none")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def stamp(moment: datetime) -> str:
    """As the history stores every time: ISO 8601, UTC, to the millisecond."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class LineProgress:
    """Where one line stands. `learned_at` is set while the line is learned; a miss takes it away again."""

    text: str
    stage: str = "full"
    streak: int = 0  # right answers in a row at the last stage, with no help
    attempts: int = 0  # every attempt at it in learn mode, all sessions together
    learned_at: str | None = None
    interval_days: float = 0.0  # how long it is left alone once learned; grows with every review said right
    due_at: str | None = None

    @property
    def learned(self) -> bool:
        return self.learned_at is not None

    @property
    def tried(self) -> bool:
        return self.attempts > 0

    def due(self, at: datetime) -> bool:
        """Learned, and its time for a review has come."""
        due = parse_time(self.due_at)
        return self.learned and due is not None and due <= at

    def learned_now(self, at: datetime, interval_days: float) -> None:
        self.learned_at = self.learned_at or stamp(at)
        self.interval_days = interval_days
        self.due_at = stamp(at + timedelta(days=interval_days))

    def forget(self) -> None:
        """A miss: the line is no longer learned, and its intervals start again once it is."""
        self.learned_at = None
        self.interval_days = 0.0
        self.due_at = None
        self.streak = 0


class LearningBook:
    """One role's progress in one script. With no store (--no-history) it remembers nothing between sessions."""

    def __init__(self, store: Store | None, script_path: str, role: str):
        self.script_path = script_path
        self.role = role
        self._store = store
        self._connection = open_connection(store.path) if store is not None else None

    def progress(self) -> dict[str, LineProgress]:
        """Every line of the role with progress kept, by its text."""
        if self._connection is None:
            return {}
        with translated_errors(self._store.path):
            rows = self._connection.execute(
                "SELECT line_text, stage, streak, attempts, learned_at, interval_days, due_at FROM learning"
                " WHERE script_path = ? AND role = ?", (self.script_path, self.role)).fetchall()
        kept = {}
        for text, stage, streak, attempts, learned_at, interval, due_at in rows:
            # A stage this callback does not know (written by a later one) is taken from the start.
            kept[text] = LineProgress(text, stage if stage in STAGES else STAGES[0], streak, attempts, learned_at,
                                      interval, due_at)
        return kept

    def save(self, line: LineProgress, at: datetime) -> None:
        if self._connection is None:
            return
        with translated_errors(self._store.path):
            with self._connection:
                self._connection.execute(
                    "INSERT OR REPLACE INTO learning (script_path, role, line_text, stage, streak, attempts,"
                    " learned_at, interval_days, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (self.script_path, self.role, line.text, line.stage, line.streak, line.attempts,
                     line.learned_at, line.interval_days, line.due_at, stamp(at)))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
