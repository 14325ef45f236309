"""What the practice history says about a role: per line, per session, per day. Pure functions, no I/O.

Everything here reads `AttemptRecord`s (from `Store.attempts`) and `ChecklistRecord`s (from
`Store.checklists`) and returns small frozen dataclasses; `callback stats`, `callback report` and
`callback run --focus weak` (through `weakest_lines`) all read the same numbers.

Attempts are matched to the role's lines *as the script has them now* (see `assign_lines`), so a script that
was edited since keeps the history of every line whose words did not change.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from statistics import median
from typing import Iterable, Sequence

from assistant.history.database import AttemptRecord, ChecklistRecord
from assistant.linecheck import normalise_words
from assistant.linecheck.written import as_written

#: A line's recent sessions must beat (or trail) its earlier ones by this share right to count as a trend.
TREND_MARGIN = 0.2
#: At most this many of a line's latest sessions count as "recent" when judging its trend.
MOST_RECENT_SESSIONS = 3

TRENDS = ("improving", "slipping", "steady", "new")

#: A line's recent pickups must be quicker (or slower) than its earlier ones by this many seconds to count as a
#: trend: a tenth of a second is what a director's ear starts to notice in a cue-to-line gap.
PICKUP_TREND_MARGIN = 0.1
PICKUP_TRENDS = ("quicker", "slower", "steady", "new")

#: Session kinds that are rehearsals: a drill repeats one line under notes and a grading judges a recording,
#: so counted as sessions they made one afternoon look like eighteen runs. Their attempts still count.
REHEARSAL_KINDS = frozenset({"run"})


def is_rehearsal(kind: str) -> bool:
    return kind in REHEARSAL_KINDS


@dataclass(frozen=True)
class LineStats:
    """One line of the role and how its practice has gone.

    `per_session` is the share of attempts right in each session that tried the line, oldest first;
    `dropped` the words left out of attempts not word perfect, most often first, as (word, times).
    """

    line: int  # the role's line number, 1-based, in the script as it is now
    text: str
    attempts: int
    right: int  # counted as said: word perfect, or with a slip of small words
    first_time_right: int  # rehearsals in which the first attempt at the line was right, unaided
    sessions: int  # rehearsals (runs; not drills or gradings) that tried the line at least once
    trend: str  # one of TRENDS; see `trend_of`
    per_session: tuple[float, ...]
    dropped: tuple[tuple[str, int], ...]
    last_practised: str | None  # ISO timestamp (UTC) of the latest attempt, None if never tried
    word_perfect: int = 0  # attempts with every word as written
    prompted: int = 0  # right attempts that came only after the line was given (a call for "line")
    line_calls: int = 0  # times the line was given: calls for "line", offers after silence
    median_pickup: float | None = None  # seconds from the cue's end to the first word, of every timed attempt
    pickup_trend: str = "new"  # one of PICKUP_TRENDS; see `pickup_trend_of`

    @property
    def misses(self) -> int:
        return self.attempts - self.right

    @property
    def share_right(self) -> float | None:
        """Right / attempts, or None for a line never tried (unknown, not 0%)."""
        return self.right / self.attempts if self.attempts else None

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "text": self.text,
            "attempts": self.attempts,
            "right": self.right,
            "word_perfect": self.word_perfect,
            "first_time_right": self.first_time_right,
            "prompted": self.prompted,
            "line_calls": self.line_calls,
            "sessions": self.sessions,
            "trend": self.trend,
            "per_session": [round(share, 3) for share in self.per_session],
            "dropped": [{"word": word, "times": times} for word, times in self.dropped],
            "last_practised": self.last_practised,
            "median_pickup": self.median_pickup,
            "pickup_trend": self.pickup_trend,
        }


@dataclass(frozen=True)
class SessionColumn:
    id: int
    started: str  # ISO timestamp, UTC
    kind: str  # "run", "grade", "drill"


@dataclass(frozen=True)
class AccuracyGrid:
    """Share right per line (rows, script order) and session (columns, oldest first); None where a session
    did not try the line."""

    lines: tuple[int, ...]
    sessions: tuple[SessionColumn, ...]
    cells: tuple[tuple[float | None, ...], ...]  # cells[row][column]


@dataclass(frozen=True)
class DayStats:
    """One day's practice, in the local time zone unless told otherwise."""

    day: date
    sessions: int
    attempts: int
    right: int
    lines: int  # distinct lines tried that day

    @property
    def share_right(self) -> float:
        return self.right / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class ChecklistTally:
    """One checklist session's answers, counted."""

    started: str  # ISO timestamp, UTC
    yes: int
    no: int
    skipped: int
    said_no: tuple[str, ...]  # the questions answered "no", to revisit


@dataclass(frozen=True)
class RoleSummary:
    """One script and role in the whole history, for `callback stats` without a script."""

    script_path: str | None
    role: str
    sessions: int  # rehearsals (runs)
    attempts: int
    right: int
    last_practised: str
    drills: int = 0  # drill and grading sessions, counted apart from rehearsals
    prompted: int = 0  # right attempts that came only after the line was given
    line_calls: int = 0

    @property
    def share_right(self) -> float:
        return self.right / self.attempts if self.attempts else 0.0


# -- matching attempts to the script as it is now -------------------------------------------------------------


def _words_key(text: str) -> str:
    # The line check's own normalisation: an edit to punctuation, capitals or "12" / "twelve" is the same line.
    key = " ".join(normalise_words(text))
    return key or " ".join(text.split())


def assign_lines(texts: Sequence[str], attempts: Iterable[AttemptRecord]) -> list[tuple[int, AttemptRecord]]:
    """(line number, attempt) for each attempt that belongs to one of `texts` (the role's lines now, in order).

    An attempt belongs to the line with the same words (ignoring punctuation and capitals), found anywhere in
    the role: lines moved by an edit, or numbered from a scene with `run --scene`, keep their history. When
    the same words are spoken at several places, the one with the attempt's line number wins, else the
    nearest. Only when the words are found nowhere (the line was reworded since) does the attempt fall back
    to its recorded line number; an attempt whose number is past the role's last line is left out.
    """
    by_words: dict[str, list[int]] = defaultdict(list)
    for number, text in enumerate(texts, start=1):
        by_words[_words_key(text)].append(number)
    keys: dict[str, str] = {}  # a role has few lines and many attempts: normalise each text once
    assigned = []
    for attempt in attempts:
        if attempt.line_text not in keys:
            keys[attempt.line_text] = _words_key(attempt.line_text)
        candidates = by_words.get(keys[attempt.line_text])
        if candidates:
            number = min(candidates, key=lambda n: (abs(n - attempt.line_number), n))
        elif 1 <= attempt.line_number <= len(texts):
            number = attempt.line_number
        else:
            continue
        assigned.append((number, attempt))
    return assigned


def _session_order(attempts: Iterable[AttemptRecord]) -> list[SessionColumn]:
    columns = {a.session_id: SessionColumn(a.session_id, a.session_started, a.session_kind) for a in attempts}
    return sorted(columns.values(), key=lambda column: (column.started, column.id))


# -- per line -------------------------------------------------------------------------------------------------


def line_stats(texts: Sequence[str], attempts: Sequence[AttemptRecord]) -> list[LineStats]:
    """Stats for every line in `texts` (the role's lines now, in script order), tried or not."""
    order = {column.id: position for position, column in enumerate(_session_order(attempts))}
    by_line: dict[int, list[AttemptRecord]] = defaultdict(list)
    for number, attempt in assign_lines(texts, attempts):
        by_line[number].append(attempt)
    return [_one_line(number, text, by_line.get(number, []), order) for number, text in enumerate(texts, start=1)]


def _one_line(number: int, text: str, attempts: list[AttemptRecord], order: dict[int, int]) -> LineStats:
    by_session: dict[int, list[AttemptRecord]] = defaultdict(list)
    for attempt in attempts:  # Store.attempts is oldest first, so each session's list is in the order tried
        by_session[attempt.session_id].append(attempt)
    sessions = sorted(by_session, key=order.__getitem__)
    per_session = tuple(sum(a.ok for a in by_session[s]) / len(by_session[s]) for s in sessions)
    rehearsals = [s for s in sessions if is_rehearsal(by_session[s][0].session_kind)]
    dropped = Counter(word for attempt in attempts if not attempt.word_perfect
                      for word in as_written(attempt.line_text, attempt.missing))
    pickups = [attempt.pickup for attempt in attempts if attempt.pickup is not None]
    pickups_by_session = [[a.pickup for a in by_session[s] if a.pickup is not None] for s in sessions]
    return LineStats(
        line=number,
        text=text,
        attempts=len(attempts),
        right=sum(attempt.ok for attempt in attempts),
        word_perfect=sum(attempt.word_perfect for attempt in attempts),
        prompted=sum(attempt.ok and attempt.prompts > 0 for attempt in attempts),
        line_calls=line_calls(attempts),
        first_time_right=sum(by_session[s][0].ok and not by_session[s][0].prompts for s in rehearsals),
        sessions=len(rehearsals),
        trend=trend_of(per_session),
        per_session=per_session,
        dropped=tuple(dropped.most_common()),
        last_practised=max((attempt.at for attempt in attempts), default=None),
        median_pickup=median_pickup(pickups),
        pickup_trend=pickup_trend_of([median(times) for times in pickups_by_session if times]),
    )


def median_pickup(pickups: Sequence[float]) -> float | None:
    """The median of some pickups, in seconds to the hundredth; None when none was timed."""
    return round(median(pickups), 2) if pickups else None


def pickup_trend_of(per_session: Sequence[float]) -> str:
    """How a line's pickup is going, from its median pickup per session (oldest first), by the same split as
    `trend_of`: the recent sessions' average against the earlier ones', "quicker" or "slower" by at least
    PICKUP_TREND_MARGIN seconds, else "steady"; "new" with fewer than two sessions timed."""
    if len(per_session) < 2:
        return "new"
    recent_count = min(MOST_RECENT_SESSIONS, math.ceil(len(per_session) / 3))
    earlier, recent = per_session[:-recent_count], per_session[-recent_count:]
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if change <= -PICKUP_TREND_MARGIN + 1e-9:
        return "quicker"
    if change >= PICKUP_TREND_MARGIN - 1e-9:
        return "slower"
    return "steady"


def line_calls(attempts: Iterable[AttemptRecord]) -> int:
    """How many times lines were given, from attempts in the order tried. An attempt's `prompts` counts the
    calls since the line's turn began (a retry under --on-miss repeat carries the calls before the first try),
    so only what it adds to the attempt before it at the same line is new."""
    total = 0
    before: dict[tuple[int, str], int] = {}
    for attempt in attempts:
        key = (attempt.session_id, attempt.line_text)
        earlier = before.get(key, 0) if attempt.attempt > 1 else 0
        total += max(0, attempt.prompts - earlier)
        before[key] = attempt.prompts
    return total


def trend_of(per_session: Sequence[float]) -> str:
    """How a line is going, from its share right per session (oldest first).

    "new" with fewer than two sessions. Otherwise the recent sessions (the latest third, at least one and at
    most MOST_RECENT_SESSIONS) are compared with all the sessions before them: "improving" when the recent
    ones average at least TREND_MARGIN (20 points) more right, "slipping" when at least that much less,
    "steady" in between. Averages of per-session shares, so one long session does not outweigh the rest.
    """
    if len(per_session) < 2:
        return "new"
    recent_count = min(MOST_RECENT_SESSIONS, math.ceil(len(per_session) / 3))
    earlier, recent = per_session[:-recent_count], per_session[-recent_count:]
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if change >= TREND_MARGIN - 1e-9:
        return "improving"
    if change <= -TREND_MARGIN + 1e-9:
        return "slipping"
    return "steady"


def weakest_first(stats: Iterable[LineStats]) -> list[LineStats]:
    """Lines ordered weakest first: lowest share right; among equal shares, more misses first (a line missed
    four times in six is weaker than one missed once in two), then script order.

    Lines never tried come last, in script order: nothing says they are weak, and the numbers above them are
    what the history can show. (`callback run` from the top will reach them.)
    """
    return sorted(stats, key=lambda s: (s.attempts == 0, s.share_right or 0.0, -s.misses, s.line))


def weakest_lines(stats: list[LineStats], count: int) -> list[int]:
    """The line numbers of up to `count` weakest lines that have been tried at least once, weakest first,
    for `callback run --focus weak --count N`. [] when no line has been tried (or count < 1).

    When fewer lines were ever missed than `count`, the best-known lines fill the rest: the weakest N of
    what was tried, not only the missed ones.
    """
    if count < 1:
        return []
    return [s.line for s in weakest_first(stats) if s.attempts > 0][:count]


def dropped_words(stats: Iterable[LineStats], count: int = 10) -> list[tuple[str, int]]:
    """The words most often left out across the role's lines, as (word, times), most often first."""
    total: Counter[str] = Counter()
    for line in stats:
        total.update(dict(line.dropped))
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))[:count]


def accuracy_grid(texts: Sequence[str], attempts: Sequence[AttemptRecord]) -> AccuracyGrid:
    """Share right per line and session, for a heatmap: every line of `texts`, every session that tried one."""
    assigned = assign_lines(texts, attempts)
    sessions = _session_order(attempt for _, attempt in assigned)
    column_of = {column.id: index for index, column in enumerate(sessions)}
    tally: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])  # (line, column) -> [right, tried]
    for number, attempt in assigned:
        cell = tally[(number, column_of[attempt.session_id])]
        cell[0] += attempt.ok
        cell[1] += 1
    numbers = tuple(range(1, len(texts) + 1))
    cells = tuple(
        tuple((tally[(n, c)][0] / tally[(n, c)][1]) if (n, c) in tally else None for c in range(len(sessions)))
        for n in numbers
    )
    return AccuracyGrid(numbers, tuple(sessions), cells)


# -- over days, over the whole history -----------------------------------------------------------------------


def local_day(timestamp: str, zone: tzinfo | None = None) -> date:
    """The calendar day of a stored (UTC) timestamp where the actor is: a late-night session belongs to the
    evening it happened in, not to tomorrow in Greenwich."""
    moment = datetime.fromisoformat(timestamp)
    return moment.astimezone(zone).date()


def daily(attempts: Iterable[AttemptRecord], zone: tzinfo | None = None) -> list[DayStats]:
    """Practice per day (each attempt by its own time), oldest day first; days with no practice are absent.
    `zone` defaults to the local time zone."""
    days: dict[date, list[AttemptRecord]] = defaultdict(list)
    for attempt in attempts:
        days[local_day(attempt.at, zone)].append(attempt)
    return [
        DayStats(
            day=day,
            sessions=len({a.session_id for a in kept}),
            attempts=len(kept),
            right=sum(a.ok for a in kept),
            lines=len({(a.role, a.line_text) for a in kept}),
        )
        for day, kept in sorted(days.items())
    ]


def checklist_tallies(records: Iterable[ChecklistRecord]) -> list[ChecklistTally]:
    """Each checklist session that recorded at least one answer, oldest first, with its answers counted."""
    tallies = []
    for record in sorted(records, key=lambda r: (r.session.started_at, r.session.id)):
        if not record.answers:
            continue
        counts = Counter(answer.answer for answer in record.answers)
        tallies.append(ChecklistTally(
            started=record.session.started_at,
            yes=counts["yes"],
            no=counts["no"],
            skipped=counts["skipped"],
            said_no=tuple(answer.question for answer in record.answers if answer.answer == "no"),
        ))
    return tallies


def overview(attempts: Iterable[AttemptRecord]) -> list[RoleSummary]:
    """One summary per script and role in the history, most recently practised first."""
    groups: dict[tuple[str | None, str], list[AttemptRecord]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.script_path, attempt.role)].append(attempt)
    summaries = [
        RoleSummary(
            script_path=script_path,
            role=role,
            sessions=len({a.session_id for a in kept if is_rehearsal(a.session_kind)}),
            attempts=len(kept),
            right=sum(a.ok for a in kept),
            last_practised=max(a.at for a in kept),
            drills=len({a.session_id for a in kept if not is_rehearsal(a.session_kind)}),
            prompted=sum(a.ok and a.prompts > 0 for a in kept),
            line_calls=line_calls(kept),
        )
        for (script_path, role), kept in groups.items()
    ]
    return sorted(summaries, key=lambda s: s.last_practised, reverse=True)
