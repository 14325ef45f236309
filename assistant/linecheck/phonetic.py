"""Does a heard stretch sound like a character name the recognizer does not know?

A recognizer with no "Elena" in its vocabulary writes the nearest words it has: "a lena",
"helena", "an arena". Compare consonant skeletons instead of spellings: metaphone codes with
the leading vowel or "h" dropped (recognizers add and lose them: "a lena", "helena"), liquids
r/l and nasals m/n folded together (the classic confusions), repeats collapsed.
Used only for names from the script, and only where the alignment left the name unmatched.
"""

from __future__ import annotations

import re

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

_SKELETON_SIMILARITY = 0.6  # "elena" LN vs "an arena" NLN = 0.67; "elena" vs "did" = 0
_SPELLING_SIMILARITY = 80.0  # "helena" vs "elena" = 91: close spelling is enough on its own
_SHORT_SKELETON_SPELLING = 60.0  # one-consonant names ("ann", "eve") also need alike spelling


def consonant_skeleton(word: str) -> str:
    code = jellyfish.metaphone(word).upper()
    code = re.sub(r"^[AEIOUH]+", "", code)
    code = code.translate(str.maketrans({"R": "L", "M": "N"}))
    return re.sub(r"(.)\1+", r"\1", code)


def sounds_like_name(name: str, heard: str) -> float:
    """Similarity in 0..1 if heard (letters only, no spaces) could be name misrecognised, else 0."""
    if not name or not heard:
        return 0.0
    if heard == name:
        return 1.0
    if len(heard) > 2 * len(name) + 2:
        return 0.0  # a whole phrase, not a misheard name
    spelling = fuzz.ratio(name, heard)
    if spelling >= _SPELLING_SIMILARITY:
        return spelling / 100
    name_code, heard_code = consonant_skeleton(name), consonant_skeleton(heard)
    if not name_code or not heard_code:
        return 0.0
    if len(name_code) == 1 and spelling < _SHORT_SKELETON_SPELLING:
        return 0.0
    similarity = Levenshtein.normalized_similarity(name_code, heard_code)
    return similarity if similarity >= _SKELETON_SIMILARITY else 0.0
