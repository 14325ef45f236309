"""Turn a written line or a transcript into comparable tokens, the same way for both sides.

Order matters and is the same for the script and the recognizer:
  1. Unicode folding: accents go, curly quotes and apostrophes become "'", dashes and ellipses become spaces,
     recognizer tags like "[unk]" / "<sil>" and parenthetical directions are dropped.
  2. Numbers are spelled out ("42" -> "forty two", "$5" -> "five dollars", "3rd" -> "third").
  3. Case and punctuation go; hyphens split words ("call-back" -> "call back").
  4. Contractions expand ("I'm" -> "i am", "don't" -> "do not"). "'s" and "'d" are ambiguous, so
     they become clitic tokens that also accept their other readings (see Token).
  5. Fillers (um, uh, er, ...) are dropped.
  6. A run of number words becomes one token keyed by its value, so "nineteen ninety nine" and
     "one thousand nine hundred and ninety nine" compare equal; digits read one by one and times of day
     are keyed too, with the other readings of the same words as alternatives (numbers.py).
Compound words ("callback" / "call back") are reconciled later, in align.py, because whether to
join depends on what the other side has.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .homophones import homophone_key
from .lexicon import (
    ABBREVIATIONS,
    FILLERS,
    FUNCTION_WORDS,
    NON_POSSESSIVE_STEMS,
    SUFFIX_CONTRACTIONS,
    WHOLE_CONTRACTIONS,
)
from .numbers import read_number_run, spell_out_numbers


@dataclass(frozen=True)
class Token:
    """One unit of comparison: usually a word, sometimes a number or name spanning several."""

    text: str  # normalised word(s) as reported back, e.g. "is", "forty two"
    key: str  # what alignment compares: homophone key, number value, ...
    content: bool = True  # False for function words (lexicon.FUNCTION_WORDS)
    # Other keys the token may stand for: the "'s" in "beer's" is "is" or "has".
    alternatives: frozenset[str] = frozenset()
    # May go unheard without error: "John's" read as a possessive is heard as "john".
    optional: bool = False
    name: bool = False  # a character name from the script

    @property
    def words(self) -> list[str]:
        return self.text.split()


_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u2032\u0060\u00b4\uff07"})
_SPACERS = re.compile(r"[\u2010-\u2015\u2212\u2026]|\.{2,}|--+")  # dashes, minus, ellipses
_TAGS = re.compile(r"\[[^\]]*\]|<[^>]*>|\([^)]*\)")  # [unk], <sil>, (beat)
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\.")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_LONE_DIGITS = re.compile(r"\d+")


def normalise_words(text: str) -> list[str]:
    """The normalised words of a line: lower case, no punctuation, contractions and numbers
    spelled out, fillers dropped. "Beer's ready!" -> ["beer", "is", "ready"]."""
    return [word for token in normalise_tokens(text) for word in token.words]


def normalise_tokens(text: str) -> list[Token]:
    words: list[Token] = []
    for raw in _clean(text).split():
        words.extend(_expand(raw))
    return _group_numbers(words)


def _clean(text: str) -> str:
    # Accents go ("café" -> "cafe", "Zoë" -> "zoe"): recognizer vocabularies are plain ASCII.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _TAGS.sub(" ", text)
    text = _SPACERS.sub(" ", text)
    text = text.replace("&", " and ")
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m[1]], text)
    text = spell_out_numbers(text)
    text = _LONE_DIGITS.sub(lambda m: f" {spell_out_numbers(m[0])} ", text)  # "3d" -> "three d"
    text = text.replace("-", " ")
    # Dots inside initials ("u.s.a.") join the letters rather than split them.
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)
    return _NOT_WORD.sub(" ", text)


def _expand(raw: str) -> list[Token]:
    """One written word to its tokens: contractions expanded, fillers and stray quotes gone."""
    if raw in WHOLE_CONTRACTIONS:
        return [_word_token(w) for w in WHOLE_CONTRACTIONS[raw]]
    word = raw.strip("'")
    if not word or word in FILLERS:
        return []
    if word in WHOLE_CONTRACTIONS:
        return [_word_token(w) for w in WHOLE_CONTRACTIONS[word]]
    for suffix, expansion in SUFFIX_CONTRACTIONS.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return [*_expand(word[: -len(suffix)]), _word_token(expansion)]
    if word.endswith("'s") and len(word) > 2:
        stem = word[:-2]
        return [*_expand(stem), _clitic_s(possessive_possible=stem not in NON_POSSESSIVE_STEMS)]
    if word.endswith("'d") and len(word) > 2:
        return [*_expand(word[:-2]), _clitic_d()]
    return [_word_token(word.replace("'", ""))]


def _word_token(word: str) -> Token:
    return Token(text=word, key=homophone_key(word), content=word not in FUNCTION_WORDS)


def _clitic_s(possessive_possible: bool) -> Token:
    # Reported as "is" because that is what recognizers print for it (PocketSphinx: "beer is").
    return Token(
        text="is",
        key="is",
        content=False,
        alternatives=frozenset({"has"}),
        optional=possessive_possible,
    )


def _clitic_d() -> Token:
    # "I'd" is "I would" or "I had"; "how'd" is "how did". A modal, so content.
    return Token(text="would", key=homophone_key("would"), alternatives=frozenset({"had", "did"}))


def _group_numbers(tokens: list[Token]) -> list[Token]:
    """Merge each run of two or more number words into one token keyed by its value."""
    words = [t.text for t in tokens]
    grouped: list[Token] = []
    i = 0
    while i < len(tokens):
        run = read_number_run(words, i) if not tokens[i].alternatives else None
        if run and run.length >= 2:
            grouped.append(Token(text=" ".join(words[i : i + run.length]), key=run.key,
                                 alternatives=run.alternatives))
            i += run.length
        else:
            grouped.append(tokens[i])
            i += 1
    return grouped
