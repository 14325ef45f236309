"""Telling voice commands from lines, and telling when a line has reached its last words.

There is no wake word, so a command is only taken when the actor said nothing else: a lone word, short, that
a small command vocabulary recognized, and that is not itself the line awaited. "Ask me again tomorrow"
contains "again" but is six words long, so it is a line; a line that is just "Stop!" is taken as the line.
"""

from __future__ import annotations

from typing import Sequence

import jellyfish

from assistant.linecheck import check_line, normalise_words
from assistant.session.listen import END_HEARD, NEARLY, NOT_YET

# What an actor can say for each command. Measured with PocketSphinx on a natural voice, a lone "skip" came
# back as "to get" and a lone "pause" as "pies", while "skip it" and "pause please" came through: the longer
# forms are there so every command has a way to be heard.
COMMAND_PHRASES: dict[str, str] = {
    "line": "line",
    "line please": "line",
    "again": "again",
    "one more time": "again",
    "skip": "skip",
    "skip it": "skip",
    "next line": "skip",
    "let's skip": "skip",  # Whisper hears a lone "skip" so now and then (measured on Piper's male voice)
    "back": "back",
    "go back": "back",
    "pause": "pause",
    "pause please": "pause",
    "take a break": "pause",
    "resume": "resume",
    "continue": "resume",
    "carry on": "resume",
    "keep going": "resume",
    "stop": "stop",
    "stop please": "stop",
    "that's enough": "stop",
}
COMMAND_WORDS = list(COMMAND_PHRASES)  # the command recognizer's vocabulary

# What free dictation makes of a lone command word often enough to matter (measured: "line" came back as
# "blind", "nine" and "lines", "back" as "bank").
_HEARD_AS = {"blind": "line", "lined": "line", "lines": "line", "stopped": "stop", "skipped": "skip"}

MAX_COMMAND_WORDS = max(len(phrase.split()) for phrase in COMMAND_PHRASES)


def heard_command(free_text: str, command_text: str, expected_line: str) -> str | None:
    """The command the actor gave, or None when what they said is (an attempt at) the line.

    Dictation must agree: it heard the phrase itself, or as many words as the phrase the command recognizer
    proposed (sharing one of them when there are several). "Stay with me" proposes "stop" but is three words
    to its one, so it stays a line.
    """
    free = normalise_words(free_text)
    # "skip, skip" is a skip (Whisper also doubles a lone word now and then: "skip. skip.").
    free = [word for i, word in enumerate(free) if i == 0 or word != free[i - 1]]
    if not free or len(free) > MAX_COMMAND_WORDS:
        return None
    if expected_line and check_line(expected_line, free_text, "strict").ok:
        return None
    said = " ".join(_HEARD_AS.get(word, word) for word in free)
    if said in _PHRASES_NORMALISED:
        return _PHRASES_NORMALISED[said]
    proposed = " ".join(normalise_words(command_text))
    if proposed not in _PHRASES_NORMALISED:
        return None
    phrase = proposed.split()
    if len(phrase) == len(free) and (len(free) == 1 or set(phrase) & set(free)):
        return _PHRASES_NORMALISED[proposed]
    return None


_PHRASES_NORMALISED = {" ".join(normalise_words(phrase)): name for phrase, name in COMMAND_PHRASES.items()}


def covers_ending(expected: Sequence[str], heard: Sequence[str]) -> int:
    """How far the running transcript has reached towards the line's end (loosely: recognizers slip and lag).

    END_HEARD when the last two words are there, in order, among the last few heard, or the last word is the
    last heard with as many words as the line bar one; NEARLY when it has
    reached the word before the last and holds as many words as the line bar one, because a running
    transcript names the final word a few hundred milliseconds after it was said (measured on PocketSphinx).
    Enough of the line must have been heard either way: a line whose ending words also occur early on
    must not end at the first of them.
    """
    if not expected or not heard:
        return NOT_YET
    if len(heard) < max(1, len(expected) - 1) or len(heard) < 0.6 * len(expected):
        return NOT_YET
    if (len(expected) >= 3 or len(heard) >= len(expected) >= 2) and _sounds_alike(expected[-1], heard[-1]):
        # The last word, with all but one of the others: a slip just before it ("make easier" for "make it
        # easier") does not make the actor wait for the long silence. In a two-word line, with a word before
        # it ("Kitchen retirement." for "Screw retirement.").
        return END_HEARD
    tail = list(expected[-2:])
    window = list(heard[-(len(tail) + 2) :])
    position = 0
    for word in tail:
        while position < len(window) and not _sounds_alike(word, window[position]):
            position += 1
        if position == len(window):
            break
        position += 1
    else:
        return END_HEARD
    if len(expected) >= 2 and len(heard) >= len(expected) and _sounds_alike(expected[-2], heard[-2]):
        # The word before the last, then another word where the last belongs: the actor ended on a word of
        # their own ("...be there by window" for "...by nine", "To doctor." for "To retirement."). Waiting for
        # the long silence only delayed the correction: with one core busy, these were the slowest corrections
        # (1.6 s from the line's end, p95, bench_turns.py --actor-mistakes 1.0 --busy), all ended by the long
        # silence. A one-word line is not ended so: a lone word may be a command, heard as one.
        return END_HEARD
    if len(expected) >= 3 and _sounds_alike(expected[-2], heard[-1]):
        return NEARLY
    return NOT_YET


def _sounds_alike(expected: str, heard: str) -> bool:
    if expected == heard:
        return True
    if len(expected) > 2 and jellyfish.metaphone(expected) == jellyfish.metaphone(heard):
        return True
    return jellyfish.jaro_winkler_similarity(expected, heard) >= 0.88
