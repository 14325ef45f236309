"""The words of a PDF page's text layer, with their positions, minus the watermark laid over the page.

pypdfium2 (Google's PDFium, the engine in Chrome) reads the characters; see `pdf.py` for why it was chosen.
Each character is asked for its loose box (the font's advance width, so a word's right edge is where the
next character would start), its baseline origin, its font size, its angle and its fill colour.

A watermark is the actor's name or "CONFIDENTIAL" printed over every page. Typesetters and overlay tools draw
it rotated (afterwriting: 52 degrees), huge (afterwriting: 118.8 pt on a 12 pt page), light (#eeeeee) or
translucent, so a character is dropped when any of those holds; the script itself is always upright, near
body size and dark. Grey headers (#777777 in afterwriting) stay: they are page furniture, the layout
reader's business.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.script.page_words import PageWords, Word

# Upright within about 2 degrees: text on a flat page is at exactly 0, a rotated stamp is at 30-60.
_UPRIGHT = math.radians(2)
# Screenplay text is 10-12 pt; a title page's title may be 24 pt. Watermarks start around 40 pt.
_WATERMARK_SIZE = 36.0
# Fill lighter than this (0-255 luminance) reads as a watermark tint, not as text: afterwriting's
# watermark is 238, its grey header 119, and a photocopy-safe grey never goes above about 170.
_LIGHTEST_TEXT = 200
_MOST_TRANSPARENT_TEXT = 100  # fill alpha, 0-255


@dataclass(frozen=True)
class _Char:
    text: str
    x0: float
    x1: float
    baseline: float  # from the top of the page
    size: float


def text_layer_words(page: pdfium.PdfPage, number: int) -> PageWords:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars = _visible_chars(textpage.raw, height)
    finally:
        textpage.close()
    return PageWords(number, width, height, tuple(_words(chars)))


def _visible_chars(textpage: object, height: float) -> list[_Char]:
    chars: list[_Char] = []
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()
    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        if code <= 32 or chr(code).isspace() or pdfium_c.FPDFText_IsGenerated(textpage, index):
            continue  # spaces are told by gaps; generated ones are PDFium's guesses
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
        if _UPRIGHT < angle < 2 * math.pi - _UPRIGHT:
            continue
        size = pdfium_c.FPDFText_GetFontSize(textpage, index)
        if size > _WATERMARK_SIZE:
            continue
        if pdfium_c.FPDFText_GetFillColor(textpage, index, red, green, blue, alpha):
            luminance = 0.299 * red.value + 0.587 * green.value + 0.114 * blue.value
            if luminance > _LIGHTEST_TEXT or alpha.value < _MOST_TRANSPARENT_TEXT:
                continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, origin_x, origin_y)
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, box)
        chars.append(_Char(chr(code), box.left, box.right, height - origin_y.value, size or 12.0))
    return chars


def _words(chars: list[_Char]) -> list[Word]:
    """Characters on one baseline, left to right, split into words wherever a gap opens."""
    words: list[Word] = []
    for line in _baselines(chars):
        line.sort(key=lambda char: char.x0)
        current: list[_Char] = []
        for char in line:
            if current:
                last = current[-1]
                if char.text == last.text and abs(char.x0 - last.x0) < 0.1 * char.size:
                    continue  # the same glyph printed twice, offset a hair: fake bold
                # A space in a 12 pt font is 3-7 pt wide; kerning between letters is under 1 pt.
                if char.x0 - last.x1 > 0.15 * char.size:
                    words.append(_word(current))
                    current = []
            current.append(char)
        if current:
            words.append(_word(current))
    return words


def _baselines(chars: list[_Char]) -> list[list[_Char]]:
    lines: list[list[_Char]] = []
    for char in sorted(chars, key=lambda char: char.baseline):
        if lines and abs(char.baseline - lines[-1][0].baseline) < 0.25 * char.size:
            lines[-1].append(char)
        else:
            lines.append([char])
    return lines


def _word(chars: list[_Char]) -> Word:
    return Word(
        text="".join(char.text for char in chars),
        x0=chars[0].x0,
        x1=chars[-1].x1,
        baseline=chars[0].baseline,
        size=max(char.size for char in chars),
    )
