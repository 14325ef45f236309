"""Getting a script file's bytes and text, turning every way that can fail into one clear CallbackError."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from assistant.errors import CallbackError

_FORMATS_HINT = "a script is plain text ('NAME: words'), Fountain (.fountain), Final Draft (.fdx) or PDF sides (.pdf)"

# Control characters that never appear in a text file; tab, newline, carriage return and form feed do.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; refuses missing, unreadable, folder and empty paths."""
    if not path.exists():
        raise CallbackError(f"script not found: {path}")
    if path.is_dir():
        raise CallbackError(f"{path} is a folder, not a script file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CallbackError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise CallbackError(f"{path} is empty; {_FORMATS_HINT}")
    return data


def decode_text(data: bytes, path: Path) -> str:
    """Script text with Unix newlines.

    UTF-8 (with or without a byte-order mark) is expected. UTF-16 is accepted only with its
    byte-order mark, as Windows Notepad writes it. Anything else falls back to cp1252, the
    usual Windows 'ANSI' encoding, but only when the result has no control characters, so a
    binary file (an image, a PDF, a .docx) is refused rather than read as gibberish.
    """
    text = _decode(data)
    if text is None or _BINARY_CONTROL.search(text):
        raise _binary(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CallbackError(f"{path} is empty; {_FORMATS_HINT}")
    return text


def refuse_binary(data: bytes, path: Path) -> None:
    """For formats parsed from bytes (XML): NUL bytes without a UTF-16 byte-order mark mean binary."""
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _binary(path)


def _binary(path: Path) -> CallbackError:
    return CallbackError(f"{path} looks like a binary file, not a script; save it as UTF-8 text ({_FORMATS_HINT})")


def _decode(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
