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

from assistant.history.database import AttemptRecord, ChecklistRecord
from assistant.history.practice import (
    AccuracyGrid,
    ChecklistTally,
    DayStats,
    LineStats,
    accuracy_grid,
    checklist_tallies,
    daily,
    dropped_words,
    line_stats,
    weakest_first,
)

#: The heatmap shows at most this many sessions (the latest) and lines (the weakest, in script order).
HEATMAP_SESSIONS = 24
HEATMAP_LINES = 60
#: Bars in the dropped-words chart, table rows of weakest lines, checklist sessions shown.
DROPPED_SHOWN = 12
WEAKEST_SHOWN = 8
CHECKLISTS_SHOWN = 30
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
class PracticeReport:
    title: str
    role: str
    script_path: str
    stats: list[LineStats]
    grid: AccuracyGrid
    days: list[DayStats]
    dropped: list[tuple[str, int]]
    checklists: list[ChecklistTally]
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())


def build_report(title: str, role: str, script_path: str, texts: Sequence[str], attempts: Sequence[AttemptRecord],
                 checklists: Sequence[ChecklistRecord] = (), generated: datetime | None = None) -> PracticeReport:
    """The numbers the page shows, for a role whose lines now read `texts`."""
    stats = line_stats(texts, attempts)
    return PracticeReport(
        title=title,
        role=role,
        script_path=script_path,
        stats=stats,
        grid=accuracy_grid(texts, attempts),
        days=daily(attempts),
        dropped=dropped_words(stats, DROPPED_SHOWN),
        checklists=checklist_tallies(checklists),
        generated=generated or datetime.now().astimezone(),
    )


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
<section id="weakest">
<h2>Lines to work on</h2>
{_weakest_table(report)}
</section>
{"".join(_figure(plot) for plot in plots)}
<footer>
<p>Right first time counts the sessions in which the first try at a line was right. A trend compares a line's
latest sessions with the ones before: improving or slipping by 20 points or more, steady otherwise, and new
after a single session.</p>
</footer>
</main>
</body>
</html>
"""


# -- the words ------------------------------------------------------------------------------------------------


def _summary(report: PracticeReport) -> str:
    attempts = sum(s.attempts for s in report.stats)
    right = sum(s.right for s in report.stats)
    tried = sum(1 for s in report.stats if s.attempts)
    sessions = len(report.grid.sessions)
    if not attempts:
        return f"No practice kept yet for {report.role}'s {len(report.stats)} lines."
    days = report.days
    span = (f"on {_day(days[0].day)}" if len(days) == 1
            else f"from {_day(days[0].day)} to {_day(days[-1].day)}")
    return (f"{tried} of {len(report.stats)} lines tried in {_plural(sessions, 'session')} {span}; "
            f"{right} of {_plural(attempts, 'attempt')} right ({right / attempts:.0%}).")


def _weakest_table(report: PracticeReport) -> str:
    tried = [s for s in weakest_first(report.stats) if s.attempts][:WEAKEST_SHOWN]
    if not tried:
        return '<p class="no-data">No line tried yet.</p>'
    e = html.escape
    rows = []
    for s in tried:
        dropped = ", ".join(f"{word} ({times})" if times > 1 else word for word, times in s.dropped[:4]) or "—"
        rows.append(
            f"<tr><td class=\"number\">{s.line}</td><td>{e(s.text)}</td>"
            f"<td class=\"number\">{s.right} of {s.attempts}</td>"
            f"<td class=\"number\">{s.word_perfect} of {s.attempts}</td>"
            f"<td class=\"number\">{s.first_time_right} of {_plural(s.sessions, 'session')}</td>"
            f"<td class=\"trend {s.trend}\">{s.trend}</td><td>{e(dropped)}</td></tr>"
        )
    return ("<table class=\"weakest\"><thead><tr><th>Line</th><th>Text</th><th>Right</th><th>Word perfect</th><th>Right first time</th>"
            "<th>Trend</th><th>Words dropped</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


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
    heading = "Words most often dropped"
    words = report.dropped
    if not words:
        return Plot("plot-dropped", heading, "", "",
                    empty_note="No word dropped yet: every missed attempt had all its words, or nothing was missed.")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 1.0 + 0.32 * len(words)), dpi=DPI)
    axes = figure.subplots()
    names = [word for word, _ in words]
    times = [count for _, count in words]
    axes.barh(range(len(words)), times, color=MISSED_COLOUR, height=0.65)
    axes.set_yticks(range(len(words)), names)
    axes.invert_yaxis()  # the most dropped on top
    axes.set_xlabel("times left out of a missed attempt")
    axes.xaxis.get_major_locator().set_params(integer=True)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    png = _png(figure)
    caption = "Words left out of attempts judged missed, across all of the role's lines."
    listed = ", ".join(f"{word} ({count})" for word, count in words[:5])
    alt = f"Bar chart of the {_plural(len(words), 'word')} most often dropped: {listed}."
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
table.weakest { border-collapse: collapse; width: 100%; font-size: .95rem; background: white; }
table.weakest th, table.weakest td { border-bottom: 1px solid #e5e5e5; padding: .35rem .5rem; text-align: left;
                                     vertical-align: top; }
table.weakest th { background: #f0f0ea; }
td.number { text-align: right; white-space: nowrap; }
td.trend.improving { color: #2e7d32; }
td.trend.slipping { color: #c62828; font-weight: 600; }
.no-data { font-style: italic; color: #57606a; }
footer { margin-top: 2.5rem; }
"""
