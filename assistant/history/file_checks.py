"""What is at the history's path, looked at before SQLite is allowed to change anything there.

Opening a file read-write and switching on WAL mode rewrites its header, and migrating adds callback's tables:
done to another program's database found at the history's path, that half-migrated it (tables added,
user_version set, WAL on) before any error. So a file is first opened read-only and refused, untouched, when
it is somebody else's. A read-only folder and a data folder that cannot exist (a path under a regular file)
are said in those words, rather than as SQLite's "unable to open database file" or as "no practice kept yet".
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from assistant.errors import HistoryError

#: Every table any version of callback's schema has (sqlite_* tables are SQLite's own).
CALLBACK_TABLES = frozenset({"sessions", "checklist_answers", "scripts", "attempts"})
SET_HOME = "set CALLBACK_HOME to a folder you can write, or add --no-history"


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that can only read. `immutable` because a WAL file in a folder we cannot write cannot be
    opened any other way (SQLite needs to create its -shm file beside it)."""
    mode = "ro" if folder_writable(path) else "ro&immutable=1"
    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, check_same_thread=False)


def refuse_foreign(path: Path) -> None:
    """HistoryError when the file at `path` is an SQLite database of another program: no callback table, no
    schema version, and tables of its own. A missing or empty file, or one SQLite cannot read (the caller's
    usual checks then name it damaged), passes. A pipe or a device there is refused by name (SQLite would
    block on the one and call the other a "disk I/O error")."""
    from assistant.plain_files import kind_of

    kind = kind_of(path)
    if kind not in (None, "missing", "a folder"):
        raise HistoryError(f"{path} is {kind}, not a callback database; move it aside, or set CALLBACK_HOME to "
                           "another folder")
    try:
        if path.stat().st_size == 0:
            return
    except OSError:
        return
    try:
        connection = read_only_connection(path)
    except sqlite3.Error:
        return
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    except sqlite3.Error:
        return
    finally:
        connection.close()
    theirs = sorted(tables - CALLBACK_TABLES)
    if version == 0 and theirs and not tables & CALLBACK_TABLES:
        shown = ", ".join(theirs[:3]) + (", ..." if len(theirs) > 3 else "")
        raise HistoryError(f"{path} is another program's database (tables {shown}), not callback's history; "
                           "it was left untouched: move it aside, or set CALLBACK_HOME to another folder")


def folder_writable(path: Path) -> bool:
    """Whether files can be made beside `path` (the -wal and -shm files, a new database). os.access also says
    no for a read-only mount, where root's permission to write anything does not help."""
    return os.access(path.parent, os.W_OK | os.X_OK)


def read_only_error(path: Path) -> HistoryError:
    return HistoryError(f"cannot keep practice history in {path.parent}: the folder is read-only ({SET_HOME})")


def impossible_folder(path: Path, advice: str = "set CALLBACK_HOME to a folder") -> HistoryError | None:
    """For a history file that does not exist: the error when its folder never can (a file where a folder of
    the path should be), else None (nothing kept yet, which is no error)."""
    for folder in path.parents:
        if folder.exists():
            if folder.is_dir():
                return None
            return HistoryError(f"cannot keep practice history in {path.parent}: {folder} is a file, not a folder "
                                f"({advice})")
    return None
