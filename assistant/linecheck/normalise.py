"""Turn a written line or a transcript into comparable tokens, the same way for both sides.

Order matters and is the same for the script and the recognizer:
  1. Unicode folding: accents go, curly quotes and apostrophes become "'", dashes and ellipses become spaces,
     recognizer tags like "[unk]" / "<sil>" and parenthetical directions are dropped.
  2. Written numbers are spelled out ("42" -> "forty two", "$5" -> "five dollars", "3rd" ->
     "third"). One said a single way becomes plain words; one said several ways ("1985": a
     year, a cardinal, digits one by one; "9:30": "nine thirty", "half past nine") becomes one
     token keyed by what it means, that remembers how it may be said (numbers.py).
  3. Case and punctuation go; hyphens split words ("call-back" -> "call back").
  4. Contractions expand ("I'm" -> "i am", "don't" -> "do not"). "'s" and "'d" are ambiguous, so
     they become clitic tokens that also accept their other readings (see Token).
  5. Fillers (um, uh, er, ...) are dropped.
  6. A run of number words becomes one token keyed by what it means (spoken_numbers.py), so
     "nineteen ninety nine" and "one thousand nine hundred and ninety nine" compare equal, and
     "one nine nine nine" meets "1999" on its digits. The run keeps its words, for align.py to
     fall back on where the number as a whole matches nothing ("four two" heard for "for two").
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
from .numbers import WrittenNumber, spell_out_numbers, written_numbers
from .spoken_numbers import keys_of, kind, preferred_key, read_number_run


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
    # A written number said several ways: those ways, the usual one (= text) first.
    said: tuple[str, ...] = ()
    # A run of number words: the pieces it may be compared by instead, see _pieces.
    parts: tuple[Token, ...] = ()

    @property
    def number(self) -> bool:
        return self.key.startswith("#")  # keys of numbers are "#..." (spoken_numbers.py)

    @property
    def words(self) -> list[str]:
        return self.text.split()


_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u2032\u0060\u00b4\uff07"})
_SPACERS = re.compile(r"[\u2010-\u2015\u2212\u2026]|\.{2,}|--+")  # dashes, minus, ellipses
# [unk], <sil>, (beat); not the area code of "(555) 012-3456".
_TAGS = re.compile(r"\[[^\]]*\]|<[^>]*>|\((?!\d{3}\))[^)]*\)")
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\.")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_LONE_DIGITS = re.compile(r"\d+")


def normalise_words(text: str) -> list[str]:
    """The normalised words of a line: lower case, no punctuation, contractions and numbers
    spelled out, fillers dropped. "Beer's ready!" -> ["beer", "is", "ready"]."""
    return [word for token in normalise_tokens(text) for word in token.words]


def normalise_tokens(text: str) -> list[Token]:
    text = _fold(text)
    tokens: list[Token] = []
    last = 0
    for number in written_numbers(text):
        tokens += _word_tokens(text[last : number.start])
        tokens += _number_tokens(number)
        last = number.end
    tokens += _word_tokens(text[last:])
    return _group_numbers(tokens)


def _fold(text: str) -> str:
    # Accents go ("café" -> "cafe", "Zoë" -> "zoe"): recognizer vocabularies are plain ASCII.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _TAGS.sub(" ", text)
    text = _SPACERS.sub(" ", text)
    text = text.replace("&", " and ")
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m[1]], text)


def _word_tokens(text: str) -> list[Token]:
    """Tokens of text with no written number in it (digits stuck to letters aside: "3d")."""
    text = _LONE_DIGITS.sub(lambda m: f" {spell_out_numbers(m[0])} ", text)  # "3d" -> "three d"
    text = text.replace("-", " ")
    # Dots inside initials ("u.s.a.") join the letters rather than split them.
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)
    return [token for raw in _NOT_WORD.sub(" ", text).split() for token in _expand(raw)]


def _number_tokens(number: WrittenNumber) -> list[Token]:
    """A written number said one way is plain words, read with the words around it like any
    spoken number ("5 o'clock"); one said several ways is one token with every meaning."""
    if len(number.said) == 1:
        return _word_tokens(f"{number.said[0]} {number.after}")
    keys: set[str] = set()
    for said in number.said:
        words = tuple(said.split())
        keys |= {key for key in keys_of(words) if kind(key) in number.kinds}
        if len(words) == 1:  # "10:00" is also just "ten"
            keys.add(homophone_key(words[0]))
    default = [key for key in keys_of(tuple(number.said[0].split())) if key in keys]
    token = Token(
        text=number.said[0],
        key=preferred_key(frozenset(default or keys)),
        alternatives=frozenset(keys),
        said=number.said,
    )
    return [token, *_word_tokens(number.after)]


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
    """Merge each run of two or more number words into one token keyed by what it means."""
    # Only plain words make up a run: a clitic or a written number ends it.
    words = [t.text if not (t.alternatives or t.number) else "" for t in tokens]
    grouped: list[Token] = []
    i = 0
    while i < len(tokens):
        run = read_number_run(words, i) if words[i] else None
        if run and run.length >= 2:
            text = " ".join(words[i : i + run.length])
            parts = _pieces(tokens[i : i + run.length])
            grouped.append(Token(text=text, key=run.key, alternatives=run.keys, parts=parts))
            i += run.length
        else:
            grouped.append(tokens[i])
            i += 1
    return grouped


def _pieces(run: list[Token]) -> tuple[Token, ...]:
    """A run of number words as align.py compares it when the run as a whole matches nothing:
    its words, except that a cardinal or year stays one piece. A word standing alone may be a
    homophone ("four two" heard for "for two"); "twenty two" is a number, never "twenty to"."""
    words = [t.text for t in run]
    pieces: list[Token] = []
    i = 0
    while i < len(run):
        value = read_number_run(words, i, values_only=True)
        if value and value.length >= 2:
            text = " ".join(words[i : i + value.length])
            pieces.append(Token(text=text, key=value.key, alternatives=keys_of(tuple(text.split()))))
            i += value.length
        else:
            pieces.append(run[i])
            i += 1
    return tuple(pieces)
