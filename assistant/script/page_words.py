"""Positioned words on a page: what both the PDF text layer and OCR hand to the layout reader.

Coordinates are PDF points (1/72 inch) measured from the page's top-left corner, y growing downwards
(the way OCR and a reader see a page), whatever the source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    text: str
    x0: float  # left edge
    x1: float  # right edge
    baseline: float  # from the top of the page
    size: float  # font size (text layer) or text height (OCR), in points
    confidence: float = 100.0  # OCR's confidence in the word, 0-100; a text layer is certain


@dataclass(frozen=True)
class PageWords:
    number: int  # 1-based page of the PDF
    width: float
    height: float
    words: tuple[Word, ...]
    by_ocr: bool = False
