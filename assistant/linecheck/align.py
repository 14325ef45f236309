"""Align expected and heard tokens word by word and label each step.

The alignment itself is rapidfuzz's Levenshtein opcodes over token keys (homophone keys, number
values). Where the keys disagree, the disagreeing stretch (a "region") is examined for things a
recognizer gets wrong that an actor did not:
  - a character name heard as something that sounds like it ("elena" / "an arena"),
  - a compound split or joined differently ("callback" / "call back", "its" / "it is"),
  - a single word that sounds like an expanded contraction ("your" / "you are"),
  - an ambiguous clitic read the other way ("'s" = is / has / possessive, "'d" = would / had),
  - two function words with the same weak form ("and" / "in"): a near-miss, not an equivalence,
  - a number written as pieces on one side and one run on the other ("555 0123" / "five five
    five oh one two three", "1,000 dollars" / "a thousand dollars"): the pieces are read as one.
A number token is aligned on one key but stands for all its meanings (normalise.py), so two that
disagree on the key but share a meaning ("1985" / "one nine eight five") are equivalent here.
Whatever is left in a region is paired up as substitutions, missing and extra words, with a run
of number words taken whole or in pieces, whichever explains more of it.
Judging what the steps mean for the line is judge.py's job, not this module's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .homophones import homophone_key, phrase_homophone_key
from .lexicon import WEAK_FORM_GROUPS
from .normalise import Token
from .phonetic import sounds_like_name
from .spoken_numbers import keys_of_choices

StepKind = Literal["same", "equivalent", "near_miss", "substituted", "missing", "extra"]

_MAX_SPAN = 3  # longest compound or phrase considered, in tokens
_MAX_PAIRINGS = 2000  # beyond this many ways to pair a region, pair it in order
_SAME_CLASS_BONUS = 50.0  # on fuzz.ratio's 0..100 scale


@dataclass(frozen=True)
class Step:
    """One step of the alignment: expected tokens against heard tokens.

    same        keys equal (after normalisation and homophones)
    equivalent  differ in writing only: name, compound, clitic reading, contraction homophone
    near_miss   two function words a recognizer cannot separate (weak forms)
    substituted, missing, extra  real differences
    """

    kind: StepKind
    expected: tuple[Token, ...] = ()
    heard: tuple[Token, ...] = ()


def align(expected: Sequence[Token], heard: Sequence[Token], names: Sequence[Sequence[str]] = ()) -> list[Step]:
    return _align_keys(*join_compounds(mark_names(expected, names), mark_names(heard, names)))


def _align_keys(expected_tokens: list[Token], heard_tokens: list[Token]) -> list[Step]:
    opcodes = Levenshtein.opcodes([t.key for t in expected_tokens], [t.key for t in heard_tokens])
    steps: list[Step] = []
    region_start: tuple[int, int] | None = None
    for op in opcodes:
        if op.tag != "equal":
            if region_start is None:
                region_start = (op.src_start, op.dest_start)
            continue
        if region_start is not None:
            steps += _resolve_region(
                expected_tokens[region_start[0] : op.src_start], heard_tokens[region_start[1] : op.dest_start]
            )
            region_start = None
        steps += [
            Step("same", (e,), (h,))
            for e, h in zip(expected_tokens[op.src_start : op.src_end], heard_tokens[op.dest_start : op.dest_end])
        ]
    if region_start is not None:
        steps += _resolve_region(expected_tokens[region_start[0] :], heard_tokens[region_start[1] :])
    return steps


def mark_names(tokens: Sequence[Token], names: Sequence[Sequence[str]]) -> list[Token]:
    """Flag character names, merging a multi-word name ("lady macbeth") into one token."""
    marked = list(tokens)
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = " ".join(name)
        i = 0
        while i + len(name) <= len(marked):
            window = marked[i : i + len(name)]
            if [t.text for t in window] == list(name) and not any(t.name for t in window):
                marked[i : i + len(name)] = [Token(text=text, key=homophone_key(text), name=True)]
            i += 1
    return marked


def join_compounds(expected: list[Token], heard: list[Token]) -> tuple[list[Token], list[Token]]:
    """Write compounds one way on both sides before aligning ("call back" -> "callback").

    A span of 2-3 tokens is joined when, written as one word, it is a word that occurs as a
    single token on either side. Doing this before the alignment (not only in regions) keeps the
    edit-distance alignment from anchoring on the wrong copy of a repeated word ("it's ... its").
    """
    singles = {t.key for t in (*expected, *heard) if len(t.words) == 1 and not t.name}
    return _join_spans(expected, singles), _join_spans(heard, singles)


def _join_spans(tokens: list[Token], singles: set[str]) -> list[Token]:
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        for length in range(_MAX_SPAN, 1, -1):
            span = tokens[i : i + length]
            if len(span) < length or any(t.name for t in span):
                continue
            matches = _join_forms(span, with_phrases=False) & singles
            if matches:
                text = " ".join(t.text for t in span)
                joined.append(Token(text=text, key=min(matches), content=any(t.content for t in span)))
                i += length
                break
        else:
            joined.append(tokens[i])
            i += 1
    return joined


def _resolve_region(expected: list[Token], heard: list[Token]) -> list[Step]:
    """Explain a stretch where the keys disagree: find one equivalence, split around it, repeat."""
    if not expected and not heard:
        return []
    anchor = _find_anchor(expected, heard)
    if anchor is None:
        return _paired_whole_or_in_pieces(expected, heard)
    step, (e_start, e_end), (h_start, h_end) = anchor
    return [
        *_resolve_region(expected[:e_start], heard[:h_start]),
        step,
        *_resolve_region(expected[e_end:], heard[h_end:]),
    ]


def _find_anchor(expected: list[Token], heard: list[Token]) -> tuple[Step, tuple[int, int], tuple[int, int]] | None:
    # Leftmost expected position first, so the split keeps the line's order.
    for e_start in range(len(expected)):
        if expected[e_start].name:
            match = _best_name_match(
                expected[e_start], heard, alone_before=e_start == 0, alone_after=e_start == len(expected) - 1
            )
            if match:
                h_start, h_end = match
                step = Step("equivalent", (expected[e_start],), tuple(heard[h_start:h_end]))
                return step, (e_start, e_start + 1), match
        for e_len in range(1, _MAX_SPAN + 1):
            e_span = expected[e_start : e_start + e_len]
            if len(e_span) < e_len:
                break
            for h_start in range(len(heard)):
                for h_len in range(1, _MAX_SPAN + 1):
                    h_span = heard[h_start : h_start + h_len]
                    if len(h_span) < h_len:
                        break
                    kind = _span_relation(e_span, h_span)
                    if kind:
                        step = Step(kind, tuple(e_span), tuple(h_span))
                        return step, (e_start, e_start + e_len), (h_start, h_start + h_len)
    return None


def _span_relation(expected: list[Token], heard: list[Token]) -> StepKind | None:
    """How two short spans relate when their keys did not simply match, or None."""
    if len(expected) == 1 and len(heard) == 1:
        e, h = expected[0], heard[0]
        if e.key == h.key:
            return "same"
        if e.key in h.alternatives or h.key in e.alternatives or (e.alternatives & h.alternatives):
            return "equivalent"
        if _weak_forms_of_each_other(e, h):
            return "near_miss"
        return None
    if _join_forms(expected) & _join_forms(heard):
        return "equivalent"
    if _number_keys(expected) & _number_keys(heard):
        return "equivalent"
    return None


def _join_forms(span: list[Token], with_phrases: bool = True) -> set[str]:
    """The ways a span can be written as one word, for comparing across word boundaries.

    with_phrases adds the single word that sounds like the phrase ("you are" -> "your"); that is
    only safe inside a region, where the alignment has already put the two side by side."""
    texts = [t.text.replace(" ", "") for t in span]
    joined = "".join(texts)
    forms = {joined, homophone_key(joined)}
    if len(span) >= 2 and span[-1].text in ("is", "has"):
        # "it's" written "its", "john's" heard "johns": the clitic joins as a bare "s".
        forms.add("".join(texts[:-1]) + "s")
    phrase = phrase_homophone_key(tuple(t.text for t in span)) if with_phrases else None
    if phrase:
        forms.add(phrase)
    return forms


def _number_keys(span: list[Token]) -> frozenset[str]:
    """What a span with a number in it may mean as one number: "1,000 dollars" = "a thousand
    dollars", "555 0123" = "five five five oh one two three" (spoken_numbers.py)."""
    if not any(t.number for t in span):
        return frozenset()
    if len(span) == 1:
        return span[0].alternatives | {span[0].key}
    # Read as one, the pieces may mean a kind none means alone: "1,000" + "dollars" is money.
    return keys_of_choices(tuple(t.said or (t.text,) for t in span))


def _weak_forms_of_each_other(e: Token, h: Token) -> bool:
    return any(e.text in group and h.text in group for group in WEAK_FORM_GROUPS)


def _best_name_match(
    name: Token, heard: list[Token], alone_before: bool, alone_after: bool
) -> tuple[int, int] | None:
    """The heard span that best sounds like the name, widened to the fragments it was split into.

    alone_before/after: no other expected word in this region on that side of the name, so a
    heard word there is either part of the misheard name or an extra word.
    """
    longest = len(name.words) + 2  # "elena" may come back as "an arena"
    best: tuple[float, int, int] | None = None
    for start in range(len(heard)):
        for end in range(start + 1, min(len(heard), start + longest) + 1):
            score = _name_score(name, heard[start:end])
            if score and (best is None or score > best[0]):
                best = (score, start, end)
    if best is None:
        return None
    _, start, end = best
    # "arena" alone sounds most like "elena", but the "an" before it was part of the name too.
    while end - start < longest:
        if start > 0 and (alone_before or not heard[start - 1].content) and _name_score(name, heard[start - 1 : end]):
            start -= 1
        elif end < len(heard) and (alone_after or not heard[end].content) and _name_score(name, heard[start : end + 1]):
            end += 1
        else:
            break
    return start, end


def _name_score(name: Token, span: list[Token]) -> float:
    if any(t.name for t in span):
        return 0.0  # another character's name said instead is a real error
    return sounds_like_name(name.text.replace(" ", ""), "".join(t.text.replace(" ", "") for t in span))


def _paired_whole_or_in_pieces(expected: list[Token], heard: list[Token]) -> list[Step]:
    """Pair what no equivalence explained, number runs whole or in pieces, whichever errs less.

    "four two" is one number, but heard for "for two" it is two homophones; "five past nine"
    heard as "past nine" is better told as a dropped "five" than as a different time. Pieces
    keep a cardinal or year whole (normalise._pieces), and on a tie the run stays whole, so a
    wrong number is reported whole ("nineteen eighty six" for "nineteen eighty five").
    """
    whole = _pair_leftovers(expected, heard)
    if not any(t.parts for t in (*expected, *heard)):
        return whole
    in_pieces = _align_keys(_pieces(expected), _pieces(heard))
    return in_pieces if _error_words(in_pieces) < _error_words(whole) else whole


def _pieces(tokens: list[Token]) -> list[Token]:
    return [piece for t in tokens for piece in (t.parts or (t,))]


def _error_words(steps: list[Step]) -> int:
    return sum(
        len(t.words) for s in steps if s.kind not in ("same", "equivalent") for t in (*s.expected, *s.heard)
    )


def _pair_leftovers(expected: list[Token], heard: list[Token]) -> list[Step]:
    """Pair what no equivalence explained: the most alike words become substitutions."""
    if len(expected) >= len(heard):
        chosen = _most_alike(expected, heard)
        pairs = dict(zip(chosen, range(len(heard))))
        steps: list[Step] = []
        for i, e in enumerate(expected):
            if i in pairs:
                steps.append(_pair_step(e, heard[pairs[i]]))
            else:
                steps.append(Step("equivalent" if e.optional else "missing", (e,), ()))
        return steps
    chosen = _most_alike(heard, expected)
    pairs = dict(zip(chosen, range(len(expected))))
    steps = []
    for j, h in enumerate(heard):
        if j in pairs:
            steps.append(_pair_step(expected[pairs[j]], h))
        else:
            steps.append(Step("equivalent" if h.optional else "extra", (), (h,)))
    return steps


def _pair_step(e: Token, h: Token) -> Step:
    return Step(_span_relation([e], [h]) or "substituted", (e,), (h,))


def _most_alike(longer: list[Token], shorter: list[Token]) -> tuple[int, ...]:
    """Which positions of the longer side to pair, in order, with the shorter side."""
    if not shorter:
        return ()
    if comb(len(longer), len(shorter)) > _MAX_PAIRINGS:
        return tuple(range(len(shorter)))

    def likeness(chosen: tuple[int, ...]) -> float:
        # A name heard as another name, a noun as a noun: pairing content with content reads
        # better in a correction than pairing whatever happens to share letters.
        return sum(
            fuzz.ratio(longer[i].text, s.text) + (_SAME_CLASS_BONUS if longer[i].content == s.content else 0)
            for i, s in zip(chosen, shorter)
        )

    # max() keeps the first best, i.e. the earliest positions among equals.
    return max(combinations(range(len(longer)), len(shorter)), key=likeness)

