"""Word lists that decide how a line is read: fillers, contractions, function words.

Data only, so the rules in judge.py can be read without wading through vocabulary.
"""

from __future__ import annotations

# Hesitation noises. Dropped on both sides: an actor's "um" is not a wrong word,
# and recognizers emit them for breaths and clicks.
FILLERS: frozenset[str] = frozenset(
    {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "err", "ah", "ahh", "hmm", "hm", "hmmm", "mm", "mmm", "mhm"}
)

# Whole-word contractions whose expansion is not "stem + suffix".
WHOLE_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "won't": ("will", "not"),
    "wont": ("will", "not"),
    "can't": ("can", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("aint",),  # is/am/are/has not: too ambiguous to expand, so keep it a word of its own
    "let's": ("let", "us"),
    "'tis": ("it", "is"),
    "'twas": ("it", "was"),
    "y'all": ("you", "all"),
    "o'clock": ("oclock",),
    "ma'am": ("maam",),
    "'em": ("them",),
    "'cause": ("because",),
    "'til": ("till",),
    "'bout": ("about",),
    "'gainst": ("against",),
    "c'mon": ("come", "on"),
    "'n'": ("and",),
    "o'": ("of",),
    "e'er": ("ever",),
    "ne'er": ("never",),
    "o'er": ("over",),
    # Informal spellings a recognizer (or a script) may use for the full forms.
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "kinda": ("kind", "of"),
    "sorta": ("sort", "of"),
    "lemme": ("let", "me"),
    "gimme": ("give", "me"),
    "dunno": ("do", "not", "know"),
    # Apostrophe-less spellings that are not also ordinary words ("were", "well", "its", "ill" are).
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "youre": ("you", "are"),
    "youve": ("you", "have"),
    "youll": ("you", "will"),
    "theyre": ("they", "are"),
    "theyve": ("they", "have"),
    "theyll": ("they", "will"),
    "weve": ("we", "have"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "havent": ("have", "not"),
    "hasnt": ("has", "not"),
    "hadnt": ("had", "not"),
    "wouldnt": ("would", "not"),
    "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"),
    "mustnt": ("must", "not"),
    "neednt": ("need", "not"),
    "shouldve": ("should", "have"),
    "couldve": ("could", "have"),
    "wouldve": ("would", "have"),
}

# Suffix contractions with a single reading. "'s" and "'d" are ambiguous and are handled
# as clitics in normalise.py.
SUFFIX_CONTRACTIONS: dict[str, str] = {
    "n't": "not",
    "'re": "are",
    "'ve": "have",
    "'ll": "will",
    "'m": "am",
}

# Stems whose "'s" can only be "is"/"has", never a possessive, so the "'s" may not silently vanish.
NON_POSSESSIVE_STEMS: frozenset[str] = frozenset(
    {"he", "she", "it", "that", "what", "where", "who", "how", "there", "here", "this", "when", "why"}
)

# Abbreviations a script writes and a recognizer spells out.
ABBREVIATIONS: dict[str, str] = {"mr": "mister", "mrs": "missus", "ms": "miz", "dr": "doctor"}

# Function words: grammar rather than meaning, and exactly the short, unstressed words recognizers
# drop or blur. Deliberately NOT a generic stop-word list: pronouns, negations, modals, wh-words,
# past-tense auxiliaries (was/were/had/did) and quantifiers are content for an actor, because
# changing them changes what the character says ("you" -> "she", "is" -> "was", "can" -> "can't").
FUNCTION_WORDS: frozenset[str] = frozenset(
    {
        # articles
        "a", "an", "the",
        # prepositions and the infinitive marker
        "of", "to", "in", "on", "at", "by", "for", "from", "with", "into", "onto", "upon", "as",
        # linking words
        "and", "that",
        # present-tense auxiliaries and copula (their past forms are content: tense is meaning)
        "is", "are", "am", "be", "been", "being", "have", "has", "do", "does",
    }
)  # fmt: skip

# Function words that share one unstressed pronunciation, so a recognizer cannot tell them apart
# ("bread 'n' butter", "cup o' tea", "could've"). Pairs within one group are near-misses.
WEAK_FORM_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"an", "and", "in"}),
    frozenset({"a", "of"}),
    frozenset({"of", "have"}),
)
