"""How many syllables a line has, from its text: the numerator of the articulation rate.

Counted from the script rather than heard, because the count must not change between two takes of the same
line: a rate compares durations, and a syllable detector's miscounts (measured elsewhere at 10-20 % on
continuous speech) would be noise of the very size the tempo threshold has to see through.

Each word's first pronunciation in the CMU Pronouncing Dictionary (the copy PocketSphinx ships) gives one
syllable per vowel phone. A word the dictionary lacks (a character's name, a coinage) falls back to a
spelling rule: vowel groups, less a silent final "e", at least one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.linecheck.numbers import spell_out_numbers

#: ARPAbet vowels; PocketSphinx's copy of CMUdict carries no stress digits.
VOWEL_PHONES = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})

_DIRECTION = re.compile(r"\([^)]*\)|\[[^\]]*\]")  # "(taking it)": a stage direction is not said
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_VOWEL_GROUP = re.compile(r"[aeiou]+|y(?![aeiou])")  # "y" before a vowel is a consonant: "maya", "yes"
_HIATUS = re.compile(r"(?<=e)(?=o)|(?<=i)(?=[aou])|(?<=u)(?=o)")  # vowels said apart: "theo", "mia", "duo"


def count_syllables(text: str) -> int:
    """Syllables in a line as it is said: numbers spelled out, stage directions left out."""
    said = spell_out_numbers(_DIRECTION.sub(" ", text)).lower().replace("’", "'")
    return sum(word_syllables(word) for word in _WORD.findall(said))


@lru_cache(maxsize=4096)
def word_syllables(word: str) -> int:
    phones = _dictionary().get(word.lower())
    if phones is not None:
        return sum(1 for phone in phones if phone in VOWEL_PHONES)
    return spelled_syllables(word)


def spelled_syllables(word: str) -> int:
    """The spelling rule for words the dictionary lacks: 'theo' 2, 'maya' 2, 'kate' 1, 'elena' 3."""
    word = word.lower().replace("'", "")
    groups = len(_VOWEL_GROUP.findall(_HIATUS.sub("-", word)))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # the silent e of "kate", "theme"; not the syllabic "-le" of "table"
    return max(1, groups)


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[str, ...]]:
    """word -> its first pronunciation. Reading the 135,000 entries takes about 0.2 s, once per process."""
    path = _dictionary_path()
    if path is None:
        return {}
    entries: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            word, _, phones = line.strip().partition(" ")
            if word and "(" not in word:  # "again(2)": the alternates agree on the syllable count, mostly
                entries.setdefault(word, tuple(phones.split()))
    return entries


def _dictionary_path() -> Path | None:
    try:
        import pocketsphinx
    except ImportError:
        return None  # the spelling rule alone is within a syllable or two on a typical line
    path = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    return path if path.is_file() else None
