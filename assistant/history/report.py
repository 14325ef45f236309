"""`callback report`'s page: one self-contained HTML file about a role's practice, with its plots inline.

The page needs nothing but itself: no network, no scripts, no files beside it. Each plot is drawn with
matplotlib (its Agg renderer, through `Figure` rather than pyplot, so no display or GUI backend is ever
touched) and embedded as a base64 PNG in a `<figure class="plot" id="plot-...">` with alt text that says
what the plot shows in words. A plot with nothing to show is a short note in its place instead.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Sequence

from assistant.history.database import AttemptRecord, ChecklistRecord, SessionRecord
from assistant.history.practice import (
    AccuracyGrid,
    ChecklistTally,
    DayStats,
    LineStats,
    accuracy_grid,
    assign_lines,
    checklist_tallies,
    daily,
    line_stats,
    weakest_first,
)
from assistant.history.priorities import Counts, Cue, WorkItem, changed_words, still_no, times as _times, work_on

#: The heatmap shows at most this many sessions (the latest) and lines (the weakest, in script order).
HEATMAP_SESSIONS = 24
HEATMAP_LINES = 60
#: Bars in the changed-words chart, checklist sessions shown.
DROPPED_SHOWN = 12
CHECKLISTS_SHOWN = 30
#: What each kind of session is called on the page.
SESSION_NAMES = {"run": ("rehearsal", "rehearsals"), "learn": ("learning session", "learning sessions"),
                 "drill": ("drill", "drills"), "grade": ("self-tape graded", "self-tapes graded")}
#: Pixels per inch of the embedded PNGs: sharp on an ordinary screen, small enough to mail.
DPI = 110
LABEL_WIDTH = 34

RIGHT_COLOUR = "#2e7d32"
MISSED_COLOUR = "#c62828"
NEUTRAL_COLOUR = "#9e9e9e"
ATTEMPTS_COLOUR = "#cfd8dc"


@dataclass(frozen=True)
class Plot:
    """One figure of the page: its id, heading, caption, alt text, and the PNG (None: nothing to plot)."""

    id: str
    heading: str
    caption: str
    alt: str
    png: bytes | None = None
    empty_note: str = ""


@dataclass(frozen=True)
class LineRow:
    """One line in the table of every line: its attempts told apart, and its median pickup."""

    stats: LineStats
    counts: Counts
    pickup: float | None  # median seconds from the cue's end to the first word; None when never measured


@dataclass(frozen=True)
class NoteTally:
    """How one kind of director's note has been taken in drills."""

    kind: str  # "pace", "loudness", "pauses", "pitch", or a qualitative kind
    given: int
    measured: int  # notes whose change callback measures
    changed: int  # of those, how many the retake really changed
    ratings: tuple[int, ...] = ()  # the actor's own one-to-five, for the notes callback cannot measure

    @property
    def share_taken(self) -> float | None:
        if self.measured:
            return self.changed / self.measured
        return sum(self.ratings) / (5 * len(self.ratings)) if self.ratings else None


@dataclass(frozen=True)
class PracticeReport:
    title: str
    role: str
    script_path: str
    stats: list[LineStats]
    grid: AccuracyGrid
    days: list[DayStats]
    dropped: list[tuple[str, int]]  # changes made most often (dropped, swapped, added), as the script writes them
    checklists: list[ChecklistTally]
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    counts: Counts = Counts(0, 0, 0, 0, 0, 0)
    tonight: list[WorkItem] = field(default_factory=list)
    rows: list[LineRow] = field(default_factory=list)
    notes: list[NoteTally] = field(default_factory=list)
    still_no: list[str] = field(default_factory=list)  # checklist questions whose latest answer is "no"
    sessions: dict[str, int] = field(default_factory=dict)  # sessions that tried a line, by kind


def build_report(title: str, role: str, script_path: str, texts: Sequence[str], attempts: Sequence[AttemptRecord],
                 checklists: Sequence[ChecklistRecord] = (), generated: datetime | None = None,
                 cues: Sequence[Cue | None] = (), drills: Sequence[SessionRecord] = ()) -> PracticeReport:
    """The numbers the page shows, for a role whose lines now read `texts` (`cues[i]` leads into `texts[i]`)."""
    stats = line_stats(texts, attempts)
    assigned = assign_lines(texts, attempts)
    kinds: dict[str, set[int]] = {}
    for _, attempt in assigned:
        kinds.setdefault(attempt.session_kind, set()).add(attempt.session_id)
    return PracticeReport(
        title=title,
        role=role,
        script_path=script_path,
        stats=stats,
        grid=accuracy_grid(texts, attempts),
        days=daily(attempts),
        dropped=changed_words(texts, attempts, DROPPED_SHOWN),
        checklists=checklist_tallies(checklists),
        generated=generated or datetime.now().astimezone(),
        counts=Counts.of(attempt for _, attempt in assigned),
        tonight=work_on(texts, list(cues) or [None] * len(texts), attempts),
        rows=_rows(stats, assigned),
        notes=note_tallies(drills),
        still_no=still_no(checklists),
        sessions={kind: len(ids) for kind, ids in kinds.items()},
    )


def _rows(stats: list[LineStats], assigned: list[tuple[int, AttemptRecord]]) -> list[LineRow]:
    by_line: dict[int, list[AttemptRecord]] = {}
    for number, attempt in assigned:
        by_line.setdefault(number, []).append(attempt)
    rows = []
    for line in stats:
        rows.append(LineRow(line, Counts.of(by_line.get(line.line, [])), line.median_pickup))
    return rows


def note_tallies(drills: Sequence[SessionRecord]) -> list[NoteTally]:
    """Each kind of note given in these drill sessions and how often it was taken, best taken first."""
    given: dict[str, list[dict]] = {}
    for session in drills:
        for result in session.summary.get("results", []):
            if isinstance(result, dict) and result.get("kind"):
                given.setdefault(str(result["kind"]), []).append(result)
    tallies = []
    for kind, results in given.items():
        measured = [r for r in results if r.get("changed") is not None]
        ratings = tuple(int(r["rating"]) for r in results if isinstance(r.get("rating"), int))
        tallies.append(NoteTally(kind, len(results), len(measured), sum(bool(r["changed"]) for r in measured), ratings))
    return sorted(tallies, key=lambda t: (-(t.share_taken or 0.0), t.kind))


def render_html(report: PracticeReport) -> str:
    """The whole page."""
    plots = [accuracy_plot(report), days_plot(report), dropped_plot(report), checklist_plot(report)]
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(report.role)} in {e(report.title)}: practice report</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>{e(report.role)} in <cite>{e(report.title)}</cite></h1>
<p class="summary" id="summary">{e(_summary(report))}</p>
<p class="meta">From <code>{e(report.script_path)}</code>. Made by callback on {e(_when(report.generated))}.</p>
</header>
<section id="tonight">
<h2>Tonight, work on</h2>
{_tonight(report)}
</section>
<section id="lines">
<h2>Every line</h2>
{_lines_table(report)}
</section>
{"".join(_figure(plot) for plot in plots)}
<section id="notes">
<h2>Taking a note</h2>
{_notes(report)}
</section>
<section id="checklist-open">
<h2>Still to do before the callback</h2>
{_still_no(report)}
</section>
<footer>
<p>Right unaided means said without asking for "line"; a slip is a line said with small words changed, counted
as said. Pickup is the time from the end of the cue to your first word. A trend compares a line's latest
sessions with the ones before: improving or slipping by 20 points or more, steady otherwise, and new after a
single session. Tonight's lines are picked from each line's last three sessions only.</p>
</footer>
</main>
</body>
</html>
"""


# -- the words ------------------------------------------------------------------------------------------------


def _summary(report: PracticeReport) -> str:
    counts = report.counts
    tried = sum(1 for s in report.stats if s.attempts)
    if not counts.attempts:
        return f"No practice kept yet for {report.role}'s {len(report.stats)} lines."
    days = report.days
    span = (f"on {_day(days[0].day)}" if len(days) == 1
            else f"from {_day(days[0].day)} to {_day(days[-1].day)}")
    kinds = [_plural_of(report.sessions[kind], *SESSION_NAMES.get(kind, (kind + " session", kind + " sessions")))
             for kind in ("run", "learn", "drill", "grade", *sorted(set(report.sessions) - set(SESSION_NAMES)))
             if report.sessions.get(kind)]
    said = [f"{counts.unaided} right unaided"]
    if counts.prompted:
        said.append(f"{counts.prompted} right after asking for \"line\"")
    said.append(f"{counts.missed} missed")
    slips = f"; {_plural(counts.slips, 'slip')} of small words" if counts.slips else ""
    calls = f"; \"line\" asked for {_times(counts.calls_for_line)}" if counts.calls_for_line else ""
    return (f"{tried} of {len(report.stats)} lines tried in {_and(kinds)} {span}. "
            f"Of {_plural(counts.attempts, 'attempt')}: {_and(said)} "
            f"({counts.unaided / counts.attempts:.0%} right unaided){slips}{calls}.")


def _tonight(report: PracticeReport) -> str:
    e = html.escape
    if not report.tonight:
        if report.counts.attempts:
            return ('<p class="no-data">Nothing stands out: every line went cleanly in its latest sessions. '
                    "Run the scene for pace, or drill a note.</p>")
        return '<p class="no-data">No line tried yet.</p>'
    items = []
    for item in report.tonight:
        cue = (f'<p class="cue"><span class="speaker">{e(item.cue.speaker)}</span> {e(item.cue.text)}</p>'
               if item.cue else '<p class="cue">(you open the scene)</p>')
        reasons = "".join(f"<li>{e(reason)}</li>" for reason in item.reasons)
        items.append(f'<li class="work" data-line="{item.line}">{cue}<p class="line"><span class="number">'
                     f'Line {item.line}</span> {e(item.text)}</p><ul class="reasons">{reasons}</ul></li>')
    return f'<ol class="tonight">{"".join(items)}</ol>'


def _lines_table(report: PracticeReport) -> str:
    rows = [row for row in report.rows if row.counts.attempts]
    if not rows:
        return '<p class="no-data">No line tried yet.</p>'
    e = html.escape
    cells = []
    for row in rows:
        s, c = row.stats, row.counts
        pickup = f"{row.pickup:.1f} s" if row.pickup is not None else "—"
        if row.pickup is not None and s.pickup_trend != "new":
            pickup += f" ({s.pickup_trend})"
        cells.append(
            f"<tr><td class=\"number\">{s.line}</td><td>{e(s.text)}</td>"
            f"<td class=\"number\">{c.unaided} of {c.attempts}</td><td class=\"number\">{c.prompted}</td>"
            f"<td class=\"number\">{c.slips}</td><td class=\"number\">{c.missed}</td>"
            f"<td class=\"number\">{pickup}</td><td class=\"trend {s.trend}\">{s.trend}</td></tr>"
        )
    return ("<table class=\"lines\"><thead><tr><th>Line</th><th>Text</th><th>Right unaided</th>"
            "<th>After a prompt</th><th>Slips</th><th>Missed</th><th>Pickup</th><th>Trend</th></tr></thead><tbody>"
            + "".join(cells) + "</tbody></table>")


def _notes(report: PracticeReport) -> str:
    if not report.notes:
        return ('<p class="no-data">No drill kept yet: <code>callback drill SCRIPT --role ROLE</code> gives you a '
                "director's note and measures whether your next take changed.</p>")
    e = html.escape
    items = []
    for note in report.notes:
        if note.measured:
            said = f"changed {note.changed} of {_plural(note.measured, 'time')}"
        elif note.ratings:
            said = f"your own rating {sum(note.ratings) / len(note.ratings):.1f} of 5"
        else:
            said = f"given {_plural(note.given, 'time')}"
        items.append(f'<li data-kind="{e(note.kind)}"><strong>{e(note.kind)}</strong>: {e(said)}</li>')
    return f'<ul class="notes">{"".join(items)}</ul><p class="meta">Best taken first.</p>'


def _still_no(report: PracticeReport) -> str:
    if not report.still_no:
        if report.checklists:
            return '<p class="no-data">Every checklist item answered so far is a yes.</p>'
        return '<p class="no-data">No checklist answered yet: <code>callback checklist</code> asks it aloud.</p>'
    e = html.escape
    return ('<p>Your last answer to these was no:</p><ul class="still-no">'
            + "".join(f"<li>{e(question)}</li>" for question in report.still_no) + "</ul>")


def _figure(plot: Plot) -> str:
    e = html.escape
    if plot.png is None:
        body = f'<p class="no-data">{e(plot.empty_note)}</p>'
        kind = "plot no-data"
    else:
        data = base64.b64encode(plot.png).decode("ascii")
        body = f'<img src="data:image/png;base64,{data}" alt="{e(plot.alt)}">'
        kind = "plot"
    return (f'\n<section class="{kind}" id="{plot.id}">\n<h2>{e(plot.heading)}</h2>\n'
            f"<figure>{body}<figcaption>{e(plot.caption)}</figcaption></figure>\n</section>\n")


# -- the plots ------------------------------------------------------------------------------------------------


def accuracy_plot(report: PracticeReport) -> Plot:
    grid = report.grid
    heading = "Each line, session by session"
    if not grid.sessions:
        return Plot("plot-accuracy", heading, "", "", empty_note="No session has tried a line yet.")
    columns = list(range(len(grid.sessions)))[-HEATMAP_SESSIONS:]
    rows = _heatmap_rows(report)
    cells = [[grid.cells[row][column] for column in columns] for row in rows]
    texts = {s.line: s.text for s in report.stats}
    # Padded to one width in a monospaced font, so the line numbers line up on the left.
    labels = [f"{grid.lines[row]:>3}  {_cut(texts[grid.lines[row]], LABEL_WIDTH):<{LABEL_WIDTH}}" for row in rows]
    dates = [_session_label(grid.sessions[column].started) for column in columns]
    png = _draw_heatmap(cells, labels, dates)

    shown = []
    if len(columns) < len(grid.sessions):
        shown.append(f"the latest {len(columns)} of {len(grid.sessions)} sessions")
    if len(rows) < len(grid.lines):
        shown.append(f"the {len(rows)} weakest of {len(grid.lines)} lines")
    caption = ("Share of attempts right, per line (rows) and session (columns, oldest on the left). Green is "
               "right every time, red never; grey means the session did not reach the line.")
    if shown:
        caption += " Showing " + " and ".join(shown) + "."
    weakest = [s.line for s in weakest_first(report.stats) if s.attempts][:3]
    alt = (f"Heatmap of the share of attempts right for {len(rows)} of {report.role}'s lines across "
           f"{_plural(len(columns), 'session')}. Weakest lines: {', '.join(map(str, weakest))}.")
    return Plot("plot-accuracy", heading, caption, alt, png)


def _heatmap_rows(report: PracticeReport) -> list[int]:
    """Row indexes into the grid: every line, or the weakest HEATMAP_LINES of a long role, in script order."""
    if len(report.grid.lines) <= HEATMAP_LINES:
        return list(range(len(report.grid.lines)))
    weakest = {s.line for s in weakest_first(report.stats)[:HEATMAP_LINES]}
    return [row for row, line in enumerate(report.grid.lines) if line in weakest]


def _draw_heatmap(cells: list[list[float | None]], labels: list[str], dates: list[str]) -> bytes:
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    values = np.ma.masked_invalid(np.array([[np.nan if v is None else v for v in row] for row in cells], dtype=float))
    figure = Figure(figsize=(min(11.0, 4.2 + 0.6 * len(dates)), 1.4 + 0.34 * len(labels)), dpi=DPI)
    axes = figure.subplots()
    colours = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#e8e8e8")
    image = axes.imshow(values, cmap=colours, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    axes.set_yticks(range(len(labels)), labels, fontsize=8, fontfamily="DejaVu Sans Mono")
    axes.set_xticks(range(len(dates)), dates, fontsize=8, rotation=45 if len(dates) > 6 else 0,
                    ha="right" if len(dates) > 6 else "center")
    axes.set_xlabel("session")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    if len(dates) <= 16 and len(labels) <= 40:  # numbers in the cells while they still fit
        for row, values_row in enumerate(cells):
            for column, value in enumerate(values_row):
                if value is not None:
                    axes.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize=7.5,
                              color=_ink_on(colours(value)))
    bar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02, format=_percent_formatter())
    bar.set_label("right")
    return _png(figure)


def days_plot(report: PracticeReport) -> Plot:
    heading = "Day by day"
    days = report.days
    if not days:
        return Plot("plot-days", heading, "", "", empty_note="No practice kept yet.")
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure

    when = [datetime.combine(day.day, datetime.min.time()) for day in days]
    figure = Figure(figsize=(9, 3.6), dpi=DPI)
    attempts_axes = figure.subplots()
    share_axes = attempts_axes.twinx()
    attempts_axes.bar(when, [d.attempts for d in days], width=0.6, color=ATTEMPTS_COLOUR, label="attempts")
    attempts_axes.set_ylabel("attempts")
    share_axes.plot(when, [d.share_right for d in days], marker="o", color=RIGHT_COLOUR, linewidth=2,
                    label="share right")
    share_axes.set_ylim(0, 1.05)
    share_axes.yaxis.set_major_formatter(_percent_formatter())
    share_axes.set_ylabel("right", color=RIGHT_COLOUR)
    # The share right is what matters: draw it over the bars, and keep the bars' axis on the left.
    share_axes.set_zorder(attempts_axes.get_zorder() + 1)
    share_axes.patch.set_visible(False)
    attempts_axes.xaxis.set_major_locator(AutoDateLocator(minticks=2, maxticks=10))
    attempts_axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    attempts_axes.set_xlim(when[0] - timedelta(days=1), when[-1] + timedelta(days=1))
    for axes in (attempts_axes, share_axes):
        axes.spines["top"].set_visible(False)
    png = _png(figure)

    best = max(days, key=lambda d: (d.share_right, d.day))
    caption = ("Green: the share of attempts right each day you practised (right axis). Grey bars: how many "
               "attempts that day (left axis). Days are in your local time.")
    alt = (f"Line chart over {_plural(len(days), 'day')} of practice, from {_day(days[0].day)} to "
           f"{_day(days[-1].day)}: {days[0].share_right:.0%} right on the first day, {days[-1].share_right:.0%} "
           f"on the last; best day {_day(best.day)} at {best.share_right:.0%}.")
    return Plot("plot-days", heading, caption, alt, png)


def dropped_plot(report: PracticeReport) -> Plot:
    heading = "Words you change most"
    words = report.dropped
    if not words:
        return Plot("plot-dropped", heading, "", "",
                    empty_note="No word changed yet: every attempt was word perfect, or nothing was heard wrong.")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 1.0 + 0.32 * len(words)), dpi=DPI)
    axes = figure.subplots()
    names = [word for word, _ in words]
    times = [count for _, count in words]
    axes.barh(range(len(words)), times, color=MISSED_COLOUR, height=0.65)
    axes.set_yticks(range(len(words)), names)
    axes.invert_yaxis()  # the most dropped on top
    axes.set_xlabel("times, in attempts not word perfect")
    axes.xaxis.get_major_locator().set_params(integer=True)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    png = _png(figure)
    caption = ("Words dropped, swapped or added in attempts that were not word perfect, across all of the role's "
               "lines, as the script writes them.")
    listed = ", ".join(f"{word} ({count})" for word, count in words[:5])
    alt = f"Bar chart of the {_plural(len(words), 'change')} made most often: {listed}."
    return Plot("plot-dropped", heading, caption, alt, png)


def checklist_plot(report: PracticeReport) -> Plot:
    heading = "The callback checklist"
    tallies = report.checklists[-CHECKLISTS_SHOWN:]
    if not tallies:
        return Plot("plot-checklist", heading, "", "",
                    empty_note="No checklist answered yet: `callback checklist` asks it aloud before a callback.")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(min(11.0, 3.5 + 0.45 * len(tallies)), 3.4), dpi=DPI)
    axes = figure.subplots()
    positions = range(len(tallies))
    yes = [t.yes for t in tallies]
    no = [t.no for t in tallies]
    skipped = [t.skipped for t in tallies]
    axes.bar(positions, yes, color=RIGHT_COLOUR, label="yes", width=0.6)
    axes.bar(positions, no, bottom=yes, color=MISSED_COLOUR, label="no", width=0.6)
    axes.bar(positions, skipped, bottom=[y + n for y, n in zip(yes, no)], color=NEUTRAL_COLOUR, label="skipped",
             width=0.6)
    labels = [_session_label(t.started) for t in tallies]
    axes.set_xticks(list(positions), labels, fontsize=8, rotation=45 if len(tallies) > 6 else 0,
                    ha="right" if len(tallies) > 6 else "center")
    axes.set_ylabel("answers")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    png = _png(figure)
    shown = "" if len(tallies) == len(report.checklists) else f" The latest {len(tallies)} of {len(report.checklists)}."
    caption = ("Answers to each checklist you went through, whatever the script: yes in green, no (to revisit) "
               "in red, skipped in grey." + shown)
    last = tallies[-1]
    alt = (f"Stacked bar chart of {_plural(len(tallies), 'checklist session')}; the latest had {last.yes} yes, "
           f"{last.no} no and {last.skipped} skipped.")
    return Plot("plot-checklist", heading, caption, alt, png)


# -- helpers --------------------------------------------------------------------------------------------------


def _ink_on(background) -> str:
    """Black or white, whichever reads on a cell of this colour (the two ends of the colour map are dark)."""
    red, green, blue = background[:3]
    return "#1a1a1a" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.45 else "white"


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _session_label(timestamp: str) -> str:
    moment = datetime.fromisoformat(timestamp).astimezone()
    return moment.strftime("%d %b %H:%M").lstrip("0")


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y at %H:%M}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _plural_of(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #fafaf7; color: #1f2328; font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
       Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin: 0 0 .4rem; }
h1 cite { font-style: italic; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.summary { font-size: 1.1rem; margin: .2rem 0; }
.meta, figcaption, footer { color: #57606a; font-size: .9rem; }
figure { margin: 0; }
figure img { display: block; max-width: 100%; height: auto; background: white; border: 1px solid #e5e5e5; }
figcaption { margin-top: .4rem; }
ol.tonight { padding-left: 1.4rem; }
li.work { margin: 0 0 1rem; padding: .6rem .8rem; background: white; border-left: 4px solid #c62828; }
li.work .cue { margin: 0; color: #57606a; font-size: .95rem; }
li.work .speaker { font-variant: small-caps; font-weight: 600; }
li.work .line { margin: .2rem 0; font-size: 1.2rem; }
li.work .number { font-weight: 700; margin-right: .4rem; }
ul.reasons { margin: .2rem 0 0; padding-left: 1.2rem; }
table.lines { border-collapse: collapse; width: 100%; font-size: .95rem; background: white; }
table.lines th, table.lines td { border-bottom: 1px solid #e5e5e5; padding: .35rem .5rem; text-align: left;
                                     vertical-align: top; }
table.lines th { background: #f0f0ea; }
td.number { text-align: right; white-space: nowrap; }
td.trend.improving { color: #2e7d32; }
td.trend.slipping { color: #c62828; font-weight: 600; }
.no-data { font-style: italic; color: #57606a; }
footer { margin-top: 2.5rem; }
"""
