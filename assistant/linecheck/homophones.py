"""Words a recognizer cannot tell apart because they sound the same.

An actor who says "cues" has said "queues" too; only spelling separates them. Every word is
given a key shared by all its homophones, and alignment compares keys. Only true homophones in
common accents belong here: near-rhymes ("woods"/"words") do not, because they are real errors.
"""

from __future__ import annotations

from functools import lru_cache

# Each group sounds alike. Groups that share a word are merged, so the key is transitive.
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("cues", "queues", "qs"), ("cue", "queue", "q"),
    ("there", "their"), ("to", "too", "two"), ("for", "four", "fore"),
    ("right", "write", "rite", "wright"), ("new", "knew", "gnu"), ("here", "hear"),
    ("no", "know"), ("knows", "nose", "noes"), ("whole", "hole"), ("hour", "our"),
    ("one", "won"), ("son", "sun"), ("by", "buy", "bye"), ("where", "wear", "ware"),
    ("weather", "whether"), ("which", "witch"), ("road", "rode", "rowed"), ("see", "sea", "c"),
    ("meet", "meat"), ("peace", "piece"), ("plain", "plane"), ("break", "brake"),
    ("tail", "tale"), ("sail", "sale"), ("weak", "week"), ("wait", "weight"),
    ("way", "weigh", "whey"), ("ways", "weighs"), ("made", "maid"), ("mail", "male"),
    ("pair", "pear", "pare"), ("flour", "flower"), ("dear", "deer"), ("bare", "bear"),
    ("be", "bee", "b"), ("i", "eye", "aye"), ("ate", "eight"), ("not", "knot"),
    ("night", "knight"), ("through", "threw", "thru"), ("blew", "blue"), ("read", "reed"),
    ("lead", "led"), ("passed", "past"), ("allowed", "aloud"),
    ("would", "wood"), ("war", "wore"), ("hi", "high"), ("so", "sew", "sow"),
    ("sent", "scent", "cent"), ("seen", "scene"), ("sight", "site", "cite"), ("steal", "steel"),
    ("stair", "stare"), ("stairs", "stares"), ("toe", "tow"), ("wine", "whine"),
    ("heal", "heel"), ("aisle", "isle"), ("due", "dew"), ("morning", "mourning"),
    ("missed", "mist"), ("guessed", "guest"), ("heard", "herd"), ("higher", "hire"),
    ("hours", "ours"), ("idle", "idol"), ("lone", "loan"), ("medal", "meddle"),
    ("principal", "principle"), ("rain", "reign", "rein"), ("role", "roll"), ("sole", "soul"),
    ("suite", "sweet"), ("tied", "tide"), ("vain", "vein", "vane"), ("waist", "waste"),
    ("whole", "hole"), ("wrap", "rap"), ("ring", "wring"), ("rote", "wrote"), ("yoke", "yolk"),
    ("board", "bored"), ("cell", "sell"), ("cheap", "cheep"), ("chews", "choose"),
    ("course", "coarse"), ("fair", "fare"), ("find", "fined"), ("flew", "flu", "flue"),
    ("foul", "fowl"), ("great", "grate"), ("groan", "grown"), ("hair", "hare"), ("hall", "haul"),
    ("air", "heir"), ("him", "hymn"), ("hey", "hay"), ("horse", "hoarse"), ("genes", "jeans"),
    ("lane", "lain"), ("leak", "leek"), ("miner", "minor"), ("none", "nun"), ("or", "oar", "ore"),
    ("owed", "ode"), ("pale", "pail"), ("pain", "pane"), ("patience", "patients"),
    ("pause", "paws"), ("peak", "peek", "pique"), ("pole", "poll"), ("pray", "prey"),
    ("prophet", "profit"), ("raise", "rays", "raze"), ("real", "reel"), ("seas", "sees", "seize"),
    ("some", "sum"), ("steak", "stake"), ("tea", "tee", "t"), ("throne", "thrown"),
    ("time", "thyme"), ("very", "vary"), ("whale", "wail"), ("worn", "warn"),
    ("world", "whirled"), ("you", "ewe", "yew", "u"), ("your", "yore"), ("berry", "bury"),
    ("altar", "alter"), ("band", "banned"), ("build", "billed"), ("cereal", "serial"),
    ("chord", "cord"), ("council", "counsel"), ("creak", "creek"), ("dual", "duel"),
    ("feat", "feet"), ("flea", "flee"), ("gate", "gait"), ("guilt", "gilt"), ("holy", "wholly"),
    ("need", "knead"), ("lessen", "lesson"), ("might", "mite"), ("naval", "navel"),
    ("plum", "plumb"), ("sighs", "size"), ("soar", "sore"), ("style", "stile"),
    ("straight", "strait"), ("tax", "tacks"), ("tire", "tyre"), ("told", "tolled"),
    ("vial", "vile"), ("oh", "o", "owe"), ("why", "y"), ("are", "r"), ("okay", "ok"), ("alright", "allright"),
    ("in", "inn"), ("till", "til"), ("theatre", "theater"),
    ("colour", "color"), ("grey", "gray"), ("favourite", "favorite"), ("mum", "mom"),
)  # fmt: skip

# A single word that sounds like an expanded contraction: a recognizer hears "you're" as
# "your", and "you're" is "you are" once normalised. Matched against spans of the other side.
PHRASE_HOMOPHONES: dict[tuple[str, ...], str] = {
    ("you", "are"): "your",
    ("they", "are"): "there",
    ("we", "are"): "were",
    ("we", "have"): "weave",
    ("who", "is"): "whose",
    ("who", "has"): "whose",
    ("we", "would"): "weed",
    ("he", "will"): "heal",
    ("i", "will"): "aisle",
    ("let", "us"): "lets",
    ("you", "will"): "yule",
}


def _build_keys() -> dict[str, str]:
    # Union-find over the groups so that overlapping groups share one key.
    parent: dict[str, str] = {}

    def root(word: str) -> str:
        while parent.setdefault(word, word) != word:
            word = parent[word]
        return word

    for group in _GROUPS:
        first = root(group[0])
        for word in group[1:]:
            other = root(word)
            if other != first:
                parent[other] = first
    return {word: root(word) for word in parent}


_KEYS = _build_keys()


@lru_cache(maxsize=4096)
def homophone_key(word: str) -> str:
    """The shared key of a word's homophone group, or the word itself."""
    return _KEYS.get(word, word)


def phrase_homophone_key(words: tuple[str, ...]) -> str | None:
    """The key of the single word that sounds like this phrase, if there is one."""
    single = PHRASE_HOMOPHONES.get(words)
    return homophone_key(single) if single else None
