"""Scanned pages: rasterise with PDFium, straighten, and read the words and their boxes with Tesseract.

Tesseract (Debian's `tesseract-ocr`) is driven through pytesseract's `image_to_data`, which gives every word
its box and confidence, so the scan goes through the same layout reader as a typeset PDF. Two things make
that work on a phone scan:

* Straightening. A page photographed or fed in a degree off square moves a line's left edge by
  sin(1 deg) x 9 in = 11 pt from top to bottom of the page, more than the 7 pt between a cue's column and a
  misread. The skew is measured cheaply on a small copy of the page (the angle whose rows of ink are
  sharpest, the classic projection-profile method) and the page is turned back before Tesseract reads it.
* Baselines. Tesseract groups words into lines itself, following the text even where it slopes; each word
  is given its line's baseline, so words of one printed line always stay together.

Speed, measured on a 4-page 300 dpi scan on the 2-core development machine: Tesseract with its own OpenMP
threads took 6.6 s a page, with one thread (OMP_THREAD_LIMIT=1) 2.2 s, so it gets one thread. Handing it the
page as an uncompressed TIFF file rather than a PIL image (which pytesseract re-encodes as PNG) saves
another 0.5 s. Pages go to Tesseract two at a time for machines with two free cores; on the development
machine two at once take twice as long as one, so there it gains nothing, and costs nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from assistant.errors import CallbackError
from assistant.script.page_words import PageWords, Word

# 300 dpi is what Tesseract is tuned for; 12 pt Courier is then 50 px high, well inside its best range.
DPI = 300
_POINTS_PER_PIXEL = 72 / DPI
INSTALL_HINT = "sudo apt-get install tesseract-ocr"


def tesseract_missing() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    if shutil.which("tesseract") is None:
        return f"Tesseract OCR is not installed (install it with `{INSTALL_HINT}`)"
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return "the pytesseract package is missing (pip install pytesseract)"
    return None


def has_ink(page: pdfium.PdfPage) -> bool:
    """Whether anything at all is printed on the page: a blank page needs no OCR, nor Tesseract."""
    # At 36 dpi a page of 12 pt text has 1-4 % of its pixels darker than 160 (a sparse title page 0.3 %); a
    # blank page, or a scanned one with paper grain, has none.
    thumbnail = np.asarray(page.render(scale=0.5, grayscale=True).to_pil().convert("L"))
    return bool((thumbnail < 160).mean() > 0.0005)


def render_page(page: pdfium.PdfPage, dpi: int = DPI) -> Image.Image:
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def ocr_pages(pages: Sequence[tuple[int, Image.Image]]) -> list[PageWords]:
    """Read each (page number, image at DPI) with Tesseract."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # inherited by the tesseract processes pytesseract starts
    workers = min(2, len(pages)) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda item: _read(*item), pages))


def straighten(image: Image.Image) -> Image.Image:
    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image
    return image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


def skew_angle(image: Image.Image) -> float:
    """Degrees to rotate the page by (counter-clockwise) to make its lines level."""
    small = image.copy()
    small.thumbnail((800, 800))
    ink = small.point(lambda value: 255 if value < 160 else 0)

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-4.0, 4.01, 0.5), key=sharpness)
    return float(max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness))


def _read(number: int, image: Image.Image) -> PageWords:
    import pytesseract

    image = straighten(image)
    width, height = image.size
    try:
        with tempfile.TemporaryDirectory(prefix="callback-ocr-") as folder:
            path = os.path.join(folder, f"page-{number}.tif")
            image.save(path)
            # --psm 4: one column of text of varying sizes, which is what a screenplay page is.
            data = pytesseract.image_to_data(path, lang="eng", config="--psm 4", output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise CallbackError(f"Tesseract OCR is not installed (install it with `{INSTALL_HINT}`)") from exc
    except pytesseract.TesseractError as exc:
        raise CallbackError(f"Tesseract could not read page {number}: {exc.message.strip()}") from exc
    return PageWords(number, width * _POINTS_PER_PIXEL, height * _POINTS_PER_PIXEL, tuple(_words(data)), by_ocr=True)


def _words(data: dict[str, list]) -> list[Word]:
    lines: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for index, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][index]) >= 0:
            lines[(data["block_num"][index], data["par_num"][index], data["line_num"][index])].append(index)
    words = []
    for indexes in lines.values():
        bottoms = [data["top"][i] + data["height"][i] for i in indexes]
        tops = [data["top"][i] for i in indexes]
        # The median bottom is the baseline: descenders (g, y, commas) are the minority of words.
        baseline = statistics.median(bottoms) * _POINTS_PER_PIXEL
        size = (statistics.median(bottoms) - min(tops)) * _POINTS_PER_PIXEL
        for i in indexes:
            left = data["left"][i] * _POINTS_PER_PIXEL
            words.append(
                Word(
                    text=data["text"][i].strip(),
                    x0=left,
                    x1=left + data["width"][i] * _POINTS_PER_PIXEL,
                    baseline=baseline,
                    size=size,
                    confidence=float(data["conf"][i]),
                )
            )
    return words
