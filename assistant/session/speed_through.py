"""A speed-through: the scene at pace, cues quicker than usual, nothing said until the end.

Companies run a speed-through before a show to tighten it: the lines are known, so what is left is the
time between them. callback plays the cues faster, keeps its corrections to itself while the run goes on
(stopping for a slip breaks the pace the run is there for), and at the end says which lines slipped and which
came in slow: a pickup over the goal, timed from the cue's last sample to the first word heard
(session/listen.py), as directors at callbacks hear it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from assistant.history.priorities import PICKUP_GOAL
from assistant.speech.voice import Voice

#: How much quicker the cues go: a quarter, fast enough to be heard as pace, not yet gabbled (espeak's 175
#: words a minute becomes 219; hibari's pace 1.0 becomes 1.25).
QUICKER = 1.25
#: espeak's limits on words a minute (speech/voices.py RATE_RANGE), and hibari's and Piper's on pace.
_MAX_RATE = 450
_MAX_SPEED = 2.0

__all__ = ["PICKUP_GOAL", "QUICKER", "SlowPickup", "quicker", "slow_pickups", "speed_through_sentences"]


def quicker(voice: Voice, factor: float = QUICKER) -> Voice:
    """The same voice, speaking `factor` times as fast, by whichever knob it has (espeak's words a minute, a
    neural voice's speed or length scale); a voice made from another (a pitch variation of it, recordings
    with it for the lines not recorded) gets the other one quicker; a voice with none of these is left as
    it is (a person's recording keeps the pace it was read at). Renamed, so a render of it at its usual pace
    is never taken from the runtime's cache."""
    if not dataclasses.is_dataclass(voice):
        return voice
    names = {f.name for f in dataclasses.fields(voice) if f.init}
    changes: dict = {}
    if "rate" in names and isinstance(getattr(voice, "rate"), int):
        changes["rate"] = min(_MAX_RATE, round(voice.rate * factor))
    elif "speed" in names and isinstance(getattr(voice, "speed"), (int, float)):
        changes["speed"] = min(_MAX_SPEED, voice.speed * factor)
    elif "length_scale" in names and isinstance(getattr(voice, "length_scale"), (int, float)):
        changes["length_scale"] = voice.length_scale / factor
    else:
        for name in names:
            inner = getattr(voice, name)
            if name != "name" and hasattr(inner, "render") and dataclasses.is_dataclass(inner):
                changes[name] = quicker(inner, factor)
    if not changes:
        return voice
    if "name" in names:
        changes["name"] = f"{voice.name} (quicker)"
    return dataclasses.replace(voice, **changes)


@dataclass(frozen=True)
class SlowPickup:
    line: int
    pickup: float  # seconds; the slowest of the line's attempts in the run

    def to_dict(self) -> dict:
        return {"line": self.line, "pickup": self.pickup}


def slow_pickups(pickups: dict[int, Sequence[float]], goal: float) -> tuple[SlowPickup, ...]:
    """The lines whose pickup (the slowest of their attempts in the run) was over the goal, in line order."""
    return tuple(SlowPickup(line, round(max(times), 2)) for line, times in sorted(pickups.items())
                 if times and max(times) > goal)


def speed_through_sentences(slipped: Sequence[int], slow: Sequence[SlowPickup], goal: float,
                            median_pickup: float | None) -> list[str]:
    """What callback says at the end of a speed-through, after the usual count: the lines not said word for
    word, and the slow pickups, each with its time."""
    said = []
    if slipped:
        said.append(f"Not word for word: {_lines(slipped)}.")
    if median_pickup is not None:
        said.append(f"Pickups {median_pickup:.1f} seconds on average, against a goal of {goal:.1f}.")
    if slow:
        said.append(f"Slow pickup{'s' if len(slow) > 1 else ''}: "
                    + ", ".join(f"line {s.line}, {s.pickup:.1f} seconds" for s in slow) + ".")
    elif median_pickup is not None:
        said.append("Every pickup on time.")
    return said


def _lines(numbers) -> str:
    numbers = list(numbers)
    words = [str(n) for n in numbers]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"line{'s' if len(numbers) > 1 else ''} {listed}"
