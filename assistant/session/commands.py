"""Telling voice commands from lines, and telling when a line has reached its last words.

There is no wake word, so a command is only taken when the actor said nothing else: a lone word, short, that
a small command vocabulary recognized, and that is not itself the line awaited. "Ask me again tomorrow"
contains "again" but is six words long, so it is a line; a line that is just "Stop!" is taken as the line.
"""

from __future__ import annotations

from typing import Sequence

import jellyfish

from assistant.linecheck import check_line, normalise_words

COMMAND_WORDS = ["line", "again", "skip", "back", "pause", "resume", "stop"]

# What free dictation makes of a lone command word often enough to matter (measured on PocketSphinx with
# a neural voice: "line" came back as "blind").
_HEARD_AS = {"blind": "line", "lined": "line", "lines": "line", "stopped": "stop", "skipped": "skip"}

# A command is one word; dictation sometimes splits it or adds a breath, never more than this.
_MAX_COMMAND_WORDS = 2


def heard_command(free_text: str, command_text: str, expected_line: str) -> str | None:
    """The command the actor gave, or None when what they said is (an attempt at) the line."""
    free = normalise_words(free_text)
    if not free or len(free) > _MAX_COMMAND_WORDS:
        return None
    if expected_line and check_line(expected_line, free_text, "strict").ok:
        return None
    candidates = [word for word in normalise_words(command_text) if word in COMMAND_WORDS]
    spoken = [_HEARD_AS.get(word, word) for word in free if _HEARD_AS.get(word, word) in COMMAND_WORDS]
    if spoken:
        return spoken[-1]
    if len(free) == 1 and len(candidates) == 1:
        return candidates[0]
    return None


def covers_ending(expected: Sequence[str], heard: Sequence[str]) -> bool:
    """True once the running transcript has reached the line's last words (loosely: recognizers slip).

    The last two words must both appear, in order, among the last few heard words, and enough of the line
    must have been heard: a line whose ending words also occur early on must not end at the first of them.
    """
    if not expected or not heard:
        return False
    if len(heard) < 0.6 * len(expected):
        return False
    tail = list(expected[-2:])
    window = list(heard[-(len(tail) + 2) :])
    position = 0
    for word in tail:
        while position < len(window) and not _sounds_alike(word, window[position]):
            position += 1
        if position == len(window):
            return False
        position += 1
    return True


def _sounds_alike(expected: str, heard: str) -> bool:
    if expected == heard:
        return True
    if len(expected) > 2 and jellyfish.metaphone(expected) == jellyfish.metaphone(heard):
        return True
    return jellyfish.jaro_winkler_similarity(expected, heard) >= 0.88
