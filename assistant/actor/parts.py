"""What the virtual actor says when a session listens: its lines in a run (some wrong on purpose, now and then
a command), its answers to the checklist, and when to ask grounding to stop. Each part reads the typed
`ListenStart` that says what callback is listening for."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Callable

from assistant.actor.delivery import OBEY, Delivery
from assistant.events import ListenStart
from assistant.linecheck.lexicon import FUNCTION_WORDS



@dataclass(frozen=True)
class Spoken:
    """What to say, and how: a delivery of the line (a director's note obeyed, or ignored)."""

    text: str
    delivery: Delivery


#: What the actor says when callback listens (words, or words and a way of saying them), or None for silence.
Part = Callable[[ListenStart], "str | Spoken | None"]

# Words an actor might swap in by mistake: ordinary, and unlike anything in a typical line.
_SWAPS = ["window", "money", "yesterday", "garden", "morning", "letter", "river", "doctor", "kitchen", "summer"]
# Words a slip must not be made of: the line check's function words (dropping one is forgiven in a long
# line, so it would not be a slip at all), and the pronouns an actor rarely drops.
_SMALL_WORDS = FUNCTION_WORDS | {"i", "you", "it"}


def make_mistake(text: str, rng: random.Random) -> str:
    """The line with one content word dropped or swapped: the slips a rehearsal is there to catch."""
    words = text.split()
    content = [i for i, word in enumerate(words) if _bare(word) not in _SMALL_WORDS and len(_bare(word)) > 2]
    if not content:
        content = list(range(len(words)))
    index = rng.choice(content)
    if len(words) > 2 and rng.random() < 0.5:
        trailing = re.sub(r"^[\w'’-]+", "", words[index])
        del words[index]
        if trailing and index > 0:
            words[index - 1] += trailing
    else:
        choices = [swap for swap in _SWAPS if swap not in text.lower()]
        words[index] = re.sub(r"^[\w'’-]+", rng.choice(choices), words[index])
    return " ".join(words)


def _bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


#: What the virtual actor answers when asked who reads a part (session/casting_question.py): a man.
CASTING_ANSWER = "Yes."


def answers_casting(event: ListenStart) -> bool:
    return event.purpose == "answer" and event.question == "casting"


@dataclass
class ScenePart:
    """The virtual actor's part in a run, decided by a seeded coin so every run can be replayed."""

    mistakes: float = 0.0  # share of lines said wrong the first time
    use_commands: bool = False  # now and then ask for the line, or pause and resume
    seed: int = 0
    stubborn: bool = False  # ignore directors' notes: deliver the line the same way again
    said: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, text) for tests and reports
    _rng: random.Random = field(init=False)
    _asked: set[tuple[int, str]] = field(default_factory=set, init=False)
    _wrong: set[int] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def __call__(self, event: ListenStart) -> str | Spoken | None:
        if answers_casting(event):
            return self._say(0, "answer", CASTING_ANSWER)
        if event.purpose == "resume":
            return self._say(0, "command", "Carry on.")
        if event.purpose == "rating":
            return self._say(event.line or 0, "rating", self._rng.choice(["Three.", "Four.", "Four.", "Five."]))
        number, expected = event.line, event.expected
        if number is None or not expected:
            return None
        if event.redirection is not None:
            return self.take_note(number, expected, event.measure, event.direction)
        attempt = event.attempt
        if self.use_commands and attempt == 1 and (number, "asked") not in self._asked:
            self._asked.add((number, "asked"))
            roll = self._rng.random()
            if roll < 0.2:
                return self._say(number, "command", "Line, please.")
            if roll < 0.3:
                self._asked.add((number, "paused"))
                return self._say(number, "command", "Take a break.")
        if attempt == 1 and number not in self._wrong and self._rng.random() < self.mistakes:
            self._wrong.add(number)
            return self._say(number, "mistake", make_mistake(expected, self._rng))
        return self._say(number, "line", expected)

    def take_note(self, number: int, text: str, measure: str | None, direction: int) -> Spoken:
        """The line again after a note: changed as the note asks (when it can be measured), unless stubborn."""
        obeyed = not self.stubborn and measure is not None
        self._say(number, "obeyed" if obeyed else "same again", text)
        return Spoken(text, OBEY[(measure, direction)] if obeyed else Delivery())

    def _say(self, number: int, kind: str, text: str) -> str:
        self.said.append((number, kind, text))
        return text


@dataclass
class AnswerPart:
    """The virtual actor's part in a checklist: the next scripted answer each time callback listens.
    Once the answers run out it says nothing, like an actor who has walked off."""

    answers: list[str | None]
    said: list[str | None] = field(default_factory=list)

    def __call__(self, event: ListenStart) -> str | None:
        if len(self.said) >= len(self.answers):
            return None
        answer = self.answers[len(self.said)]
        self.said.append(answer)
        return answer


@dataclass
class StopPart:
    """The virtual actor's part in grounding: silent, then asking to stop once, after `after` session seconds.

    It says "that's enough" rather than "stop": PocketSphinx hears hibari's lone "stop" as "the", "static" or
    "seven" (measured), so the bare word would test the voice, not the session."""

    after: float | None
    phrase: str = "that's enough"
    spoken: bool = False

    def __call__(self, event: ListenStart) -> str | None:
        if self.after is None or self.spoken or (event.elapsed or 0.0) < self.after:
            return None
        self.spoken = True
        return self.phrase


@dataclass
class CheckPart:
    """The virtual actor's part in `callback check`: it reads the sentence asked for, at `level_dbfs` (the
    voice's level at the microphone, as audio/rooms.py measures it) or, without one, at arm's length."""

    level_dbfs: float | None = None

    def __call__(self, event: ListenStart) -> str | Spoken | None:
        if event.purpose != "check" or not event.expected:
            return None
        if self.level_dbfs is None:
            return event.expected
        from assistant.audio.rooms import VOICE_DBFS

        return Spoken(event.expected, Delivery(loudness_db=self.level_dbfs - VOICE_DBFS))
