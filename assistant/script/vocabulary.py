"""The words of a script a recognizer should be told of in advance: its names and its rare words.

Whisper writes a word it has seldom seen as a common one ("Theo" was "to you"; "Whittemore" and "Phil", names
no cast list held, were heard as other words in real recordings). Told of them as hotwords, it writes them.
Only names and words an actor cannot say by mistake in another line's place are given: a common word given
in advance would tilt the hearing toward the script, and the script is what a wrong line is judged against.
So the hints are the script's proper nouns (a capitalised word inside a sentence, from dialogue and
directions alike, since a place or a person named only in the action still comes up) that are not days or
months, and, chosen by the Whisper engine with its own tokenizer, words it splits into many pieces
(whisper_engine.RARE_TOKENS): those it has seen too seldom to write unprompted.
"""

from __future__ import annotations

import re
from typing import Iterable

#: Capitalised everywhere, and common: no help to a recognizer, and a tilt toward the script.
_COMMON_CAPITALISED = frozenset(
    "i i'm i'll i'd i've monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december mr mrs ms dr god ok okay".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def proper_nouns(texts: Iterable[str]) -> tuple[str, ...]:
    """Capitalised words inside sentences (not the first word), in order of first appearance."""
    found: dict[str, None] = {}
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            for word in _WORD.findall(sentence)[1:]:
                if word[0].isupper() and not word.isupper() and word.lower() not in _COMMON_CAPITALISED:
                    found.setdefault(word.strip("'\u2019-"), None)
    return tuple(found)


def script_words(texts: Iterable[str]) -> tuple[str, ...]:
    """Every distinct word of the script, lower case, for the engine to choose its rare ones from."""
    found: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text):
            found.setdefault(word.lower().strip("'\u2019-"), None)
    return tuple(found)


def hint_words(script) -> tuple[str, ...]:
    """The script's proper nouns, then the rest of its words (the Whisper engine keeps the rare ones)."""
    texts = [text for line in script.lines for text in (line.text, line.direction) if text]
    nouns = proper_nouns(texts)
    lowered = {noun.lower() for noun in nouns}
    return nouns + tuple(word for word in script_words(texts) if word not in lowered)
