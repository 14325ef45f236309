"""The line as the script writes it, with the words a verdict found dropped or changed marked on it.

A verdict names words in the line check's normal form ("have", "not" for "haven't"; "nine" for "9"); the actor
reads the script's own words. Each written word is marked when one of its normal forms is among the verdict's
dropped or changed words. Where a word comes twice ("the ... the"), the one the heard words fail to match is
marked, found by lining up the written line's words with what was heard.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

from assistant.linecheck import normalise_words


@dataclass(frozen=True)
class WrittenWord:
    text: str  # as the script writes it, punctuation and all
    mark: str | None = None  # "dropped", "changed", or None for a word said as written
    said: str = ""  # for a changed word, what was said instead


def mark_line(expected: str, heard: str, missing: Sequence[str],
              substituted: Sequence[tuple[str, str]]) -> list[WrittenWord]:
    tokens = expected.split()
    forms = [normalise_words(token) for token in tokens]
    dropped = Counter(missing)
    changed: dict[str, list[str]] = defaultdict(list)
    for want, said in substituted:
        for number, word in enumerate(want.split()):
            changed[word].append(said if number == 0 else "")
    marks: list[tuple[str | None, str]] = [(None, "")] * len(tokens)

    def take(position: int) -> None:
        for word in forms[position]:
            if changed.get(word):
                marks[position] = ("changed", changed[word].pop(0))
                return
            if dropped[word] > 0:
                dropped[word] -= 1
                marks[position] = ("dropped", "")
                return

    unmatched = _unmatched(forms, normalise_words(heard))
    for position in unmatched:
        take(position)
    for position in range(len(tokens)):
        if position not in unmatched and marks[position][0] is None:
            take(position)
    return [WrittenWord(token, mark, said) for token, (mark, said) in zip(tokens, marks)]


def _unmatched(forms: list[list[str]], heard: list[str]) -> list[int]:
    """The written words (by position) that the heard words do not line up with."""
    owner = [position for position, words in enumerate(forms) for _ in words]
    flat = [word for words in forms for word in words]
    matched = set()
    for block in SequenceMatcher(None, flat, heard, autojunk=False).get_matching_blocks():
        matched.update(owner[block.a + k] for k in range(block.size))
    return [position for position in range(len(forms)) if position not in matched]


def caret_line(words: Sequence[WrittenWord], indent: int = 0) -> str:
    """A line of ^ under each marked word of `" ".join(word.text for word in words)`, for plain terminals."""
    out = []
    for word in words:
        out.append((" " if word.mark is None else "^") * len(word.text))
    return (" " * indent + " ".join(out)).rstrip()


__all__ = ["WrittenWord", "caret_line", "mark_line"]
