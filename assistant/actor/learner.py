"""The virtual actor learning a part: it can say a line only once it has heard it said in full.

Learn mode (session/learn.py) teaches by voice, so its virtual actor must start out not knowing its lines, or
every line would be "learned" at its first attempt and the mode would test nothing. It listens to everything
said in the room (callback's prompts, the cues) through `hear`, which the virtual actor calls for every event.
A line heard whole is known from then on; of a line heard only in part (its first words) it says that part
and stops; of a line never heard it says so. Each new virtual actor starts out knowing nothing, as an actor
who has not yet learned the part.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from assistant.actor.parts import CASTING_ANSWER, answers_casting, make_mistake
from assistant.events import CueStart, Event, ListenStart, PromptStart
from assistant.linecheck import normalise_words

#: What the virtual actor says at a line it has never heard: plainly not the line, and no command word.
DONT_KNOW = "I'm not sure how it goes."


@dataclass
class LearnerPart:
    mistakes: float = 0.0  # share of attempts at a known line still said wrong
    seed: int = 0
    said: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, text): "line", "part", "unknown"
    _heard: list[str] = field(default_factory=list, init=False)  # normalised, padded with spaces
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def hear(self, event: Event) -> None:
        if isinstance(event, (PromptStart, CueStart)) and event.text:
            self._heard.append(_padded(event.text))

    def knows(self, line: str) -> bool:
        wanted = _padded(line)
        return wanted.strip() != "" and any(wanted in heard for heard in self._heard)

    def __call__(self, event: ListenStart) -> str | None:
        if answers_casting(event):
            return CASTING_ANSWER
        if event.purpose == "resume":
            return "Carry on."
        number, expected = event.line, event.expected
        if number is None or not expected:
            return None
        if self.knows(expected):
            if self._rng.random() < self.mistakes:
                return self._say(number, "mistake", make_mistake(expected, self._rng))
            return self._say(number, "line", expected)
        start = self._start_heard(expected)
        if start:
            return self._say(number, "part", start)
        return self._say(number, "unknown", DONT_KNOW)

    def _start_heard(self, expected: str) -> str:
        """The longest opening of the line heard on its own (a prompt of its first words), as said."""
        words = expected.split()
        for count in range(len(words) - 1, 0, -1):
            opening = _padded(" ".join(words[:count]))
            if any(heard == opening for heard in self._heard):
                return " ".join(words[:count])
        return ""

    def _say(self, number: int, kind: str, text: str) -> str:
        self.said.append((number, kind, text))
        return text


def _padded(text: str) -> str:
    return f" {' '.join(normalise_words(text))} "
