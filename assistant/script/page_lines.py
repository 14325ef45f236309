"""From positioned words to printed lines, with the page furniture taken off.

A printed line is the words on one baseline. It is cut into segments wherever a gap of several characters
opens, because one baseline can carry unrelated things side by side: a scene number, the heading, and the
scene number again; the two columns of dual dialogue; a revision asterisk in the margin.

Furniture is whatever the typesetter prints that is not the script: page numbers, headers and footers,
"CONTINUED:" / "(CONTINUED)" at page breaks, scene numbers in either margin and revision asterisks. It is
removed here, so the layout reader sees only the script. "(MORE)" is kept as a flag on its line, because it
tells the reader that the speech goes on overleaf.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Sequence

from assistant.script.page_words import PageWords, Word

# A segment boundary is a gap wider than this many characters. Words are one character apart (two where a
# typesetter doubles a space); afterwriting's dual-dialogue columns are at least 3 apart, scene numbers 4.
_SEGMENT_GAP = 2.5

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?-?\s*\d{1,3}[A-Z]?\s*\.?\s*-?(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"^\*?[A-Z]{0,2}\d{1,4}[A-Z]{0,3}\.?\*?$")
_REVISION_MARK = re.compile(r"^\*+$")
_CONTINUED = re.compile(
    r"^(?:[A-Z]{0,2}\d{1,4}[A-Z]{0,3}\s+)?\(?CONTINUED(?::|\))?(?:\s*\(\d+\))?(?:\s|$)|^\(CONT(?:'|’)?D\)$",
    re.IGNORECASE,
)
_MORE = re.compile(r"^\(\s*MORE\s*\)$", re.IGNORECASE)
# Headers, footers and page numbers sit in the top and bottom margins: screenplays keep a 1 inch margin and
# print the page number half an inch from the top edge.
_MARGIN_BAND = 72.0 * 1.25
# Nothing of the script itself is printed this close to the paper's edge: the body starts 1 inch from the top
# (first baseline at 1.1 inch in afterwriting and screenplain) and ends 1 inch from the bottom, where "(MORE)"
# may dip to 0.75 inch. Headers and page numbers sit at 0.5-0.6 inch from the top, footers 0.4-0.5 inch from
# the bottom.
_TOP_EDGE = 72.0 * 0.85
_BOTTOM_EDGE = 72.0 * 0.6


@dataclass(frozen=True)
class Segment:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass(frozen=True)
class TextLine:
    page: int
    baseline: float
    segments: tuple[Segment, ...]
    more: bool = False  # "(MORE)" was printed here: the open speech goes on overleaf
    scene_numbered: bool = False  # a scene number stood in the margin, so this is a scene heading

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def confidence(self) -> float:
        """OCR's mean word confidence, 0-100."""
        return statistics.fmean(word.confidence for word in self.words) if self.segments else 100.0

    @property
    def weakest(self) -> float:
        """OCR's confidence in the line's least certain word, 0-100."""
        return min(word.confidence for word in self.words) if self.segments else 100.0

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]


@dataclass
class PageLines:
    number: int
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)
    by_ocr: bool = False


def char_width(pages: Sequence[PageWords]) -> float:
    """The typical width of one character, from the words themselves (Courier 12 pt: 7.2 pt)."""
    widths = [(word.x1 - word.x0) / len(word.text) for page in pages for word in page.words if len(word.text) >= 3]
    return statistics.median(widths) if widths else 7.2


def page_lines(pages: Sequence[PageWords]) -> list[PageLines]:
    """Each page's printed lines, top to bottom, without furniture."""
    width = char_width(pages)
    result = [_lines_of(page, width) for page in pages]
    _drop_running_lines(result)
    for page in result:
        page.lines = [line for line in (_without_furniture(line, page, width) for line in page.lines) if line]
    return result


def _lines_of(page: PageWords, width: float) -> PageLines:
    rows: list[list[Word]] = []
    for word in sorted(page.words, key=lambda word: word.baseline):
        # OCR'd baselines wander by a few points along a line; a line pitch is 12.
        if rows and abs(word.baseline - statistics.fmean(w.baseline for w in rows[-1])) < 0.4 * _line_size(word):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda word: word.x0)
        segments: list[list[Word]] = [[row[0]]]
        for word in row[1:]:
            if word.x0 - segments[-1][-1].x1 > _SEGMENT_GAP * width:
                segments.append([word])
            else:
                segments[-1].append(word)
        baseline = statistics.median(word.baseline for word in row)
        lines.append(TextLine(page.number, baseline, tuple(Segment(tuple(words)) for words in segments)))
    return PageLines(page.number, page.width, page.height, lines, page.by_ocr)


def _line_size(word: Word) -> float:
    return word.size or 12.0


def _in_margin_band(line: TextLine, page: PageLines, band: float) -> bool:
    return line.baseline < band or line.baseline > page.height - band


def _drop_running_lines(pages: list[PageLines]) -> None:
    """Headers and footers: the same words at the same height in the margin band of most pages."""
    if len(pages) < 2:
        return
    seen: Counter[tuple[str, int]] = Counter()
    for page in pages:
        keys = {_running_key(line) for line in page.lines if _in_margin_band(line, page, _MARGIN_BAND)}
        seen.update(keys)
    running = {key for key, count in seen.items() if count >= 2 and count * 2 >= len(pages)}
    for page in pages:
        page.lines = [
            line for line in page.lines
            if not (_in_margin_band(line, page, _MARGIN_BAND) and _running_key(line) in running)
        ]


def _running_key(line: TextLine) -> tuple[str, int]:
    # Page and scene numbers change from page to page; the header around them does not.
    return re.sub(r"\d+", "#", line.text.upper()), round(line.baseline / 6)


def _without_furniture(line: TextLine, page: PageLines, width: float) -> TextLine | None:
    if line.baseline < _TOP_EDGE or line.baseline > page.height - _BOTTOM_EDGE:
        return None
    segments = [segment for segment in line.segments if not _REVISION_MARK.match(segment.text)]
    segments = [_without_trailing_mark(segment) for segment in segments]
    if not segments:
        return None
    if _in_margin_band(line, page, _MARGIN_BAND):
        segments = [segment for segment in segments if not _PAGE_NUMBER.match(segment.text)]
        if not segments:
            return None
    numbered = False
    if len(segments) >= 2 and _SCENE_NUMBER.match(segments[0].text) and segments[0].x1 < segments[1].x0:
        segments, numbered = segments[1:], True
    if len(segments) >= 2 and _SCENE_NUMBER.match(segments[-1].text) and (numbered or len(segments) == 2):
        # A right-hand number after a heading; but a dual-dialogue "Yes." / "42." pair has two text columns.
        if numbered or not _SCENE_NUMBER.match(segments[0].text):
            segments, numbered = segments[:-1], True
    if numbered and len(segments) > 1:
        segments = [Segment(tuple(word for segment in segments for word in segment.words))]
    line = replace(line, segments=tuple(segments), scene_numbered=numbered)
    if _CONTINUED.match(line.text):
        return None
    if _MORE.match(line.text):
        return replace(line, more=True)
    if line.segments and _MORE.match(line.segments[-1].text):  # dual dialogue: "(MORE)" under one column
        return replace(line, segments=line.segments[:-1], more=True) if len(line.segments) > 1 else None
    return line


def _without_trailing_mark(segment: Segment) -> Segment:
    """A revision asterisk printed a space after the text joins its segment: "away. *"."""
    words = segment.words
    if len(words) > 1 and _REVISION_MARK.match(words[-1].text):
        return Segment(words[:-1])
    return segment
