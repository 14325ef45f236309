"""Judge whether a transcript was the line.

Pipeline: normalise.py turns both sides into tokens, align.py aligns them (rapidfuzz opcodes)
and labels every step, and this module applies the strictness rules below.

Never an error, at any strictness (the actor said the line; only writing or the recognizer differ):
  - normalisation: case, punctuation, curly quotes, dashes, ellipses, fillers (um, uh, er, ah,
    hmm, erm, mm), contractions both ways ("I'm" = "I am"), abbreviations ("Mr." = "mister");
  - a number in digits or in any of the ways it is said, and the same number said two ways
    ("42" = "forty-two"; "1999" = "nineteen ninety nine" = "one thousand nine hundred and
    ninety nine"; "10001" = "one oh oh oh one"; "555-0123" = "five five five zero one two
    three"; "9:30" = "half past nine"; "$4.50" = "four fifty"; "21st" = "twenty-first"):
    numbers.py and spoken_numbers.py list the forms, and a different number is still wrong;
  - "'s" heard as "is" or "has", or not heard at all where it may be a possessive
    ("John's" ~ "john"), "'d" heard as "would"/"had"/"did";
  - homophones ("cues"/"queues", "there"/"their"/"they're", "two"/"to"/"too", ...), including a
    word that sounds like an expanded contraction ("your" = "you're");
  - compounds split or joined ("callback" = "call back" = "call-back", "tonight" = "to night");
  - a character name from `names` heard as something that sounds like it ("elena" ~ "an arena"),
    unless what was heard is another character's name.

Words are either function words (lexicon.FUNCTION_WORDS: articles, prepositions, "and",
"that", present-tense be/have/do) or content words (everything else, INCLUDING pronouns,
negations, modals, past-tense auxiliaries and numbers: an actor who says "she" for "you" or
"was" for "is" has changed the line). A number is one content word, however many words it is
said in ("nineteen eighty-five"). Each remaining difference is an error:
  - missing word: content if the expected word is content;
  - extra word: content if the heard word is content;
  - substituted word: content if either word is content;
  - near-miss: two function words with one weak form ("and"/"in"/"an", "a"/"of", "of"/"have").

Three results: "ok" (word perfect, up to what the rules above forgive), "slip" (only small words differ:
the line counts as said, and the actor is told) and "missed".

strict    ok iff there is no error at all, near-misses included; anything else is missed (no slips).
default   ok iff there is no error; a slip when there is no content error and the function-word errors
          (near-misses excluded) number at most the budget: max(1, words // 10) -- one for up to 19
          words, two for 20-29, ...; else missed. So "Open the door" heard "open door" is a slip
          ("the" dropped), and so is "on me" for "on for me"; "for" and "me" both dropped is missed.
          A slip used to pass as plain "ok" within the budget, and an actor never heard of it.
lenient   ok iff coverage >= 0.8, where coverage = weight of expected words matched / weight of
          all expected words, content words weighing 1.0 and function words 0.4 (equivalences
          and near-misses count as matched). Extra words do not matter: the gist was said.

score     matched weight / (expected weight + weight of extra words), same weights; 1.0 means
          every expected word heard and nothing added, 0.0 nothing of the line heard. A line with
          no words at all scores 1.0 if nothing was heard either, else 0.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from .align import Step, align
from .normalise import Token, normalise_tokens, normalise_words
from .written import written_phrase

Strictness = Literal["strict", "default", "lenient"]
Result = Literal["ok", "slip", "missed"]
IssueKind = Literal["missing", "extra", "substituted"]

CONTENT_WEIGHT = 1.0
FUNCTION_WEIGHT = 0.4
LENIENT_COVERAGE = 0.8
_BUDGET_WORDS_PER_ERROR = 10
_WRONG_LINE_SCORE = 0.35  # below this, with many errors, the correction says it was another line


@dataclass(frozen=True)
class Issue:
    """A run of neighbouring differences of one kind, as an actor would be told about it."""

    kind: IssueKind
    expected: str  # "" for extra words
    heard: str  # "" for missing words
    content: bool  # True if any word in it is a content word
    words: int  # how many words it covers, for the function-word budget
    before: str = ""  # the line's word just before it, and just after: "on me" for "on for me"
    after: str = ""


@dataclass(frozen=True)
class Verdict:
    result: Result  # "ok" (word perfect), "slip" (small words only: counts as said) or "missed"
    score: float  # 0..1, 1 = every expected word heard and nothing added
    expected: str  # the expected line as given
    heard: str  # the transcript as given
    missing: tuple[str, ...]  # expected words not heard (normalised form)
    extra: tuple[str, ...]  # heard words not in the line
    substituted: tuple[tuple[str, str], ...]  # (expected, heard) pairs
    issues: tuple[Issue, ...] = field(default=(), compare=False)  # grouped, in line order
    # What the audio showed the recognizer got wrong, and by which rule (assistant/verdict.py).
    forgiven: tuple[str, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """The line counts as said: word perfect, or a slip of small words (which the actor is told of)."""
        return self.result != "missed"

    @property
    def word_perfect(self) -> bool:
        return self.result == "ok"

    @property
    def verdict(self) -> str:
        return self.result

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 3),
            "expected": self.expected,
            "heard": self.heard,
            "missing": list(self.missing),
            "extra": list(self.extra),
            "substituted": [list(pair) for pair in self.substituted],
            **({"forgiven": list(self.forgiven)} if self.forgiven else {}),
        }

    def correction(self) -> str:
        """What the actor is told: for a slip, what they said against the line ("You said 'on me'; the line is
        'on for me'."); for a miss, a short correction naming at most two slips; "" when there is nothing."""
        issues = [self._as_written(issue) for issue in self.issues]
        if self.result == "slip" and issues:
            return _slip_note(issues[0])
        if not issues:
            return ""
        if not normalise_words(self.heard):
            return "I didn't hear anything."
        if self.score < _WRONG_LINE_SCORE and len(self.issues) > 2:
            return "That wasn't the line."
        # Content slips first, each group in line order.
        ranked = sorted(issues, key=lambda issue: not issue.content)
        sentence = f"You {_describe_two(ranked[:2])}."
        unnamed = len(ranked) - min(len(ranked), 2)
        if unnamed:
            sentence += f" {unnamed} more slip{'s' if unnamed > 1 else ''}."
        return sentence

    def _as_written(self, issue: Issue) -> Issue:
        """The issue in the words the line and the reading write ("haven't", not "have not")."""
        line, heard = self.expected, self.heard
        return replace(issue, expected=written_phrase(line, issue.expected), heard=written_phrase(heard, issue.heard),
                       before=written_phrase(line, issue.before), after=written_phrase(line, issue.after))


def check_line(
    expected: str, heard: str, strictness: Strictness = "default", names: Sequence[str] = ()
) -> Verdict:
    if strictness not in ("strict", "default", "lenient"):
        raise ValueError(f"strictness must be strict, default or lenient, not {strictness!r}")
    name_words = [normalise_words(name) for name in names]
    steps = align(normalise_tokens(expected), normalise_tokens(heard), name_words)
    near_miss_is_error = strictness == "strict"
    issues = _issues(steps, near_miss_is_error)
    tally = _Tally.of(steps, near_miss_is_error)
    result: Result
    if not issues or (strictness == "lenient" and tally.coverage >= LENIENT_COVERAGE):
        result = "ok"
    elif strictness == "default" and not any(issue.content for issue in issues) and \
            sum(issue.words for issue in issues) <= _budget(tally.expected_words):
        result = "slip"
    else:
        result = "missed"
    if tally.expected_weight == 0:  # a line with no words: only silence matches it
        result = "missed" if issues else "ok"
    return Verdict(
        result=result,
        score=tally.score,
        expected=expected,
        heard=heard,
        missing=tuple(t.text for s in steps if s.kind == "missing" for t in s.expected),
        extra=tuple(t.text for s in steps if s.kind == "extra" for t in s.heard),
        substituted=tuple(
            (s.expected[0].text, s.heard[0].text)
            for s in steps
            if s.kind == "substituted" or (s.kind == "near_miss" and near_miss_is_error)
        ),
        issues=issues,
    )


def _budget(expected_words: int) -> int:
    """How many small words may differ and the line still count as said (with the slip told)."""
    return max(1, expected_words // _BUDGET_WORDS_PER_ERROR)


def _weight(tokens: Sequence[Token]) -> float:
    return sum(CONTENT_WEIGHT if t.content else FUNCTION_WEIGHT for t in tokens)


@dataclass(frozen=True)
class _Tally:
    expected_weight: float
    matched_weight: float
    extra_weight: float
    expected_words: int  # words a function-word budget is measured against

    @classmethod
    def of(cls, steps: list[Step], near_miss_is_error: bool) -> _Tally:
        matched_kinds = {"same", "equivalent"} | (set() if near_miss_is_error else {"near_miss"})
        expected_tokens = [t for s in steps for t in s.expected]
        return cls(
            expected_weight=_weight(expected_tokens),
            matched_weight=sum(_weight(s.expected) for s in steps if s.kind in matched_kinds),
            extra_weight=sum(_weight(s.heard) for s in steps if s.kind == "extra"),
            expected_words=sum(len(t.words) for t in expected_tokens if not t.optional),
        )

    @property
    def coverage(self) -> float:
        return self.matched_weight / self.expected_weight if self.expected_weight else 1.0

    @property
    def score(self) -> float:
        total = self.expected_weight + self.extra_weight
        if total == 0:
            return 1.0
        return self.matched_weight / total


def _issues(steps: list[Step], near_miss_is_error: bool) -> tuple[Issue, ...]:
    """Group neighbouring differences of one kind ("dropped 'call him'" rather than two slips)."""
    issues: list[Issue] = []
    previous_kind: str | None = None
    for index, step in enumerate(steps):
        kind = "substituted" if step.kind == "near_miss" and near_miss_is_error else step.kind
        if kind not in ("missing", "extra", "substituted"):
            previous_kind = None
            continue
        issue = Issue(
            kind=kind,
            expected=" ".join(t.text for t in step.expected),
            heard=" ".join(t.text for t in step.heard),
            content=any(t.content for t in (*step.expected, *step.heard)),
            words=max(sum(len(t.words) for t in step.expected), sum(len(t.words) for t in step.heard)),
            before=_neighbour(reversed(steps[:index]), last=True),
            after=_neighbour(steps[index + 1 :], last=False),
        )
        if kind == previous_kind:
            last = issues.pop()
            issue = Issue(
                kind=kind,
                expected=f"{last.expected} {issue.expected}".strip(),
                heard=f"{last.heard} {issue.heard}".strip(),
                content=last.content or issue.content,
                words=last.words + issue.words,
                before=last.before,
                after=issue.after,
            )
        issues.append(issue)
        previous_kind = kind
    return tuple(issues)


def _neighbour(steps: Iterable[Step], last: bool) -> str:
    """The nearest word of the line that was said as written (its last word before a slip, its first after),
    for a slip's context; "" at the line's edge."""
    for step in steps:
        if step.kind in ("same", "equivalent", "near_miss") and step.expected:
            return step.expected[-1 if last else 0].text.split()[-1 if last else 0]
    return ""


def _slip_note(issue: Issue) -> str:
    """ "You said 'on me'; the line is 'on for me'." -- the slip with a word of the line either side."""
    around = lambda middle: " ".join(part for part in (issue.before, middle, issue.after) if part)
    said, line = around(issue.heard), around(issue.expected)
    if not said or said == line:
        return f"Small slip: '{issue.expected or issue.heard}'."
    return f"You said '{said}'; the line is '{line}'."


def _describe_two(issues: Sequence[Issue]) -> str:
    first = _describe(issues[0])
    if len(issues) == 1:
        return first
    second = issues[1]
    if second.kind == issues[0].kind:  # "dropped 'x' and 'y'", not "dropped 'x' and dropped 'y'"
        return f"{first} and {_describe(second, with_verb=False)}"
    return f"{first} and {_describe(second)}"


def _describe(issue: Issue, with_verb: bool = True) -> str:
    verb = {"missing": "dropped ", "extra": "added ", "substituted": "said "}[issue.kind] if with_verb else ""
    if issue.kind == "missing":
        return f"{verb}'{issue.expected}'"
    if issue.kind == "extra":
        return f"{verb}'{issue.heard}'"
    return f"{verb}'{issue.heard}' for '{issue.expected}'"
