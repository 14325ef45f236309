"""Practice history: one SQLite file that keeps every session and every judged attempt."""

from assistant.history.database import (
    AttemptRecord,
    ChecklistAnswer,
    ChecklistRecord,
    SessionRecord,
    Store,
    default_path,
    now,
)

__all__ = ["AttemptRecord", "ChecklistAnswer", "ChecklistRecord", "SessionRecord", "Store", "default_path", "now"]
