"""What to work on tonight: the few lines that most need it, each with the reasons an actor can act on.

A report that lists every line, weakest first, still asks the actor to decide; a line right 16 times of 18 is
not tonight's work. This reads only each line's latest sessions (a line fixed last week is fixed), and a line
comes up only for something that went wrong there:

* missed: the line was not said (the costliest: a line the actor does not have);
* prompted: it was said only after asking for "line" (on book, as far as the partner can tell);
* slips: small words changed ("on me" for "on for me"): counted as said, but not yet word perfect;
* slow pickup: the median gap between the cue's end and the first word is over the goal (directors at
  callbacks hear a slow pickup at once; callback's default goal is half a second).

Pure functions over `AttemptRecord`s, no I/O, like practice.py; the report and `stats` read the same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median
from typing import Iterable, Sequence

from assistant.history.database import AttemptRecord, ChecklistRecord
from assistant.history.practice import assign_lines, line_calls
from assistant.linecheck.written import as_written

#: Lines named as tonight's work, at most.
TONIGHT = 3
#: A line's latest sessions that count; older ones are history, not tonight's problem.
RECENT_SESSIONS = 3
#: The pickup an actor aims for, in seconds (as `callback run --pickup-goal`'s default).
PICKUP_GOAL = 0.5
# How much each kind of trouble weighs when lines are ranked: a missed line costs a scene, a prompted one
# means the actor is still on book, a slip or a slow pickup is polish.
_WEIGHTS = {"missed": 3.0, "prompted": 2.0, "slips": 1.0, "slow": 1.0}


@dataclass(frozen=True)
class Cue:
    speaker: str
    text: str


@dataclass(frozen=True)
class WorkItem:
    """One line to work on, why, and the cue that leads into it."""

    line: int
    text: str
    cue: Cue | None  # None for a line that opens the script
    reasons: tuple[str, ...]  # in the actor's words, most serious first
    weight: float

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "reasons": list(self.reasons),
                "cue": None if self.cue is None else {"speaker": self.cue.speaker, "text": self.cue.text}}


@dataclass(frozen=True)
class Counts:
    """Attempts told apart honestly: right unaided is the measure of being off book."""

    attempts: int
    unaided: int  # right (word perfect or a slip) with no "line" asked for first
    prompted: int  # right, but only after asking for the line
    slips: int  # of the right ones, how many had small words wrong
    missed: int
    calls_for_line: int  # every "line" asked for, right or not (practice.line_calls)

    @classmethod
    def of(cls, attempts: Iterable[AttemptRecord]) -> "Counts":
        attempts = list(attempts)
        return cls(
            attempts=len(attempts),
            unaided=sum(a.ok and not a.prompts for a in attempts),
            prompted=sum(a.ok and a.prompts > 0 for a in attempts),
            slips=sum(a.verdict == "slip" for a in attempts),
            missed=sum(not a.ok for a in attempts),
            # Learn mode's help is the mode, not the actor asking: only asked-for lines are calls.
            calls_for_line=line_calls(a for a in attempts if a.session_kind != "learn"),
        )


def recent(attempts: Sequence[AttemptRecord], sessions: int = RECENT_SESSIONS) -> list[AttemptRecord]:
    """The attempts of the latest `sessions` sessions among these (one line's, usually), oldest first."""
    order = list(dict.fromkeys(a.session_id for a in sorted(attempts, key=lambda a: (a.at, a.session_id))))
    kept = set(order[-sessions:])
    return [a for a in attempts if a.session_id in kept]


def work_on(texts: Sequence[str], cues: Sequence[Cue | None], attempts: Sequence[AttemptRecord],
            count: int = TONIGHT, pickup_goal: float = PICKUP_GOAL) -> list[WorkItem]:
    """Up to `count` of the role's lines (`texts`, in script order; `cues[i]` leads into `texts[i]`) that most
    need work, most needing first; a line whose latest sessions went cleanly is never named."""
    by_line: dict[int, list[AttemptRecord]] = defaultdict(list)
    # Lines still being learned have learn mode's own schedule (history/learning.py); tonight's work is read
    # from runs, drills and self-tapes.
    for number, attempt in assign_lines(texts, [a for a in attempts if a.session_kind != "learn"]):
        by_line[number].append(attempt)
    items = []
    for number, tried in by_line.items():
        item = _judge_line(number, texts[number - 1], cues[number - 1] if number <= len(cues) else None,
                           recent(tried), pickup_goal)
        if item is not None:
            items.append(item)
    items.sort(key=lambda item: (-item.weight, item.line))
    return items[:count]


def _judge_line(number: int, text: str, cue: Cue | None, tried: list[AttemptRecord],
                pickup_goal: float) -> WorkItem | None:
    counts = Counts.of(tried)
    pickups = [a.pickup for a in tried if a.pickup is not None]
    slow = bool(pickups) and median(pickups) > pickup_goal
    reasons: list[str] = []
    if counts.missed:
        reasons.append(f"missed {counts.missed} of the last {_plural(counts.attempts, 'try', 'tries')}")
    if counts.calls_for_line:
        reasons.append(f"asked for \"line\" {times(counts.calls_for_line)}")
    if counts.slips:
        slipped = Counter(phrase for a in tried if a.verdict == "slip" for phrase in changes(text, a))
        which = ", ".join(phrase for phrase, _ in slipped.most_common(2))
        reasons.append(f"small words slipped {times(counts.slips)}" + (f" ({which})" if which else ""))
    if slow:
        reasons.append(f"slow pickup: {median(pickups):.1f} s on average, the goal is {pickup_goal:.1f} s")
    weight = (_WEIGHTS["missed"] * counts.missed + _WEIGHTS["prompted"] * counts.calls_for_line
              + _WEIGHTS["slips"] * counts.slips) / max(counts.attempts, 1) + _WEIGHTS["slow"] * slow
    if not reasons:
        return None
    return WorkItem(number, text, cue, tuple(reasons), round(weight, 3))


def changes(text: str, attempt: AttemptRecord) -> list[str]:
    """What an attempt changed in the line, as the script writes it: "dropped 'haven't'", "said 'doctor' for
    'flood'", "added 'really'"."""
    found = []
    if attempt.missing:
        found += [f"dropped '{word}'" for word in as_written(text, attempt.missing)]
    for expected, heard in attempt.substituted:
        found.append(f"said '{heard}' for '{' '.join(as_written(text, expected.split()))}'")
    found += [f"added '{word}'" for word in attempt.extra]
    return found


def changed_words(texts: Sequence[str], attempts: Sequence[AttemptRecord], count: int = 12) -> list[tuple[str, int]]:
    """The changes made most often across the role's lines (dropped, swapped and added words), as
    (change, times), most often first; word perfect attempts change nothing."""
    total: Counter[str] = Counter()
    for number, attempt in assign_lines(texts, attempts):
        if not attempt.word_perfect:
            total.update(changes(texts[number - 1], attempt))
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))[:count]


def still_no(checklists: Iterable[ChecklistRecord]) -> list[str]:
    """The checklist questions whose latest answer is "no", in the order they are asked."""
    latest: dict[str, tuple[str, str]] = {}
    order: dict[str, int] = {}
    for record in sorted(checklists, key=lambda r: (r.session.started_at, r.session.id)):
        for position, answer in enumerate(record.answers):
            if answer.answer != "skipped":
                latest[answer.item_id] = (answer.answer, answer.question)
            order.setdefault(answer.item_id, position)
    return [question for item, (answer, question) in sorted(latest.items(), key=lambda kv: order[kv[0]])
            if answer == "no"]


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
