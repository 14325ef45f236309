"""Getting a script file's bytes and text, turning every way that can fail into one clear CallbackError."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from assistant.errors import CallbackError
from assistant.plain_files import MB, kind_of, read_limited

_FORMATS_HINT = "a script is plain text ('NAME: words'), Fountain (.fountain), Final Draft (.fdx) or PDF sides (.pdf)"

# Control characters that never appear in a text file; tab, newline, carriage return and form feed do.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


#: A feature screenplay as text, Fountain or Final Draft XML is well under 2 MB; ten times that is no script.
TEXT_LIMIT = 20 * MB
#: PDF sides may be scans: a whole feature photographed page by page in colour (120 pages at about 1.5 MB) is
#: under 200 MB, and reading more than that by OCR would take the best part of an hour anyway.
PDF_LIMIT = 200 * MB
_PDF_MAGIC = b"%PDF-"


def read_bytes(path: Path) -> bytes:
    """The file's bytes; refuses missing, unreadable, folder, empty and oversized paths, and anything that is not
    a regular file (/dev/zero, a FIFO), before reading."""
    kind = kind_of(path)
    if kind == "missing":
        raise CallbackError(f"script not found: {path}")
    if kind == "a folder":
        raise CallbackError(f"{path} is a folder, not a script file")
    if kind is not None:
        raise CallbackError(f"{path} is {kind}, not a script file; {_FORMATS_HINT}")
    pdf = path.suffix.lower() == ".pdf" or _starts_as_pdf(path)
    data = read_limited(path, PDF_LIMIT if pdf else TEXT_LIMIT, "a PDF script" if pdf else "a script")
    if not data.strip():
        raise CallbackError(f"{path} is empty; {_FORMATS_HINT}")
    return data


def _starts_as_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(1024).lstrip()[:5] == _PDF_MAGIC
    except OSError as exc:
        raise CallbackError(f"cannot read {path}: {exc.strerror or exc}") from exc


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
