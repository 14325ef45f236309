"""The user's own files beside the built-in ones (checklist questions, director's notes): where they are looked
for, and reading them with a one-line error for every way that can fail."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.errors import CallbackError
from assistant.plain_files import kind_of, read_limited


def user_file(env_override: str, name: str) -> Path | None:
    """The file $env_override names (it must exist), else $XDG_CONFIG_HOME/callback/NAME or
    ~/.config/callback/NAME when present, else None."""
    named = os.environ.get(env_override)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise CallbackError(f"{env_override} names {path}, which is not a file")
        return path
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    path = Path(config).expanduser() / "callback" / name
    return path if path.is_file() else None


#: The user's checklist or notes file is a few kilobytes; a megabyte is far more than any could hold.
USER_FILE_LIMIT = 1 << 20


def read_text(path: Path) -> str:
    kind = kind_of(path)
    if kind is not None:
        raise CallbackError(f"cannot read {path}: it is {kind}, not a file")
    try:
        return read_limited(path, USER_FILE_LIMIT, "a callback settings file").decode("utf-8")
    except UnicodeDecodeError:
        raise CallbackError(f"cannot read {path}: it is not UTF-8 text") from None
