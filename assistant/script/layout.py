"""Reading a screenplay back from where its lines sit on the page.

Every screenplay typesetter (Final Draft, Fade In, WriterDuet, Highland, Movie Magic, afterwriting,
screenplain) prints the same page: scene headings and action at the left margin, dialogue indented about an
inch, parentheticals about an inch and a half, the character cue about two inches, transitions flush right.
The inches vary a little between programs and paper sizes, so they are not hard-coded: the columns are
learnt from the document itself, from the one shape that only dialogue has - a line of capitals followed
directly (no blank line) by a line starting well to its left but still right of the margin.

Then each line is read in order with the house `ScriptBuilder`, so cues fold their extensions and
parentheticals become direction exactly as for Fountain and Final Draft:

* a cue line opens a speech; dialogue- and parenthetical-column lines under it are its words;
* two cues side by side open dual dialogue: the left column is one speech, the right one the next (dual);
* "(MORE)" means the speech goes on overleaf: the next cue, "NAME (CONT'D)", continues it, so a speech split
  across pages is one speech;
* a scene heading (INT./EXT., a numbered line, or a lone line of capitals at the margin) opens a scene;
* anything else (action, transitions, centred titles) ends the speech.

`source_line` of each Line is the PDF page (1-based) its cue is printed on: a page is what an actor
looks up in a PDF, and Line has no other place for a position.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from assistant.script.builder import ScriptBuilder, fold_cue
from assistant.script.model import Script
from assistant.script.page_lines import PageLines, TextLine

_HEADING = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|EXT\.?/INT|I/E|E/I)[. /]", re.IGNORECASE)
_TRANSITION_WORDS = re.compile(r"\b(?:FADE|CUT|DISSOLVE|SMASH|MATCH|WIPE|IRIS|BLACK|END|INTERCUT|TITLES? OVER)\b")
_CUE_NAME = re.compile(r"^[A-Z0-9][A-Z0-9 .'’&#/-]*$")
# Irish and Scots names keep a lower-case letter even in a cue: McCLANE, MacLEOD.
_NAME_PREFIX = re.compile(r"\bMa?c(?=[A-Z])")
_MAX_CUE_WORDS = 5
# How far (in characters) a line may stray from a learnt column and still be in it. Typeset text is exact;
# a tilted, deskewed scan drifts by a character or so.
_COLUMN_SLACK = 2.0
# A line is worth a look when OCR's mean confidence in its words (0-100) is below LOW_CONFIDENCE or its least
# certain word is below DOUBTFUL_WORD. Tesseract gives clean 12 pt Courier 90-96; on a 100 dpi blurred scan
# the misread words it noticed ("*d" for "you'd") scored 50-63, while a few misreadings still scored 83+.
LOW_CONFIDENCE = 80.0
DOUBTFUL_WORD = 60.0
NO_CUE = "dialogue with no cue above it, left out"


@dataclass(frozen=True)
class Columns:
    char: float  # width of one character, points
    pitch: float  # baseline to baseline of single-spaced lines, points
    margin: float  # headings and action start here
    dialogue: float
    parenthetical: float
    cue: float


@dataclass(frozen=True)
class UnsureLine:
    page: int
    text: str
    confidence: float  # mean word confidence, 0-100
    weakest: float  # the least certain word's confidence
    skipped: str = ""  # why the line was left out of the script, if it was


@dataclass
class Reading:
    script: Script
    unsure: list[UnsureLine] = field(default_factory=list)  # OCR'd dialogue lines with low confidence


def looks_like_cue(text: str) -> bool:
    """Capitals, a handful of words, optional extensions; not a transition ("CUT TO:") or heading."""
    text = text.strip()
    if not text or len(text) > 50 or text.endswith(":") or _HEADING.match(text):
        return False
    name = re.sub(r"\s*\(.*$", "", text).strip()  # "MARA (V.O.) (CONT'D)" -> "MARA"
    name = _NAME_PREFIX.sub("MC", name)
    if not name or len(name.split()) > _MAX_CUE_WORDS or not any(char.isalpha() for char in name):
        return False
    return bool(_CUE_NAME.match(name))


def learn_columns(pages: Sequence[PageLines], char: float) -> Columns | None:
    """The page's columns, learnt from cue-then-dialogue pairs; None when there are none (no dialogue)."""
    pitch = _line_pitch(pages)
    if pitch is None:
        return None
    pairs: list[tuple[TextLine, TextLine]] = []
    for page in pages:
        for line, below in zip(page.lines, page.lines[1:]):
            if line.more or below.more or len(line.segments) != 1 or not looks_like_cue(line.text):
                continue
            if below.x0 < line.x0 - 2 * char and below.baseline - line.baseline <= 1.5 * pitch:
                pairs.append((line, below))
    if not pairs:
        return None
    spoken = [below.x0 for _, below in pairs if not below.text.startswith("(")]
    directed = [below.x0 for _, below in pairs if below.text.startswith("(")]
    dialogue = _mode(spoken or directed, char)
    parenthetical = _mode(directed, char) if directed else dialogue + 6 * char
    # Only the pairs that agree with the dialogue column are cues; a centred title over a wider one is not.
    cues = [line.x0 for line, below in pairs if _near(below.x0, dialogue, char) or _near(below.x0, parenthetical, char)]
    cue = _mode(cues or [line.x0 for line, _ in pairs], char)
    lefts = [line.x0 for page in pages for line in page.lines if line.x0 < dialogue - 3 * char]
    margin = _mode(lefts, char) if lefts else dialogue - 10 * char
    return Columns(char, pitch, margin, dialogue, parenthetical, cue)


def is_title_page(page: PageLines, columns: Columns) -> bool:
    """A short first page with neither a scene heading nor a cue over dialogue is the title page."""
    if len(page.lines) > 20:  # a title page has a dozen lines at most; this is a page of opening action
        return False
    reader = _Reader(columns)
    for line, below in zip(page.lines, [*page.lines[1:], None]):
        if _HEADING.match(line.text) or line.scene_numbered or reader._is_cue(line, below):
            return False
    return True


def title_page_title(page: PageLines, columns: Columns) -> str:
    """The first block of single-spaced lines on a title page: the title, however many lines it takes."""
    block: list[TextLine] = []
    for line in page.lines:
        if block and line.baseline - block[-1].baseline > 1.5 * columns.pitch:
            break
        block.append(line)
    return " ".join(line.text for line in block)


def read_layout(pages: Sequence[PageLines], columns: Columns, title: str, source: str) -> Reading:
    reader = _Reader(columns)
    for page in pages:
        reader.read_page(page)
    script = reader.finish(title, source)
    return Reading(script, reader.unsure)


def _line_pitch(pages: Sequence[PageLines]) -> float | None:
    """Baseline to baseline of single-spaced lines (12 pt for Courier 12): the smallest common gap between lines.

    Not simply the commonest: in a script of short speeches the blank line between elements (24 pt) is
    commoner than single spacing (brick-and-steel: 54 against 52).
    """
    gaps = [below.baseline - line.baseline for page in pages for line, below in zip(page.lines, page.lines[1:])]
    counts = Counter(round(gap) for gap in gaps if gap > 1)
    if not counts:
        return None
    most = counts.most_common(1)[0][1]
    smallest = min(gap for gap, count in counts.items() if count >= max(2, 0.15 * most) or count == most)
    return statistics.median(gap for gap in gaps if abs(gap - smallest) <= 1.5)


def _mode(values: Sequence[float], char: float) -> float:
    """The most common value, to within a character; the mean of that bin, for sub-character precision."""
    bins = Counter(round(value / char) for value in values)
    best = max(bins.items(), key=lambda item: (item[1], -item[0]))[0]
    return statistics.fmean(value for value in values if round(value / char) == best)


def _near(x: float, column: float, char: float) -> bool:
    return abs(x - column) <= _COLUMN_SLACK * char


@dataclass
class _Speech:
    speaker: str  # folded name, to recognise "NAME (CONT'D)" overleaf
    page: int
    pieces: list[str] = field(default_factory=list)
    last_baseline: float = 0.0
    more: bool = False  # "(MORE)" seen: the speech continues on the next page


class _Reader:
    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.builder = ScriptBuilder()
        self.speech: _Speech | None = None
        self.unsure: list[UnsureLine] = []
        self.by_ocr = False

    # --- the page, line by line -------------------------------------------------------------------

    def read_page(self, page: PageLines) -> None:
        self.by_ocr = page.by_ocr
        lines = page.lines
        index = 0
        while index < len(lines):
            line = lines[index]
            below = lines[index + 1] if index + 1 < len(lines) else None
            above = lines[index - 1] if index else None
            if line.more:
                if self.speech is not None:
                    self.speech.more = True
                index += 1
            elif self._is_dual_cue(line, below):
                index = self._read_dual(lines, index)
            elif self._is_cue(line, below):
                self._open(line)
                index += 1
            elif self.speech is not None and self._continues_speech(line):
                self._add(line)
                index += 1
            elif self._is_heading(line, above, below):
                self._close()
                self.builder.scene(line.text)
                index += 1
            else:
                # Action, a transition, a centred title. Overleaf from a "(MORE)" it is a running header
                # the furniture filter missed, so it must not cut the speech.
                if self.speech is None or not self.speech.more:
                    self._close()
                if self.by_ocr and self._in_dialogue_column(line):
                    self.unsure.append(UnsureLine(line.page, line.text, line.confidence, line.weakest, NO_CUE))
                index += 1

    def finish(self, title: str, source: str) -> Script:
        self._close()
        return self.builder.build(title, source)

    # --- what a line is ---------------------------------------------------------------------------

    def _is_cue(self, line: TextLine, below: TextLine | None) -> bool:
        columns = self.columns
        if len(line.segments) != 1 or below is None or below.more or not looks_like_cue(line.text):
            return False
        if line.x0 < columns.dialogue + 3 * columns.char:  # a cue stands well right of the dialogue
            return False
        if not self._single_spaced(line, below):
            return False
        return _near(below.x0, columns.dialogue, columns.char) or _near(below.x0, columns.parenthetical, columns.char)

    def _is_dual_cue(self, line: TextLine, below: TextLine | None) -> bool:
        if len(line.segments) != 2 or below is None or not all(looks_like_cue(s.text) for s in line.segments):
            return False
        # Under two cues, the columns' words start left of each cue, as a single speech's do.
        return self._single_spaced(line, below) and below.x0 < line.segments[0].x0

    def _continues_speech(self, line: TextLine) -> bool:
        """Dialogue and parenthetical lines under the open speech.

        Nothing but dialogue is ever printed in those columns, so in a typeset PDF a blank line does not end
        the speech (screenplain leaves one where a note was). In a scan a gap is lines OCR lost: mid-sentence
        the speech goes on, but after a full stop it is more likely a cue OCR lost, and then the words are
        not this speaker's.
        """
        columns, speech = self.columns, self.speech
        assert speech is not None
        if speech.more:
            return False  # overleaf, a continued speech resumes with its cue, "NAME (CONT'D)"
        if not self._in_dialogue_column(line):
            return False
        single_spaced = 0 < line.baseline - speech.last_baseline <= 1.5 * columns.pitch
        if single_spaced or not self.by_ocr or line.page != speech.page:
            return True
        return not re.search(r"[.!?…\"”)]$", speech.pieces[-1] if speech.pieces else ".")

    def _in_dialogue_column(self, line: TextLine) -> bool:
        # Dialogue or parenthetical; a gap inside the line is a word OCR lost or wide spacing: one line still.
        columns = self.columns
        return columns.dialogue - _COLUMN_SLACK * columns.char <= line.x0 < columns.cue - 2 * columns.char

    def _is_heading(self, line: TextLine, above: TextLine | None, below: TextLine | None) -> bool:
        columns = self.columns
        if not _near(line.x0, columns.margin, columns.char):
            return False
        text = line.text
        if line.scene_numbered or _HEADING.match(text):
            return True
        # A shot or forced heading ("SNIPER SCOPE POV"): a lone line of capitals without a full stop.
        alone = (above is None or not self._single_spaced(above, line)) and (
            below is None or not self._single_spaced(line, below)
        )
        letters = [char for char in text if char.isalpha()]
        return (
            alone
            and bool(letters)
            and all(char.isupper() for char in letters)
            and not re.search(r"[.!?:;,…\"”)]$", text)
            and not _TRANSITION_WORDS.search(text)
        )

    def _single_spaced(self, upper: TextLine, lower: TextLine) -> bool:
        return 0 < lower.baseline - upper.baseline <= 1.5 * self.columns.pitch

    # --- building ---------------------------------------------------------------------------------

    def _open(self, cue: TextLine) -> None:
        self._note_confidence(cue)
        name = fold_cue(_closed_extensions(cue.text)).name
        if self.speech is not None and self.speech.more and name == self.speech.speaker:
            self.speech.more = False  # "NAME (CONT'D)" overleaf: the same speech goes on
            self.speech.last_baseline = cue.baseline
            return
        self._close()
        self.builder.speech(_closed_extensions(cue.text), cue.page)
        self.speech = _Speech(name, cue.page, last_baseline=cue.baseline)

    def _add(self, line: TextLine) -> None:
        assert self.speech is not None
        self._note_confidence(line)
        _append_printed_line(self.speech.pieces, line.text)
        self.speech.last_baseline = line.baseline

    def _close(self) -> None:
        if self.speech is not None:
            self.builder.say(" ".join(self.speech.pieces))
            self.speech = None
        self.builder.end_speech()

    def _read_dual(self, lines: list[TextLine], index: int) -> int:
        """Two speeches side by side: collect each column until the blank line under the taller one."""
        self._close()
        cue_line = lines[index]
        left_cue, right_cue = cue_line.segments
        # A column's lines start left of its cue; anything starting right of the middle is the right column.
        middle = (left_cue.x1 + right_cue.x0) / 2
        sides: tuple[list[str], list[str]] = ([], [])
        previous = cue_line
        index += 1
        while index < len(lines) and self._single_spaced(previous, lines[index]):
            line = lines[index]
            for segment in line.segments:
                if not line.more or segment.text.upper() != "(MORE)":
                    _append_printed_line(sides[segment.x0 >= middle], segment.text)
            self._note_confidence(line)
            previous = line
            index += 1
        for cue, pieces, dual in ((left_cue, sides[0], False), (right_cue, sides[1], True)):
            self.builder.speech(_closed_extensions(cue.text), cue_line.page, dual=dual)
            self.builder.say(" ".join(pieces))
            self.builder.end_speech()
        return index

    def _note_confidence(self, line: TextLine) -> None:
        if line.confidence < LOW_CONFIDENCE or line.weakest < DOUBTFUL_WORD:
            self.unsure.append(UnsureLine(line.page, line.text, line.confidence, line.weakest))


def _closed_extensions(cue: str) -> str:
    """"GUARD 2 (0.5." as OCR may read "GUARD 2 (O.S.)": an extension whose ")" was lost is still one."""
    if cue.count("(") > cue.count(")"):
        return cue[: cue.rfind("(")].rstrip()
    return cue


def _append_printed_line(pieces: list[str], text: str) -> None:
    """Join a printed line to the one before; a word broken at a hyphen ("smash-" / "and-grab") stays whole."""
    if pieces and re.search(r"[^\W\d_]-$", pieces[-1]) and not pieces[-1].endswith("--") and text[:1].isalpha():
        pieces[-1] += text
    else:
        pieces.append(text)
