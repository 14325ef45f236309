"""Script import: one `load_script` for every format, one data model out.

The format is chosen by extension: .fountain/.spmd are Fountain, .fdx is Final Draft, .pdf (or any file
starting with "%PDF-") is a typeset or scanned PDF, anything else is plain text ("NAME: words") unless its
content clearly is Fountain or Final Draft XML (see `fountain.looks_like_fountain`), which people often
save as .txt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from assistant.errors import CallbackError
from assistant.script.model import Line, Scene, Script, canonical_name

__all__ = ["Line", "Scene", "Script", "canonical_name", "load_script"]

_FOUNTAIN_SUFFIXES = {".fountain", ".spmd"}
_FDX_SUFFIXES = {".fdx"}
_PDF_SUFFIXES = {".pdf"}
_PDF_MAGIC = b"%PDF-"


def load_script(path: str | Path, on_notice: Callable[[str], None] | None = None) -> Script:
    """Read a script file; raises CallbackError (one line) for anything the user must fix.

    `on_notice` hears what the user should know but that is no error: a PDF read by OCR, and how sure it
    was. Without one, notices go to the "callback.script" logger, whose warnings reach stderr even when
    logging is not set up.
    """
    # Imported here so that importing the model (as most modules do) does not load the parsers.
    from assistant.script.fdx import parse_fdx
    from assistant.script.fountain import looks_like_fountain, parse_fountain
    from assistant.script.plaintext import parse_plaintext
    from assistant.script.reading import decode_text, read_bytes, refuse_binary

    path = Path(path)
    source = str(path)
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in _PDF_SUFFIXES or data.lstrip()[:5] == _PDF_MAGIC:
        from assistant.script.pdf import parse_pdf

        script = parse_pdf(data, source, on_notice or _log_notice)
    elif suffix in _FDX_SUFFIXES or (suffix not in _FOUNTAIN_SUFFIXES and _looks_like_fdx(data)):
        refuse_binary(data, path)
        script = parse_fdx(data, source)
    else:
        text = decode_text(data, path)
        if suffix in _FOUNTAIN_SUFFIXES or looks_like_fountain(text):
            script = parse_fountain(text, source)
        else:
            script = parse_plaintext(text, source)

    if not script.lines:
        raise CallbackError(
            f"no dialogue found in {path}; expected 'NAME: words' lines (plain text), "
            "character cues (Fountain) or Character/Dialogue paragraphs (Final Draft)"
        )
    if not script.title:
        script = Script(title=path.stem, scenes=script.scenes, source=script.source)
    return script


def _log_notice(message: str) -> None:
    import logging

    logging.getLogger("callback.script").warning("callback: %s", message)


def _looks_like_fdx(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<FinalDraft" in data[:4096]
