"""Practice statistics and the HTML report, from real history files written the way sessions write them.

History is seeded through the real path: an EventStream with a HistoryRecorder subscribed, fed the same
session_start / verdict / session_end events a rehearsal emits. Days are then moved back in the SQLite file,
because the recorder stamps everything "now". The CLI runs as `python -m assistant` in a subprocess with its
own CALLBACK_HOME; the report is opened in a real headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
from assistant.history.database import ChecklistAnswer, Store
from assistant.history.practice import daily, line_stats, weakest_first, weakest_lines
from assistant.history.recorder import HistoryRecorder, ScriptIdentity
from assistant.history.report import build_report, render_html
from assistant.script import load_script

DEMO = Path(__file__).resolve().parents[1] / "assistant" / "data" / "demo_scene.txt"
REPO = Path(__file__).resolve().parents[1]

# MAYA's lines in the demo scene, by her line number.
MAYA = {line_number: line.text for line_number, line in enumerate(load_script(DEMO).lines_of("MAYA"), start=1)}


@pytest.fixture
def scene(tmp_path) -> Path:
    """A copy of the demo scene the test may edit."""
    path = tmp_path / "night-shift.txt"
    shutil.copyfile(DEMO, path)
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "callback.db"


def practise(db: Path, script: Path, tries: list[tuple], role: str = "MAYA", day: str | None = None) -> None:
    """One run session of `role`, as a rehearsal writes it: (line number, "ok" / "slip" / "missed", missing words
    [, calls for "line" before it])."""
    texts = {n: line.text for n, line in enumerate(load_script(script).lines_of(role), start=1)}
    stream = EventStream()
    recorder = HistoryRecorder(Store(db), ScriptIdentity.of_file(script))
    stream.subscribe(recorder)
    stream.emit(SessionStart(kind="run", script=str(script), role=role))
    attempt_of: dict[int, int] = {}
    for line, result, missing, *help_given in tries:  # a fourth item: calls for "line" before the attempt
        attempt_of[line] = attempt_of.get(line, 0) + 1
        heard = " ".join(word for word in texts[line].lower().split() if word.strip(".,?!") not in missing)
        stream.emit(Verdict(line=line, result=result, hearing="whisper", expected=texts[line], heard=heard,
                            score=1.0 if result == "ok" else 0.6, missing=missing, attempt=attempt_of[line],
                            prompts=help_given[0] if help_given else 0))
    stream.emit(SessionEnd(kind="run", outcome=Outcome.FINISHED, summary={}))
    stream.close()
    if day is not None:
        move_last_session_to(db, day)


def move_last_session_to(db: Path, day: str) -> None:
    """Date the latest session (and its attempts, a second apart) at noon UTC on `day`: noon is the same
    calendar day in every time zone from UTC-11 to UTC+11, so the day tests hold wherever they run."""
    connection = sqlite3.connect(db)
    try:
        with connection:
            session = connection.execute("SELECT max(id) FROM sessions").fetchone()[0]
            connection.execute("UPDATE sessions SET started_at = ? WHERE id = ?", (f"{day}T12:00:00.000+00:00", session))
            attempts = connection.execute("SELECT id FROM attempts WHERE session_id = ? ORDER BY id", (session,))
            for offset, (attempt,) in enumerate(attempts.fetchall(), start=1):
                connection.execute("UPDATE attempts SET at = ? WHERE id = ?", (f"{day}T12:00:{offset:02d}.000+00:00",
                                                                              attempt))
    finally:
        connection.close()

def stats_of(db: Path, script: Path, role: str = "MAYA"):
    identity = ScriptIdentity.of_file(script)
    attempts = Store(db).attempts(role, script_hash=identity.content_hash, script_path=identity.path)
    texts = [line.text for line in load_script(script).lines_of(role)]
    return {s.line: s for s in line_stats(texts, attempts)}, attempts


def callback(*args: str, home: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALLBACK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or REPO, timeout=60)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("callback: "), result.stderr
    return lines[0]


# -- the numbers ----------------------------------------------------------------------------------------------


def test_a_line_missed_twice_then_right(db, scene):
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light", "kept")), (2, "missed", ("light",)), (2, "ok", ())])

    stats, _ = stats_of(db, scene)

    line = stats[2]
    assert (line.attempts, line.right, line.first_time_right, line.sessions) == (3, 1, 0, 1)
    assert line.text == MAYA[2]
    assert line.dropped == (("light", 2), ("kept", 1))
    assert line.trend == "new"  # one session says nothing about a trend
    assert line.per_session == pytest.approx((1 / 3,))
    assert (stats[1].attempts, stats[1].right, stats[1].first_time_right) == (1, 1, 1)
    assert stats[5].attempts == 0 and stats[5].last_practised is None and stats[5].share_right is None
    assert line.last_practised is not None and line.last_practised >= stats[1].last_practised


def test_right_first_time_counts_sessions_not_attempts(db, scene):
    practise(db, scene, [(3, "missed", ("nine",)), (3, "ok", ())])
    practise(db, scene, [(3, "ok", ())])
    practise(db, scene, [(3, "ok", ()), (3, "missed", ("nine",))])  # right first, then "back" and missed

    line = stats_of(db, scene)[0][3]

    assert (line.attempts, line.right, line.first_time_right, line.sessions) == (5, 3, 2, 3)
    assert line.per_session == pytest.approx((0.5, 1.0, 0.5))


def test_weakest_first_puts_the_lowest_share_right_first_and_untried_lines_last(db, scene):
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light",)), (2, "ok", ()), (3, "missed", ()), (3, "ok", ()),
                         (4, "missed", ("easier",)), (4, "missed", ("easier",)), (4, "ok", ())])
    practise(db, scene, [(1, "ok", ()), (3, "missed", ()), (3, "ok", ())])
    stats, _ = stats_of(db, scene)
    # Line 4: 1 of 3 right. Lines 2 and 3 are both half right, but 3 was missed twice, 2 once. Line 5: never.

    assert [s.line for s in weakest_first(stats.values())] == [4, 3, 2, 1, 5]
    assert weakest_lines(list(stats.values()), 2) == [4, 3]
    assert weakest_lines(list(stats.values()), 10) == [4, 3, 2, 1]  # only lines tried at least once
    assert weakest_lines(list(stats.values()), 0) == []


def test_weakest_lines_of_a_role_never_practised_is_empty(db, scene):
    practise(db, scene, [(1, "missed", ("tuesday",))], role="THEO")
    stats, attempts = stats_of(db, scene, role="MAYA")

    assert attempts == []
    assert weakest_lines(list(stats.values()), 3) == []


def test_trend_across_days(db, scene):
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light",)), (2, "missed", ("light",)), (3, "ok", ())],
             day="2025-03-01")
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light",)), (2, "ok", ()), (3, "ok", ())], day="2025-03-02")
    practise(db, scene, [(1, "missed", ("triple",)), (1, "missed", ("triple",)), (2, "ok", ()), (3, "ok", ())],
             day="2025-03-04")
    stats, attempts = stats_of(db, scene)

    assert stats[2].trend == "improving"  # 0%, 50%, then 100%
    assert stats[1].trend == "slipping"  # right twice, then missed twice
    assert stats[3].trend == "steady"
    assert stats[4].trend == "new"  # never tried

    days = daily(attempts)
    assert [d.day for d in days] == [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 4)]
    assert [(d.sessions, d.attempts, d.right, d.lines) for d in days] == [(1, 4, 2, 3), (1, 4, 3, 3), (1, 4, 2, 3)]
    assert [d.share_right for d in days] == [0.5, 0.75, 0.5]


def test_an_edited_script_keeps_each_lines_history(db, scene):
    practise(db, scene, [(2, "missed", ("light",)), (2, "ok", ()), (5, "missed", ("twelve",))])

    # The writer rewords line 5: its words are found nowhere now, so it keeps its history by its number.
    edit(scene, "after I sleep for twelve hours.", "once I have slept.")
    stats, _ = stats_of(db, scene)
    assert stats[5].text == "Ask me again tomorrow, once I have slept."
    assert stats[5].attempts == 1 and stats[5].dropped == (("twelve", 1),)

    # Then adds a speech for MAYA at the top: line 2 becomes line 3 and its history follows its words.
    edit(scene, "THEO: You look like", "MAYA: Is this seat taken?\nTHEO: You look like")
    stats, _ = stats_of(db, scene)
    assert stats[3].text == MAYA[2] and (stats[3].attempts, stats[3].right) == (2, 1)
    assert stats[1].attempts == 0 and stats[2].attempts == 0


def edit(script: Path, old: str, new: str) -> None:
    text = script.read_text(encoding="utf-8")
    assert old in text
    script.write_text(text.replace(old, new), encoding="utf-8")


# -- callback stats -------------------------------------------------------------------------------------------


def test_stats_json_lists_every_line_weakest_first(tmp_path, scene):
    practise(tmp_path / "callback.db", scene, [(1, "ok", ()), (2, "missed", ("light",)), (2, "missed", ("light",)),
                                                 (2, "ok", ()), (4, "missed", ("easier",)), (4, "ok", ())])

    result = callback("stats", scene, "--role", "maya", "--json", home=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = json.loads(result.stdout)
    assert [line["line"] for line in lines] == [2, 4, 1, 3, 5]
    assert lines[0] == {**lines[0], "text": MAYA[2], "attempts": 3, "right": 1, "first_time_right": 0,
                        "trend": "new", "dropped": [{"word": "light", "times": 2}]}
    assert lines[-1]["attempts"] == 0

    # With one role practised in the script, --role can be left out.
    assert json.loads(callback("stats", scene, "--json", home=tmp_path).stdout) == lines


def test_stats_table_and_overview_read_like_the_history(tmp_path, scene):
    db = tmp_path / "callback.db"
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light", "kept")), (2, "ok", ())])
    practise(db, scene, [(1, "missed", ("tuesday",)), (1, "ok", ())], role="THEO")

    table = callback("stats", scene, "--role", "MAYA", home=tmp_path)
    overview = callback("stats", home=tmp_path)

    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()
    assert "MAYA" in rows[0] and "2 of 3 attempts right (67%)" in rows[0]
    assert rows[1].split()[:7] == ["line", "right", "word", "perfect", "prompted", "calls", "first"]
    assert re.match(r"\s*2\s+1 of 2\s+1 of 2\s+0\s+0\s+0 of 1\s+new\s+-\s+light, kept\s+You kept the light", rows[2]), \
        rows[2]
    assert "not tried" in rows[-1]

    assert overview.returncode == 0, overview.stderr
    body = overview.stdout
    assert str(scene.resolve()) in body
    maya = next(row for row in body.splitlines() if " MAYA " in row)
    theo = next(row for row in body.splitlines() if " THEO " in row)
    assert re.search(r"MAYA\s+1\s+0\s+3\s+67%", maya) and re.search(r"THEO\s+1\s+0\s+2\s+50%", theo)

    # Two roles practised: which one must be said.
    several = one_line_error(callback("stats", scene, home=tmp_path))
    assert "MAYA" in several and "THEO" in several and "--role" in several


def test_stats_without_history_says_so_in_one_line(tmp_path, scene):
    overview = callback("stats", home=tmp_path)
    assert overview.returncode == 0 and "no practice kept yet" in overview.stdout
    assert not (tmp_path / "callback.db").exists()  # looking must not create a history

    message = one_line_error(callback("stats", scene, "--role", "MAYA", home=tmp_path))
    assert "no practice kept yet for MAYA" in message and "callback run" in message


def test_stats_refuses_bad_input_in_one_line(tmp_path, scene):
    practise(tmp_path / "callback.db", scene, [(1, "ok", ())])

    assert "not found" in one_line_error(callback("stats", tmp_path / "nowhere.txt", "--role", "MAYA", home=tmp_path))
    unknown = one_line_error(callback("stats", scene, "--role", "HAMLET", home=tmp_path))
    assert "HAMLET" in unknown and "MAYA" in unknown and "THEO" in unknown


# -- callback report ------------------------------------------------------------------------------------------


def seed_for_report(home: Path, scene: Path) -> None:
    db = home / "callback.db"
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light", "kept")), (2, "missed", ("light",)),
                         (2, "ok", ()), (3, "ok", ()), (4, "missed", ("easier", "doesn't")), (4, "ok", ()),
                         (5, "ok", ())], day="2025-03-01")
    practise(db, scene, [(1, "ok", ()), (2, "missed", ("light",)), (2, "ok", ()), (3, "missed", ("nine",)),
                         (3, "ok", ()), (4, "ok", ())], day="2025-03-02")
    practise(db, scene, [(2, "ok", ()), (3, "ok", ()), (4, "missed", ("easier",)), (4, "ok", (), 1), (5, "ok", ())],
             day="2025-03-05")
    drill(db, scene, [{"line": 2, "redirection": "Faster, there's urgency.", "kind": "pace", "changed": True},
                      {"line": 2, "redirection": "Quieter.", "kind": "loudness", "changed": False},
                      {"line": 4, "redirection": "Pick up the pace.", "kind": "pace", "changed": True}])
    store = Store(db)
    questions = [("intention", "Did I refine my character's intention?"), ("direction", "Am I ready to pivot?"),
                 ("mindset", "Is my mindset calm?")]
    for day, answers in [("2025-03-01", ("no", "no", "yes")), ("2025-03-04", ("yes", "no", "no")),
                         ("2025-03-05", ("yes", "yes", "skipped"))]:
        store.add_checklist(f"{day}T07:00:00+00:00", f"{day}T07:02:00+00:00",
                            [ChecklistAnswer(i, q, a) for (i, q), a in zip(questions, answers)], {"ended": "finished"})


def drill(db: Path, script: Path, results: list[dict], role: str = "MAYA") -> None:
    """A drill session as `callback drill` keeps it: its notes and whether each was taken, in its summary."""
    stream = EventStream()
    stream.subscribe(HistoryRecorder(Store(db), ScriptIdentity.of_file(script)))
    stream.emit(SessionStart(kind="drill", script=str(script), role=role))
    stream.emit(SessionEnd(kind="drill", outcome=Outcome.FINISHED, summary={"results": results}))
    stream.close()


PLOT_IDS = ("plot-accuracy", "plot-days", "plot-dropped", "plot-checklist")


@pytest.fixture(scope="module")
def written_report(tmp_path_factory) -> Path:
    """`callback report` of a seeded history, written once for the tests that read the page."""
    home = tmp_path_factory.mktemp("report")
    scene = home / "night-shift.txt"
    shutil.copyfile(DEMO, scene)
    seed_for_report(home, scene)
    output = home / "out" / "maya.html"
    output.parent.mkdir()
    result = callback("report", scene, "--role", "MAYA", "-o", output, home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {output}"
    return output


def test_report_is_one_self_contained_page_with_every_plot(written_report):
    page = written_report.read_text(encoding="utf-8")
    for plot in PLOT_IDS:
        section = re.search(rf'<section class="plot" id="{plot}">(.*?)</section>', page, re.S)
        assert section, f"{plot} missing"
        image = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">', section.group(1))
        assert image and len(image.group(1)) > 2000 and len(image.group(2)) > 30
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from anywhere
    assert "<script" not in page
    summary = re.search(r'<p class="summary" id="summary">([^<]*)</p>', page).group(1)
    assert summary == ("5 of 5 lines tried in 3 rehearsals from 1 Mar 2025 to 5 Mar 2025. Of 19 attempts: 12 right "
                       "unaided, 1 right after asking for &quot;line&quot; and 6 missed (63% right unaided); "
                       "&quot;line&quot; asked for once.")


def test_report_opens_with_at_most_three_lines_to_work_on_each_with_a_reason_and_its_cue(written_report):
    page = written_report.read_text(encoding="utf-8")
    tonight = re.search(r'<section id="tonight">(.*?)</section>', page, re.S).group(1)
    items = re.findall(r'<li class="work" data-line="(\d+)">(.*?)</ul></li>', tonight, re.S)
    # Lines 1 and 5 went cleanly every time: not tonight's work. Line 4 was missed and needed "line".
    assert [line for line, _ in items] == ["4", "2", "3"]
    line_4 = items[0][1]
    assert "missed 2 of the last 5 tries" in line_4 and "asked for &quot;line&quot; once" in line_4
    assert '<span class="speaker">THEO</span>' in line_4  # the cue that leads into it
    assert page.index('id="tonight"') < page.index('id="lines"') < page.index('id="plot-accuracy"')


def test_report_says_which_notes_are_taken_and_which_checklist_items_are_still_no(written_report):
    page = written_report.read_text(encoding="utf-8")
    notes = re.findall(r'<li data-kind="(\w+)"><strong>\w+</strong>: ([^<]*)</li>', page)
    assert notes == [("pace", "changed 2 of 2 times"), ("loudness", "changed 0 of 1 time")]
    still = re.search(r'<ul class="still-no">(.*?)</ul>', page, re.S).group(1)
    # "Am I ready to pivot?" was no twice, then yes: done. The mindset was no, then skipped: still no.
    assert re.findall(r"<li>([^<]*)</li>", still) == ["Is my mindset calm?"]


def test_a_plot_with_nothing_to_show_is_a_note(db, scene):
    practise(db, scene, [(1, "ok", ()), (2, "ok", ())])
    _, attempts = stats_of(db, scene)
    texts = list(MAYA.values())

    page = render_html(build_report("The Night Shift", "MAYA", str(scene), texts, attempts, checklists=()))

    assert page.count("data:image/png;base64,") == 2  # per line and per day
    for plot in ("plot-dropped", "plot-checklist"):
        assert re.search(rf'<section class="plot no-data" id="{plot}">.*?<p class="no-data">\w', page, re.S)


def test_report_refuses_bad_output_and_input_in_one_line(tmp_path, scene):
    seed_for_report(tmp_path, scene)

    missing_folder = tmp_path / "no" / "such" / "folder" / "r.html"
    message = one_line_error(callback("report", scene, "--role", "MAYA", "-o", missing_folder, home=tmp_path))
    assert "does not exist" in message and not missing_folder.parent.exists()
    assert "folder" in one_line_error(callback("report", scene, "--role", "MAYA", "-o", tmp_path, home=tmp_path))
    assert "THEO" in one_line_error(callback("report", scene, "--role", "HAMLET", "-o", tmp_path / "r.html",
                                             home=tmp_path))
    assert "no practice kept yet for THEO" in one_line_error(
        callback("report", scene, "--role", "THEO", "-o", tmp_path / "r.html", home=tmp_path))
    assert not (tmp_path / "r.html").exists()


# Counts, once the page has loaded, the plot images the browser decoded, into attributes of <body>.
DECODED_COUNTER = """<script>
window.addEventListener("load", () => {
  const images = [...document.querySelectorAll("section.plot img")];
  const decoded = images.filter(image => image.complete && image.naturalWidth > 0);
  document.body.dataset.plots = images.length;
  document.body.dataset.decoded = decoded.length;
  document.body.dataset.narrowest = Math.min(...decoded.map(image => image.naturalWidth));
});
</script>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (apt install chromium) to render the page")
def test_report_renders_in_a_real_browser(tmp_path, written_report):
    import matplotlib.image

    report = written_report
    # The page itself has no script; a copy gets one that reports what the browser made of the images.
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", DECODED_COUNTER + "</body>"),
                     encoding="utf-8")
    screenshot = tmp_path / "shot.png"
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000"]

    shot = subprocess.run([*browser, f"--screenshot={screenshot}", "--window-size=1200,4200", report.as_uri()],
                          capture_output=True, text=True, timeout=120)
    dom = subprocess.run([*browser, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)

    assert screenshot.is_file(), shot.stderr
    pixels = matplotlib.image.imread(screenshot)[..., :3]
    not_white = (pixels.min(axis=2) < 0.9).mean()
    assert pixels.std() > 0.05 and not_white > 0.05, "the page looks blank"
    # The plots' own colours are on screen: the heatmap's reds and greens and the checklist's bars.
    red = ((pixels[..., 0] > 0.6) & (pixels[..., 1] < 0.35) & (pixels[..., 2] < 0.35)).mean()
    green = ((pixels[..., 1] > 0.45) & (pixels[..., 0] < 0.35) & (pixels[..., 2] < 0.35)).mean()
    assert red > 0.001 and green > 0.001

    body = re.search(r"<body([^>]*)>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
    assert attributes.get("plots") == "4" and attributes.get("decoded") == "4", attributes
    assert int(attributes["narrowest"]) > 300
