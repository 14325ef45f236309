"""Whether a second take changed the way a director's note asked: each measure against its perceptual
threshold (delivery/measures.py says where the thresholds come from), and the refresh check ("the same as
last time") that is within every threshold at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from assistant.delivery.measures import (
    CLEAR_PAUSE_SECONDS,
    LOUDNESS_CHANGE_DB,
    MATCH_SECONDS,
    MEASURES,
    MIN_PAUSE_SECONDS,
    PAUSE_CHANGE,
    PITCH_RANGE_CHANGE_ST,
    RATE_CHANGE,
    DeliveryMeasures,
    not_speaking,
)

@dataclass(frozen=True)
class Change:
    """How one measure moved from one take to the next, and whether that is the change the note asked for."""

    measure: str
    before: float | None
    after: float | None
    asked: int  # +1 more (faster, louder, more pauses, wider), -1 less, 0 any change
    changed: bool  # moved past the threshold, in the asked direction
    amount: float  # relative for the rate (0.18 = 18 % faster), dB for loudness, st for pitch range, s for pauses
    moved: int = 0  # the direction it moved past the threshold, whatever was asked; 0 within the threshold
    pauses_added: int = 0  # pauses only: see pause_changes
    pauses_lost: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def compare(before: DeliveryMeasures, after: DeliveryMeasures, measure: str, asked: int) -> Change:
    """Whether `after` moved past the threshold for `measure`, in the direction asked (0: either)."""
    if asked not in (-1, 0, 1):
        raise ValueError(f"asked must be +1, -1 or 0, not {asked!r}")
    old, new = before.value(measure), after.value(measure)
    added, lost = pause_changes(before, after) if measure == "pauses" else (0, 0)
    counts = {"pauses_added": added, "pauses_lost": lost}
    if old is None or new is None:
        return Change(measure, old, new, asked, False, 0.0, 0, **counts)
    amount, moved = _movement(before, after, measure, old, new)
    changed = moved == asked if asked else moved != 0
    return Change(measure, old, new, asked, changed, round(amount, 4), moved, **counts)


def same_delivery(before: DeliveryMeasures, after: DeliveryMeasures) -> bool:
    """Whether the second take is the first one again: no measure moved past its threshold, either way."""
    return not any(compare(before, after, measure, 0).changed for measure in MEASURES)


def _movement(before: DeliveryMeasures, after: DeliveryMeasures, measure: str, old: float, new: float) -> tuple[float, int]:
    """(amount, direction it moved past the threshold or 0)."""
    if measure == "articulation_rate":
        ratio = new / old if old > 0 else 1.0
        # Symmetric on a log scale: 8 % faster is x1.08, 8 % slower is /1.08.
        step = np.log(ratio) / np.log(1 + RATE_CHANGE) if ratio > 0 else -1.0
        return ratio - 1.0, int(step >= 1) - int(step <= -1)
    if measure == "loudness":
        return new - old, _past(new - old, LOUDNESS_CHANGE_DB)
    if measure == "pitch_range":
        return new - old, _past(new - old, PITCH_RANGE_CHANGE_ST)
    if measure == "pauses":
        return new - old, _pause_movement(before, after)
    raise ValueError(f"unknown measure {measure!r}; one of {', '.join(MEASURES)}")


def _past(amount: float, threshold: float) -> int:
    return int(amount >= threshold - 1e-9) - int(amount <= -threshold + 1e-9)


def _pause_movement(before: DeliveryMeasures, after: DeliveryMeasures) -> int:
    """+1 for more pauses, -1 for fewer, 0 for the same pausing.

    More: at least one new pause (pause_changes) and 20 % more pause time in all. Fewer: at least one pause
    lost and 20 % less pause time (every pause gone is one case of it).
    """
    added, lost = pause_changes(before, after)
    old, new = before.pause_seconds, after.pause_seconds
    if added and new > old and new >= old * (1 + PAUSE_CHANGE):
        return +1
    if lost and new <= old * (1 - PAUSE_CHANGE):
        return -1
    return 0


def pause_changes(before: DeliveryMeasures, after: DeliveryMeasures) -> tuple[int, int]:
    """(pauses added, pauses lost) from one take to the next, gap by gap.

    Each silence is placed by the share of the speaking time said before it, which neither added silence nor
    a change of pace moves, and paired with the nearest silence of the other take within MATCH_SECONDS of
    speech. A pause is added where the second take has a clear pause (CLEAR_PAUSE_SECONDS) and the first had
    none (under MIN_PAUSE_SECONDS, or no gap at all); lost the other way round. The 50 ms between the two
    lengths is there for gaps that hover around 200 ms from take to take: measured on a stubborn actor at
    -40 dBFS, counting pauses alone called one in eight repeats "one more pause" or "one fewer".
    """
    old, new = _placed_silences(before), _placed_silences(after)
    scale = (before.speaking_seconds + after.speaking_seconds) / 2 or 1.0
    added = sum(1 for place, length in new if length >= CLEAR_PAUSE_SECONDS and _partner(place, old, scale) < MIN_PAUSE_SECONDS)
    lost = sum(1 for place, length in old if length >= CLEAR_PAUSE_SECONDS and _partner(place, new, scale) < MIN_PAUSE_SECONDS)
    return added, lost


def _placed_silences(take: DeliveryMeasures) -> list[tuple[float, float]]:
    """(share of the speaking time said before it, length) of each silence of a take."""
    placed, silent_before = [], 0.0
    for start, end in take.silences:
        said = start - take.speech_start - silent_before
        placed.append((said / take.speaking_seconds if take.speaking_seconds > 0 else 0.0, end - start))
        silent_before += not_speaking(end - start)
    return placed


def _partner(place: float, others: list[tuple[float, float]], scale: float) -> float:
    """The length of the other take's silence at the same place in the line, or 0 when there is none."""
    near = [(abs(place - other) * scale, length) for other, length in others]
    near = [item for item in near if item[0] <= MATCH_SECONDS]
    return min(near)[1] if near else 0.0


