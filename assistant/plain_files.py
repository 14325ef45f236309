"""Files the user names (a script, an event log, their own notes): read only when they are plain files of a sane
size, so a device, a pipe or a runaway file is one line of refusal instead of a hang or gigabytes of memory.

`callback roles /dev/zero` read for ever (3.4 GB in 8 s) and `--events` onto a FIFO waited for a reader that
never came: both are refused here by what the file is, before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from assistant.errors import CallbackError

MB = 1 << 20


def kind_of(path: Path) -> str | None:
    """None for a regular file (or a link to one); else what it is, in words: "missing", "a folder", "a FIFO
    (named pipe)", "a character device", ... Never opens the file, so a pipe or a device cannot block."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise CallbackError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a one-line CallbackError naming `what` otherwise.
    The size is checked before reading and the read itself stops at the limit (a file still growing)."""
    size = os.stat(path).st_size
    if size > limit:
        raise too_big(path, size, limit, what)
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise CallbackError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise too_big(path, len(data), limit, what)
    return data


def too_big(path: Path, size: int, limit: int, what: str) -> CallbackError:
    return CallbackError(f"{path} is {_size(size)}; {what} is at most {_size(limit)}, so this is not one")


def _size(count: int) -> str:
    return f"{count / MB:.0f} MB" if count >= MB else f"{count} bytes"
