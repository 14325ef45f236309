"""What the actor's turn was: a command, or an attempt at the line and its verdict, decided by the best
hearing available.

The streaming hearing's verdict stands when its best reading is the line word for word, so a right line never
waits. Anything else (a slip, a miss, a line found only lower in its n-best list), and every short utterance
the streaming hearing would take for a command, is heard again by the strong hearing (Whisper) before anything
is said, and the verdict on its evidence is final (assistant/verdict.py says how it is made).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assistant.linecheck import Strictness, Verdict, normalise_words
from assistant.session.commands import heard_command
from assistant.session.listen import Utterance
from assistant.speech.hearing import Ear
from assistant.speech.whisper_engine import Judged
from assistant.verdict import judge_reading, judge_strong

#: What a second hearing is told to expect from a short utterance: the command words (never the line).
COMMAND_PROMPT = ("line", "again", "skip", "back", "pause", "resume", "stop")
#: Speech shorter than this may be a command, and is heard with COMMAND_PROMPT.
COMMAND_SECONDS = 1.5


@dataclass(frozen=True)
class Turn:
    """What the actor's turn was: a command, or an attempt at the line and its verdict."""

    command: str | None
    verdict: Verdict | None
    hearing: str  # the hearing that decided
    second: Judged | None = None  # the strong hearing's reading, when it was asked


def judge_turn(heard: Utterance, expected: str, ear: Ear, strictness: Strictness = "default",
               names: Sequence[str] = ()) -> Turn:
    """The streaming hearing decides when it hears the line word for word or a sure command; anything else (a
    slip, a miss, a lone word that may be a command) is heard again by the strong hearing, which is final."""
    live = ear.live.name
    if heard.timed_out:
        return Turn("line", None, live)
    command = heard_command(heard.text, heard.cross_checked, expected)
    if command is None:
        final = not can_hear_again(heard, ear)
        verdict = judge_reading(expected, heard.text, heard.alternatives, strictness, names, final)
        if verdict.word_perfect or final:
            return Turn(None, verdict, live)
    elif sure_command(heard) or not can_hear_again(heard, ear):
        return Turn(command, None, live)
    judged = second_hearing(heard, expected, ear)
    command = heard_command(judged.text, "", expected)
    if command is not None:
        return Turn(command, None, ear.strong.name, judged)
    verdict = judge_strong(expected, judged, ear.strong.second_opinion(judged), strictness, names)
    return Turn(None, verdict, ear.strong.name, judged)


def can_hear_again(heard: Utterance, ear: Ear) -> bool:
    return heard.audio is not None and ear.strong is not None and ear.strong.available()


def second_hearing(heard: Utterance, expected: str, ear: Ear) -> Judged:
    if heard.early is not None:
        return heard.early.result()
    return ear.strong.judge(heard.audio, expected, hints_for(ear, heard.speech_seconds))


def hints_for(ear: Ear, speech_seconds: float):
    return ear.hints(COMMAND_PROMPT if speech_seconds <= COMMAND_SECONDS else ())


def sure_command(heard: Utterance) -> bool:
    """A command of two words or more that dictation heard word for word ("take a break") needs no second
    hearing; a lone word ("skip" -> "to get", "no" -> "now") does."""
    words = normalise_words(heard.text)
    return len(words) >= 2 and words == normalise_words(heard.cross_checked)
