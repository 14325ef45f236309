"""What the actor sees and hears between lines: the terminal (whose turn, which line, the written line after a
miss), counts that do not flatter (a line given after "line" is not right first time), only the scenes the role
is in, and "find something new" as a note rather than a refrain. Real engines, a real SQLite file, the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

import scene_helpers
from assistant.events import (
    EventStream,
    ListenStart,
    Outcome,
    Partial,
    SceneStart,
    SessionEnd,
    SessionStart,
    Verdict,
    read_events,
)
from assistant.script import load_script
from assistant.session.printer import TerminalPrinter
from assistant.session.run import Summary
from assistant.session.scenes import select_my_scenes
from assistant.speech.hearing import open_ear
from cli_helpers import callback
from scene_helpers import DEMO, ROLE, Scripted

BRICK_AND_STEEL = Path(__file__).parent / "scripts" / "brick-and-steel.fountain"
MAYA = [line.text for line in load_script(DEMO).lines_of(ROLE)]


@pytest.fixture(scope="module")
def ear():
    return open_ear("auto", names=("MAYA", "THEO"))


def test_the_terminal_shows_whose_line_and_after_a_miss_the_line_as_written(tmp_path):
    """Through the CLI, to a pipe (plain lines): every turn says "MAYA — line N of 5"; every miss is followed by
    the line as the script writes it, with a mark under the words that went wrong."""
    log = tmp_path / "run.jsonl"
    result = callback(tmp_path, "run", str(DEMO), "--role", "maya", "--actor", "virtual", "--actor-mistakes", "1",
                      "--seed", "3", "--engine", "pocketsphinx", "--fast", "--to", "2", "--events", str(log),
                      timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert ">> MAYA — line 1 of 5" in out and ">> MAYA — line 2 of 5" in out
    verdicts = [e for e in read_events(log) if e["type"] == "verdict"]
    missed = [v for v in verdicts if v["result"] == "missed"]
    assert missed, verdicts  # every line said wrong on purpose
    for verdict in missed:
        at = out.index(f"MAYA: {verdict['heard'] or '(nothing heard)'}  [missed]")
        written, marks = out[at + 1], out[at + 2]
        assert written == f"  as written: {verdict['expected']}"
        assert "^" in marks and set(marks.strip()) <= {"^", " "}


def test_on_a_terminal_the_same_is_drawn_boxed_with_the_words_heard_live():
    console = Console(file=io.StringIO(), record=True, width=90, force_terminal=True, color_system="truecolor")
    printer = TerminalPrinter(print, role_lines=5, console=console)
    expected = MAYA[2]
    for event in (SessionStart("run", role="MAYA"), SceneStart(1, "INT. HOSPITAL CAFETERIA - NIGHT", 2, True),
                  ListenStart("line", line=3, expected=expected), Partial("we lost the man"),
                  Verdict(line=3, result="missed", hearing="whisper", expected=expected,
                          heard="we lost the man in room five i keep thinking i missed something", score=0.9,
                          substituted=(("nine", "five"),)),
                  SessionEnd("run", Outcome.FINISHED, Summary(5, 3, 1, 0, (), False, prompted=1,
                                                                   line_calls=2).to_dict())):
        printer(event)
    printer.close()
    shown = console.export_text(clear=False)
    assert "Round 2 · Scene 1: INT. HOSPITAL CAFETERIA - NIGHT" in shown
    assert "MAYA — line 3 of 5" in shown
    assert f"as written: {expected}" in shown
    assert "3 of 5" in shown and "right after a prompt" in shown and "calls for the line" in shown
    styled = console.export_html(inline_styles=True)
    # The changed word stands out from the rest of the line.
    assert re.search(r'<span style="[^"]*background-color[^"]*">nine\.</span>', styled), styled
    assert not re.search(r'<span style="[^"]*background-color[^"]*">room</span>', styled)


def test_a_line_given_after_line_is_counted_as_prompted_in_the_summary_and_stats(ear, tmp_path):
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder, ScriptIdentity

    printed: list[str] = []
    recorder = HistoryRecorder(Store(tmp_path / "callback.db"), ScriptIdentity.of_file(DEMO))
    events, summary, _ = scene_helpers.rehearse(ear, Scripted({1: ["Line."]}), end=2, history=recorder,
                                                printer=TerminalPrinter(printed.append, console=None))
    recorder.close()
    assert [c.name for c in events.of_type("command")] == ["line"]
    first = [v for v in events.of_type("verdict") if v.line == 1]
    assert first[0].ok and first[0].prompts == 1, first
    assert summary.prompted == 1 and summary.line_calls == 1
    assert summary.right_first_time == sum(v.ok for v in events.of_type("verdict") if v.line == 2)
    said = "\n".join(printed)
    assert "1 right after a prompt." in said and "1 call for the line." in said
    spoken = [p.text for p in events.of_type("prompt_start") if p.kind == "summary"]
    assert spoken and "1 right after a prompt." in spoken[0]

    lines = json.loads(callback(tmp_path, "stats", str(DEMO), "--role", "MAYA", "--json").stdout)
    line_1 = next(line for line in lines if line["line"] == 1)
    assert (line_1["right"], line_1["prompted"], line_1["line_calls"], line_1["first_time_right"]) == (1, 1, 1, 0)
    table = callback(tmp_path, "stats", str(DEMO), "--role", "MAYA").stdout
    assert "1 of them only after a prompt; 1 call for the line" in table.splitlines()[0]


def test_drills_and_gradings_are_not_counted_as_rehearsals(tmp_path):
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder, ScriptIdentity

    for kind in ("run", "drill", "drill", "grade"):
        stream = EventStream()
        stream.subscribe(HistoryRecorder(Store(tmp_path / "callback.db"), ScriptIdentity.of_file(DEMO)))
        stream.emit(SessionStart(kind, script=str(DEMO), role="MAYA"))
        stream.emit(Verdict(line=1, result="ok", hearing="whisper", expected=MAYA[0], heard=MAYA[0], score=1.0))
        stream.emit(SessionEnd(kind, Outcome.FINISHED))
        stream.close()
    overview = json.loads(callback(tmp_path, "stats", "--json").stdout)
    assert [(row["sessions"], row["drills"], row["attempts"]) for row in overview] == [(1, 3, 4)]
    lines = json.loads(callback(tmp_path, "stats", str(DEMO), "--role", "MAYA", "--json").stdout)
    line_1 = next(line for line in lines if line["line"] == 1)
    assert (line_1["attempts"], line_1["sessions"], line_1["first_time_right"]) == (4, 1, 1)
    headline = callback(tmp_path, "stats", str(DEMO), "--role", "MAYA").stdout.splitlines()[0]
    assert "over 1 rehearsal and 3 drills or gradings" in headline


def test_my_scenes_plays_only_the_roles_scenes_from_its_first_cue_to_its_last_line():
    script = load_script(BRICK_AND_STEEL)
    chosen = select_my_scenes(script.scenes, "BRICK")
    assert {scene for scene, _ in chosen.scenes} == {1, 7}  # BRICK is in two of the eight scenes
    assert chosen.lines[0].speaker == "STEEL" and chosen.lines[0].text == script.scenes[0].lines[0].text
    assert chosen.lines[-1].speaker == "BRICK"  # STEEL's last word in scene 7 is not read
    assert sorted(chosen.numbers.values()) == [1, 2, 3, 4]
    assert [chosen.lines[i].speaker for i in chosen.numbers] == ["BRICK"] * 4


def test_run_starts_at_the_roles_first_cue_when_it_is_not_in_every_scene(tmp_path):
    """DAN has one line, in scene 2 of Brick & Steel: by default the run plays JACK's cue and DAN's line, and
    nothing of the other seven scenes."""
    script = load_script(BRICK_AND_STEEL)
    log = tmp_path / "run.jsonl"
    result = callback(tmp_path, "run", str(BRICK_AND_STEEL), "--role", "dan", "--actor", "virtual", "--engine",
                      "pocketsphinx", "--fast", "--events", str(log), timeout=300)
    assert result.returncode == 0, result.stderr
    events = read_events(log)
    jack = script.scenes[1].lines[0]
    assert [(e["speaker"], e["text"]) for e in events if e["type"] == "cue_start"] == [("JACK", jack.text)]
    assert [e["line"] for e in events if e["type"] == "verdict"] == [1]
    assert [e["scene"] for e in events if e["type"] == "scene_start"] == [2]
    assert "== Scene 2: INT. TRAILER HOME - DAY ==" in result.stdout


@pytest.mark.parametrize("refresh", [True, False])
def test_find_something_new_comes_at_most_once_a_line_and_never_in_the_first_round(ear, refresh):
    """Three rounds of --loop, every line said the same way each time (the third ends at line 3 with "stop")."""
    part = Scripted({3: [MAYA[2], MAYA[2], "Stop please."]})
    events, summary, _ = scene_helpers.rehearse(ear, part, end=3, loop=True, refresh=refresh)
    rounds = [e.round for e in events.of_type("scene_start")]
    assert rounds == [1, 2, 3] and summary.stopped_early
    round_at: list[int] = []
    current = 0
    for event in events.events:
        if event.type == "scene_start":
            current = event.round
        elif event.type == "refresh":
            round_at.append(current)
    refreshed = [e.line for e in events.of_type("refresh")]
    notes = [p for p in events.of_type("prompt_start") if p.kind == "refresh"]
    assert len(notes) == len(refreshed)
    if not refresh:
        assert refreshed == []
        return
    assert refreshed, "the same deliveries in round 2 draw the note"
    assert len(refreshed) == len(set(refreshed))  # at most once a line
    assert 1 not in round_at


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from assistant.session.printer import terminal_console

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdout", Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert terminal_console() is not None
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal_console() is None
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr("sys.stdout", io.StringIO())  # a pipe or a file
    assert terminal_console() is None
