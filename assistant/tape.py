"""Finding a role's lines on a whole self-tape: which stretch of the recording is an attempt at which line.

A self-tape holds the role's lines in order, and everything else a tape holds: the reader's cues, a line said
again, a line left out, an aside ("sorry, again"). Sharing the heard words out by one edit-distance
alignment of the whole tape against the whole role (what grading did before) pinned the first word of a
line on the line before it, even across 1.5 s of silence, and a skipped or repeated line shifted every line
after it, down to "heard (nothing)" for lines that were said.

So the tape is cut where a person pauses, and only there: the words are grouped into stretches at the speech
detector's regions (half a second of silence), at a gap of WORD_GAP between words, and at the end of a
sentence. The stretches are then aligned to the lines in order by dynamic programming: a line is given a
run of consecutive stretches that reads like it (at least ATTEMPT_SIMILARITY, the character ratio of the
normalised words), or is skipped; a stretch given to no line is extra speech. Extra speech is cheap (a cue
or an aside is on most tapes), a skip costs more than a poor match, and a line run across a pause of
LONG_PAUSE or more costs a word's worth, since a line rarely runs across a second of silence.

Where a line was said more than once, every take of it is found, and the last complete take is graded (an
actor who says a line again means the new one to count; a take that stops short, a false start, does not);
when no take is complete, the best. Measured on the take corpus's texts (scripts/take_corpus.py), the
ratio of a line to a slip of it (a word dropped, swapped or added) is 0.70 to 0.95, to a paraphrase 0.35 to
0.79, and to any other line or any cue 0.22 to 0.54: ATTEMPT_SIMILARITY sits above the last, so a reader's
cue is not taken for a skipped line, at the price of a paraphrase sharing few words with the line being
reported skipped. On scripts/bench_tape.py's 12-line self-tape (the reader's cues, line 5 skipped, line 8
said with a slip and then again) every line is found on its last take and line 5 is skipped; the former
alignment graded both as missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz

from assistant.linecheck import normalise_words
from assistant.speech.activity import Region
from assistant.speech.recognizer import Word

#: Words further apart than this are in different stretches (the speech detector joins gaps under 0.5 s).
WORD_GAP = 0.3
#: A run of at least SQUEEZED_RUN words each shorter than SQUEEZED_SECONDS is text with no audio under it.
#: Whisper's word times put what it invents there: where it looped on a tape repeating one line (reading with
#: timestamps), its "thank you for watching, thank you for ..." and the extra copies of the line all came out
#: 0.00 s long, every word it really heard 0.10 s or more.
SQUEEZED_RUN = 3
SQUEEZED_SECONDS = 0.02
#: A run of stretches given to one line that spans a silence this long costs LONG_PAUSE_COST words.
LONG_PAUSE = 1.0
LONG_PAUSE_COST = 1.0
#: Every further stretch joined into a line costs this much (a line is usually one stretch).
JOIN_COST = 0.3
#: What a stretch given to no line costs per word, and a skipped line per word of the line.
EXTRA_COST = 0.15
SKIP_COST = 0.6
#: A stretch is a take of a line when its normalised words read this much like the line's (rapidfuzz ratio).
ATTEMPT_SIMILARITY = 0.55
#: A take with fewer than this share of the line's words stopped short: a false start, not a whole take.
COMPLETE_SHARE = 0.6
#: A region of speech with fewer words than one a SPARSE_SECONDS (its padding aside) was read too thinly.
SPARSE_SECONDS = 1.0
REGION_PAD = 0.2
#: One line is looked for in at most this many stretches in a row, of at most twice its words and a few more.
MOST_STRETCHES = 8
SPARE_WORDS = 6

_SENTENCE_END = re.compile(r"[.?!…]['\")\]]*$")


@dataclass(frozen=True)
class Stretch:
    """Words said without a pause, and the part of the recording they were said in."""

    words: tuple[Word, ...]
    start: float
    end: float

    @property
    def said(self) -> list[str]:
        return normalise_words(" ".join(w.text for w in self.words))


@dataclass(frozen=True)
class Take:
    """One attempt at a line: where it is on the tape, what was heard, and how much it reads like the line."""

    start: float
    end: float
    heard: str
    similarity: float
    complete: bool

    def to_dict(self) -> dict:
        return {"start": round(self.start, 2), "end": round(self.end, 2)}


@dataclass(frozen=True)
class Placement:
    """Where one line was found on a tape: every take of it in order, and which one is graded (none: skipped)."""

    takes: tuple[Take, ...] = ()
    graded: int | None = None  # index into takes
    how: str = ""  # "only", "last", "last complete" (a false start came after it) or "best" (none complete)

    @property
    def skipped(self) -> bool:
        return self.graded is None

    @property
    def take(self) -> Take | None:
        return None if self.graded is None else self.takes[self.graded]

    def describe(self) -> str:
        """ "at 12.3-15.0 s", with which take when there were several."""
        if self.take is None:
            return "not found on the tape"
        where = f"at {self.take.start:.1f}-{self.take.end:.1f} s"
        if len(self.takes) == 1:
            return where
        which = {"last": "the last", "last complete": "the last complete", "best": "the best"}[self.how]
        return f"{where}, {which} of {len(self.takes)} takes"

    def to_dict(self) -> dict:
        return {"found": self.take.to_dict() if self.take else None, "takes": len(self.takes),
                **({"graded_take": self.how} if self.take else {})}


def place_lines(words: Sequence[Word], regions: Sequence[Region], lines: Sequence[str]) -> list[Placement]:
    """Where each of `lines` was said among `words` (times in the recording's seconds; `regions` the speech
    detector's), in order: one Placement per line."""
    found = stretches(words, regions)
    return _Aligner(found, lines).placements()


def stretches(words: Sequence[Word], regions: Sequence[Region]) -> list[Stretch]:
    """The words grouped where a person pauses: a new stretch at each region of speech, at a gap of WORD_GAP
    between two words, and after a sentence's end. Each stretch covers its region of the recording (not its
    words' times, which can stray over a join), shared at the midpoint between stretches when a region holds
    several. Words with no audio under them (SQUEEZED_RUN) are left out."""
    words = _with_room(words)
    owners = [_region_of(word, regions) for word in words]
    groups: list[list[int]] = []
    for index, word in enumerate(words):
        if (not groups or owners[index] != owners[index - 1] or _SENTENCE_END.search(words[index - 1].text)
                or word.start - words[index - 1].end >= WORD_GAP):
            groups.append([])
        groups[-1].append(index)
    found = []
    for number, group in enumerate(groups):
        first, last = words[group[0]], words[group[-1]]
        owner = owners[group[0]]
        start, end = first.start, last.end
        if owner is not None:
            region = regions[owner]
            before = groups[number - 1] if number > 0 and owners[groups[number - 1][0]] == owner else None
            after = groups[number + 1] if number + 1 < len(groups) and owners[groups[number + 1][0]] == owner else None
            start = (words[before[-1]].end + first.start) / 2 if before else region.start
            end = (last.end + words[after[0]].start) / 2 if after else region.end
        found.append(Stretch(tuple(words[i] for i in group), start, max(start, end)))
    return found


def thinly_heard(words: Sequence[Word], regions: Sequence[Region]) -> list[int]:
    """The regions (indices) a reading of several at once gave no word, or too few (SPARSE_SECONDS). Whisper,
    reading a window of speech, now and then stops before its last sentence or writes a sentence said twice
    running once ("You kept the light on for me." at the end of a 9 s batch, after a cue, came out as
    nothing); such a region is worth hearing again on its own."""
    count = [0] * len(regions)
    for word in _with_room(words):
        owner = _region_of(word, regions)
        if owner is not None:
            count[owner] += 1
    return [index for index, region in enumerate(regions)
            if count[index] < (region.duration - 2 * REGION_PAD) / SPARSE_SECONDS]


def _with_room(words: Sequence[Word]) -> list[Word]:
    """The words, without runs of SQUEEZED_RUN or more that have no length (see SQUEEZED_SECONDS)."""
    kept: list[Word] = []
    run: list[Word] = []
    for word in list(words) + [None]:
        if word is not None and word.end - word.start < SQUEEZED_SECONDS:
            run.append(word)
            continue
        if len(run) < SQUEEZED_RUN:
            kept += run
        run = []
        if word is not None:
            kept.append(word)
    return kept


def _region_of(word: Word, regions: Sequence[Region]) -> int | None:
    """The region a word was said in: the one it overlaps most, else the nearest (Whisper's word times are
    a little off at the joins between regions); None when there are no regions."""
    if not regions:
        return None
    overlap = [min(word.end, r.end) - max(word.start, r.start) for r in regions]
    best = max(range(len(regions)), key=lambda i: overlap[i])
    if overlap[best] > 0:
        return best
    middle = (word.start + word.end) / 2
    return min(range(len(regions)), key=lambda i: max(regions[i].start - middle, middle - regions[i].end))


class _Aligner:
    """The dynamic programme over (stretches used, lines placed), and the takes found around its answer."""

    def __init__(self, found: Sequence[Stretch], lines: Sequence[str]) -> None:
        self.found = list(found)
        self.said = [s.said for s in self.found]
        self.lines = [normalise_words(line) for line in lines]
        self._texts = [" ".join(words) for words in self.lines]

    def similarity(self, start: int, stop: int, line: int) -> float:
        heard = " ".join(" ".join(self.said[i]) for i in range(start, stop) if self.said[i])
        return fuzz.ratio(heard, self._texts[line]) / 100.0

    def spans(self, start: int, line: int):
        """(stop, similarity, joining cost) of each run of stretches from `start` that could be `line`."""
        words = 0
        joins = 0.0
        for stop in range(start + 1, min(len(self.found), start + MOST_STRETCHES) + 1):
            words += len(self.said[stop - 1])
            if words > 2 * len(self.lines[line]) + SPARE_WORDS:
                return
            if stop > start + 1:
                gap = self.found[stop - 1].words[0].start - self.found[stop - 2].words[-1].end
                joins += LONG_PAUSE_COST if gap >= LONG_PAUSE else JOIN_COST
            similarity = self.similarity(start, stop, line)
            if similarity >= ATTEMPT_SIMILARITY:
                yield stop, similarity, joins

    def placements(self) -> list[Placement]:
        spans = self._align()
        takes: list[list[tuple[int, int, float]]] = [[] if span is None else [span] for span in spans]
        for start, stop in self._extra_runs(spans):
            self._takes_in(start, stop, spans, takes)
        return [self._placement(line, sorted(found)) for line, found in enumerate(takes)]

    def _align(self) -> list[tuple[int, int, float] | None]:
        """Each line's (first stretch, stop, similarity), or None for a skipped line: the cheapest reading."""
        count, lines = len(self.found), len(self.lines)
        infinity = float("inf")
        cost = [[infinity] * (lines + 1) for _ in range(count + 1)]
        back: list[list[tuple | None]] = [[None] * (lines + 1) for _ in range(count + 1)]
        cost[0][0] = 0.0

        def relax(i: int, j: int, value: float, step: tuple) -> None:
            if value < cost[i][j] - 1e-9:
                cost[i][j] = value
                back[i][j] = step

        for i in range(count + 1):
            for j in range(lines + 1):
                here = cost[i][j]
                if here == infinity:
                    continue
                if i < count:  # stretch i is extra speech
                    relax(i + 1, j, here + EXTRA_COST * len(self.said[i]), ("extra", i, j))
                if j < lines:  # line j was skipped
                    relax(i, j + 1, here + SKIP_COST * max(1, len(self.lines[j])), ("skip", i, j))
                    for stop, similarity, joins in (self.spans(i, j) if i < count else ()):
                        value = here + max(1, len(self.lines[j])) * (1.0 - similarity) + joins
                        relax(stop, j + 1, value, ("take", i, j, similarity))
        spans: list[tuple[int, int, float] | None] = [None] * lines
        i, j = count, lines
        while (i, j) != (0, 0):
            step = back[i][j]
            if step[0] == "take":
                spans[step[2]] = (step[1], i, step[3])
            i, j = step[1], step[2]
        return spans

    def _extra_runs(self, spans) -> list[tuple[int, int]]:
        """Maximal runs of stretches given to no line."""
        used = [False] * len(self.found)
        for span in spans:
            if span is not None:
                used[span[0] : span[1]] = [True] * (span[1] - span[0])
        runs: list[tuple[int, int]] = []
        for index, taken in enumerate(used):
            if taken:
                continue
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
        return runs

    def _takes_in(self, start: int, stop: int, spans, takes) -> None:
        """Other takes in a run of extra speech, of the lines placed just before and just after it."""
        before = [j for j, s in enumerate(spans) if s is not None and s[1] <= start]
        after = [j for j, s in enumerate(spans) if s is not None and s[0] >= stop]
        candidates = ([before[-1]] if before else []) + ([after[0]] if after else [])
        i = start
        while i < stop and candidates:
            best = max(((similarity, j, end) for j in candidates for end, similarity, _ in self.spans(i, j)
                        if end <= stop), default=None)
            if best is None:
                i += 1
                continue
            similarity, line, end = best
            takes[line].append((i, end, similarity))
            i = end

    def _placement(self, line: int, found: list[tuple[int, int, float]]) -> Placement:
        if not found:
            return Placement()
        takes = tuple(self._take(line, *span) for span in found)
        complete = [index for index, take in enumerate(takes) if take.complete]
        if len(takes) == 1:
            return Placement(takes, 0, "only")
        if complete and complete[-1] == len(takes) - 1:
            return Placement(takes, complete[-1], "last")
        if complete:
            return Placement(takes, complete[-1], "last complete")
        best = max(range(len(takes)), key=lambda index: takes[index].similarity)
        return Placement(takes, best, "best")

    def _take(self, line: int, start: int, stop: int, similarity: float) -> Take:
        words = sum(len(self.said[i]) for i in range(start, stop))
        heard = " ".join(w.text for i in range(start, stop) for w in self.found[i].words)
        complete = words >= COMPLETE_SHARE * len(self.lines[line])
        return Take(self.found[start].start, self.found[stop - 1].end, heard, similarity, complete)
