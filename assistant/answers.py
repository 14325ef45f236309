"""What a spoken answer means: heard text -> yes, no, repeat, skip, back, stop, or None when unclear.

The rule is "never a guess": an answer counts only when every word heard belongs to the vocabulary below and
all the phrases found mean the same thing. "yeah yeah" is yes; "yes no" or "purple elephant" is unclear, and
the question is asked again. The phrases are the ones people actually say when their hands are busy.

A small-vocabulary recognizer reports only the vocabulary words it heard, so "I'm not sure" comes back from it
as "sure". `decide` therefore also takes what free dictation heard of the same audio, and accepts the answer
only when dictation heard nothing else.
"""

from __future__ import annotations

import re
from enum import Enum


class Answer(str, Enum):
    YES = "yes"
    NO = "no"
    REPEAT = "repeat"
    SKIP = "skip"
    BACK = "back"
    STOP = "stop"


#: Every phrase that counts, by meaning. Each word is in the US English pronouncing dictionary that
#: PocketSphinx ships, so both engines can hear all of them. Deliberately absent: "okay" and "done" (people
#: say them for yes and for stop alike), "I think so" (hedging is not an answer) and "I did" (PocketSphinx
#: hears it as "I didn't", never as itself). The list is kept short on purpose: PocketSphinx's grammar search
#: slows with every phrase (47 phrases decode about twice as slowly as 14), and near-duplicates ("yup"
#: beside "yep", "skip it" beside "skip") were never heard any better.
PHRASES: dict[Answer, tuple[str, ...]] = {
    Answer.YES: ("yes", "yeah", "yep", "sure", "correct", "absolutely", "definitely", "of course", "i am", "i do"),
    Answer.NO: ("no", "nope", "nah", "not yet", "not really", "not quite"),
    Answer.REPEAT: ("repeat", "again", "say again", "say that again", "come again", "pardon", "what", "one more time"),
    Answer.SKIP: ("skip", "pass", "next", "next one"),
    Answer.BACK: ("back", "go back", "previous", "last one"),
    # Not "end": dictation hears the everyday "and" as it, and a grounding session would stop on any sentence.
    Answer.STOP: ("stop", "quit", "enough", "that's enough"),
}

#: Sounds that carry no answer on their own; they neither help nor spoil one ("um, yes please").
FILLERS = frozenset({"um", "uh", "er", "hmm", "oh", "well", "please", "okay", "ok"})

_BY_WORDS: dict[tuple[str, ...], Answer] = {
    tuple(phrase.split()): answer for answer, phrases in PHRASES.items() for phrase in phrases
}
_LONGEST = max(len(words) for words in _BY_WORDS)


def vocabulary() -> list[str]:
    """The phrases a small-vocabulary recognizer should listen for.

    Fillers are left out: measured with PocketSphinx, adding them made no answer heard better and decoding
    about 60% slower."""
    return [phrase for answers in PHRASES.values() for phrase in answers]


def words_of(text: str) -> list[str]:
    # Recognizers differ in case and punctuation; "say-again" and "Say again." are the same answer.
    return re.findall(r"[a-z']+|\[unk\]|<unk>", text.lower().replace("-", " "))


def interpret(text: str) -> Answer | None:
    """The one answer `text` gives, or None when it gives none, several, or has words outside the vocabulary."""
    words = [word for word in words_of(text) if word not in FILLERS]
    found: set[Answer] = set()
    position = 0
    while position < len(words):
        for length in range(min(_LONGEST, len(words) - position), 0, -1):
            answer = _BY_WORDS.get(tuple(words[position : position + length]))
            if answer is not None:
                found.add(answer)
                position += length
                break
        else:
            return None  # a word that is no part of any answer: not sure what was meant
    return found.pop() if len(found) == 1 else None


def decide(answer_text: str, dictation_text: str | None) -> Answer | None:
    """The answer the small-vocabulary recognizer heard, if free dictation of the same audio heard nothing
    but that answer (and fillers). Dictation may spell an answer word its own way ("bank" for "back"), so
    each of its words need only sound like a word of the answer. dictation_text None: no cross-check."""
    answer = interpret(answer_text)
    if answer is None or dictation_text is None:
        return answer
    answer_words = [word for word in words_of(answer_text) if word not in FILLERS]
    for word in words_of(dictation_text):
        if word in FILLERS or any(sounds_alike(word, said) for said in answer_words):
            continue
        return None  # something else was said too: "I'm not sure", "no idea", "I don't know"
    return answer


def sounds_alike(heard: str, word: str) -> bool:
    import jellyfish

    if heard == word:
        return True
    if heard.endswith("n't") != word.endswith("n't"):
        return False  # "didn't" is close to "did" in spelling and the opposite in meaning
    if len(word) > 2 and jellyfish.metaphone(heard) == jellyfish.metaphone(word):
        return True
    return jellyfish.jaro_winkler_similarity(heard, word) >= 0.85
