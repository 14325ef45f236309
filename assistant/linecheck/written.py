"""Words as the script writes them.

The line check compares normalised words ("haven't" is "have not", "9:30" is "nine thirty"), and what it
reports (the missing words, a slip's words) is in that form. An actor told "you dropped 'have not'" for
"haven't", or shown "do, not" as the words they drop most, has to translate back to their script; these
functions do it for them, by finding which written words of the line the normalised words came from.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Sequence

from .normalise import normalise_words

# A written word: what lies between spaces and dashes, as the script spells it. Punctuation around it goes
# ("it." -> "it"), the apostrophes and hyphens inside it stay.
_SPLIT = re.compile(r"[\s\u2010-\u2015\u2026]+|--+|\.{3,}")
_EDGES = "\"'“”‘’«»()[]{}.,;:!?*_"


def as_written(text: str, words: Sequence[str]) -> list[str]:
    """The normalised `words` (in line order) as `text` writes them, in line order:
    as_written("I haven't seen it.", ["have", "not"]) is ["haven't"]. Only a whole written word is given back:
    of "haven't", a lone "not" stays "not" (the actor said "have"; "you dropped 'haven't'" would be wrong).
    A word found nowhere in the line is kept as it is given (a heard word that is not in the line still reads)."""
    pieces = [piece.strip(_EDGES) for piece in _SPLIT.split(text)]
    flat = [(word, index) for index, piece in enumerate(pieces) for word in normalise_words(piece)]
    found: list[tuple[int | None, str]] = []  # (the written word it came from, the word)
    position = 0
    for word in words:
        at = next((i for i in range(position, len(flat)) if flat[i][0] == word), None)
        if at is not None:
            position = at + 1
        found.append((None if at is None else flat[at][1], word))
    written: list[str] = []
    for index, group in groupby(found, key=lambda item: item[0]):
        said = [word for _, word in group]
        if index is not None and normalise_words(pieces[index]) == said:
            written.append(pieces[index])
        else:
            written += said
    return written


def written_phrase(text: str, phrase: str) -> str:
    """A run of normalised words ("have not") as the line writes it ("haven't"); "" stays ""."""
    return " ".join(as_written(text, phrase.split()))
