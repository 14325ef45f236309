"""PDF sides and scripts, typeset or scanned, read into the same Script as every other format.

Why pypdfium2 (Google's PDFium, the engine in Chrome) and not pdfplumber / pdfminer.six:

* Speed. It reads a screenplay page's characters, with box, size, angle and colour each, in about 7 ms
  (measured on afterwriting's and screenplain's pages here); pdfminer.six, under pdfplumber, is pure
  Python and takes tens of milliseconds per page before any layout work.
* One library for both kinds of PDF. Scanned pages must be rasterised for OCR; PDFium renders them
  in-process, where the pdfminer route would need a second library (pypdfium2 itself, or poppler).
* It reports what a watermark gives itself away by: the character's angle, font size and fill colour.
* It opens what real exports and phone scanners produce, recovers damaged cross-reference tables, and
  tells an encrypted file (error code 4) apart from a broken one. Wheels for every platform, no system
  library, Apache-2.0/BSD.

The reading is in steps, each its own module: `pdf_text` (words of the text layer, watermark dropped) or
`ocr` (words of a scan), `page_lines` (printed lines, page furniture dropped), `layout` (the screenplay).
A page with no text layer is read by OCR; `on_notice` is told once that OCR was used, how sure it was, and
which lines it was unsure of.
"""

from __future__ import annotations

import statistics
from typing import Callable

import pypdfium2 as pdfium

from assistant.errors import CallbackError
from assistant.script.layout import Reading, is_title_page, learn_columns, read_layout, title_page_title
from assistant.script.model import Script
from assistant.script.page_lines import PageLines, char_width, page_lines
from assistant.script.page_words import PageWords

_PASSWORD_ERROR = 4  # PDFium's FPDF_ERR_PASSWORD
# A page with fewer words than this in its text layer is a scan: phone-scanner apps stamp a word or two
# ("Scanned with ...") over the image.
_SCANNED_PAGE_WORDS = 5
_UNSURE_LINES_SHOWN = 10

Notice = Callable[[str], None]


def parse_pdf(data: bytes, source: str = "", on_notice: Notice | None = None) -> Script:
    name = source or "the PDF"
    document = _open(data, name)
    try:
        words = _words(document, name, on_notice)
        title = _metadata_title(document)
    finally:
        document.close()
    lines = page_lines(words)
    by_ocr = [page for page in words if page.by_ocr]
    columns = learn_columns(lines, char_width(words))
    if columns is None:
        raise CallbackError(f"no dialogue found in {name}: {_describe(lines, by_ocr)}, no character cues")
    if len(lines) > 1 and is_title_page(lines[0], columns):
        title = title or title_page_title(lines[0], columns)
        lines = lines[1:]
    reading = read_layout(lines, columns, title, source)
    if not reading.script.lines:
        raise CallbackError(f"no dialogue found in {name}: {_describe(lines, by_ocr)}, no speech under a cue")
    if by_ocr and on_notice is not None:
        _tell_ocr(reading, by_ocr, len(words), name, on_notice)
    return reading.script


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise CallbackError(
                f"{name} is encrypted (password-protected); open it in a PDF viewer and save or print an "
                "unprotected copy"
            ) from exc
        raise CallbackError(f"{name} is a damaged PDF that cannot be read ({_reason(exc)})") from exc


def _words(document: pdfium.PdfDocument, name: str, on_notice: Notice | None) -> list[PageWords]:
    from assistant.script.ocr import has_ink, ocr_pages, render_page, tesseract_missing
    from assistant.script.pdf_text import text_layer_words

    if len(document) == 0:
        raise CallbackError(f"{name} is a damaged PDF that cannot be read (it has no pages)")
    pages: list[PageWords] = []
    scans: list[int] = []
    try:
        for index in range(len(document)):
            page = document[index]
            words = text_layer_words(page, index + 1)
            if len(words.words) < _SCANNED_PAGE_WORDS and has_ink(page):
                scans.append(index)
            pages.append(words)
        if not scans:
            return pages
        if (missing := tesseract_missing()) is not None:
            if len(scans) == len(pages) or not any(page.words for page in pages):
                raise CallbackError(f"{name} is a scanned PDF with no text layer, and reading it needs OCR: {missing}")
            if on_notice is not None:  # a picture among typeset pages: a cover, a storyboard
                listed = ", ".join(str(index + 1) for index in scans)
                on_notice(f"{name}: skipped page {listed}, an image without text; to read it, {missing[0].lower()}{missing[1:]}")
            return pages
        read = {page.number: page for page in ocr_pages([(index + 1, render_page(document[index])) for index in scans])}
    except pdfium.PdfiumError as exc:
        raise CallbackError(f"{name} is a damaged PDF that cannot be read ({_reason(exc)})") from exc
    return [read.get(page.number, page) for page in pages]


def _reason(exc: pdfium.PdfiumError) -> str:
    text = str(exc)  # "Failed to load document (PDFium: Data format error)."
    return text[text.find("PDFium: ") + 8 :].rstrip(".)").lower() if "PDFium: " in text else text


def _metadata_title(document: pdfium.PdfDocument) -> str:
    try:
        title = document.get_metadata_dict().get("Title", "")
    except pdfium.PdfiumError:
        return ""
    # Exporters without a title fill in placeholders or the file name.
    if title.strip().lower() in {"", "untitled", "(unspecified)", "(untitled)"} or title.lower().endswith(
        (".pdf", ".fdx", ".fountain", ".fadein")
    ):
        return ""
    return title


def _describe(lines: list[PageLines], by_ocr: list[PageWords]) -> str:
    count = len(lines)
    pages = f"{count} {'scanned ' if by_ocr else ''}{'page' if count == 1 else 'pages'}"
    if not any(page.lines for page in lines):
        return f"{pages} with no readable text"
    return f"{pages} of prose"


def _tell_ocr(reading: Reading, by_ocr: list[PageWords], pages: int, name: str, on_notice: Notice) -> None:
    confidences = [word.confidence for page in by_ocr for word in page.words]
    mean = statistics.fmean(confidences) if confidences else 0.0
    unsure = reading.unsure
    scanned = f"{len(by_ocr)} of {pages} pages" if len(by_ocr) < pages else f"{pages} {'page' if pages == 1 else 'pages'}"
    check = f"; {len(unsure)} {'line' if len(unsure) == 1 else 'lines'} unsure, below" if unsure else ""
    on_notice(f"{name} is a scan: read {scanned} by OCR, {mean:.0f}% average word confidence{check}")
    for line in unsure[:_UNSURE_LINES_SHOWN]:
        why = f"{line.skipped}: " if line.skipped else f"{line.confidence:.0f}%, a word at {line.weakest:.0f}%: "
        on_notice(f"  page {line.page}, {why}{line.text}")
    if len(unsure) > _UNSURE_LINES_SHOWN:
        on_notice(f"  ... and {len(unsure) - _UNSURE_LINES_SHOWN} more")
