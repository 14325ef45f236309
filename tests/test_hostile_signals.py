"""SIGTERM and SIGHUP (a `kill`, a closed terminal window) end a session as Ctrl-C does: `session_end` with the
outcome "interrupted", the summary so far, every judged line and given answer kept, and a checklist cut short
never called finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.events import read_events
from cli_helpers import callback, two_hander

SCENE = Path(__file__).resolve().parents[1] / "assistant" / "data" / "demo_scene.txt"


def signalled(home: Path, arguments: list[str], log: Path, ready, signal_number: int):
    """Start `callback ARGUMENTS --events LOG`, send the signal once `ready(events)` holds, and return
    (exit code, stdout, stderr, the events logged)."""
    env = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(home.parent / "config")}
    process = subprocess.Popen([sys.executable, "-m", "assistant", *arguments, "--events", str(log)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and ready(read_events(log)):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the session ended before the signal could be sent"
    process.send_signal(signal_number)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err, read_events(log)


def kept(home: Path, query: str):
    import sqlite3

    return sqlite3.connect(home / "callback.db").execute(query).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_scene_ends_the_run_as_ctrl_c_does(tmp_path, signal_number):
    home = tmp_path / "home"
    log = tmp_path / "run.jsonl"
    code, out, err, events = signalled(
        home, ["run", str(SCENE), "--role", "MAYA", "--actor", "virtual", "--fast", "--engine", "pocketsphinx"],
        log, lambda events: sum(e["type"] == "verdict" for e in events) >= 1, signal_number)
    assert code == 128 + signal_number, err
    assert "Traceback" not in err and f"callback: stopped ({signal.Signals(signal_number).name})" in err
    assert events[-1]["type"] == "session_end" and events[-1]["outcome"] == "interrupted"
    judged = [(e["line"], e["result"]) for e in events if e["type"] == "verdict"]
    assert kept(home, "SELECT line_number, verdict FROM attempts ORDER BY id") == judged
    assert kept(home, "SELECT outcome FROM sessions") == [("interrupted",)]
    assert "right first time" in out  # the summary so far is shown


@pytest.mark.slow
def test_a_signal_mid_drill_ends_it_as_ctrl_c_does(tmp_path):
    home = tmp_path / "home"
    script = two_hander(tmp_path)
    code, out, err, events = signalled(
        home, ["drill", str(script), "--role", "MAYA", "--actor", "virtual", "--fast", "--engine", "pocketsphinx",
               "--rounds", "6"],
        tmp_path / "drill.jsonl", lambda events: any(e["type"] == "redirection" for e in events), signal.SIGTERM)
    assert code == 143 and "Traceback" not in err, err
    assert events[-1]["type"] == "session_end" and events[-1]["outcome"] == "interrupted"
    assert kept(home, "SELECT kind, outcome FROM sessions") == [("drill", "interrupted")]
    assert "notes taken" in out


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_checklist_ended_by_a_signal_keeps_its_answers_and_is_not_called_finished(tmp_path, signal_number):
    home = tmp_path / "home"
    code, out, err, events = signalled(
        home, ["checklist", "--actor", "virtual", "--answers", "yes,nope,not yet", "--fast", "--timeout", "60",
               "--engine", "pocketsphinx"],
        tmp_path / "checklist.jsonl",
        lambda events: sum(e["type"] == "prompt_start" and e["kind"] == "question" for e in events) >= 3,
        signal_number)
    assert code == 128 + signal_number and "Traceback" not in err, err
    assert events[-1]["type"] == "session_end" and events[-1]["outcome"] == "interrupted"
    assert "Saved " in out
    last = callback(home, "checklist", "--last", "--json")
    assert last.returncode == 0, last.stderr
    summary = json.loads(last.stdout)
    assert summary["ended"] == "interrupted" and [item["answer"] for item in summary["items"]] == ["yes", "no"]


def test_a_checklist_killed_outright_is_shown_unfinished(tmp_path):
    """SIGKILL cannot be handled: the session has answers and no end. --last must not call it finished."""
    from assistant.events import Answer, EventStream, SessionStart
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder

    home = tmp_path / "home"
    stream = EventStream()
    stream.subscribe(HistoryRecorder(Store(home / "callback.db")))
    stream.emit(SessionStart("checklist"))
    stream.emit(Answer(index=0, question="Do I know my lines cold?", answer="yes", item_id="lines",
                       recorded="yes"))
    # ...and then the process is gone: no session_end.
    text = callback(home, "checklist", "--last")
    assert text.returncode == 0, text.stderr
    assert "unfinished" in text.stdout.splitlines()[0] and "finished)" not in text.stdout.splitlines()[0]
    assert json.loads(callback(home, "checklist", "--last", "--json").stdout)["ended"] == "unfinished"


@pytest.mark.slow
def test_a_terminal_that_goes_away_does_not_end_the_session(tmp_path):
    """stdout's reader leaves after the first line (`callback run ... | head -1`): the printer falls silent, and
    the scene still runs to its end with every line and the outcome kept."""
    home = tmp_path / "home"
    log = tmp_path / "run.jsonl"
    env = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "run", str(SCENE), "--role", "MAYA", "--actor", "virtual", "--fast",
         "--engine", "pocketsphinx", "--events", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.readline()
    process.stdout.close()  # the reader is gone
    err = process.stderr.read().decode()
    process.wait(timeout=240)
    assert "Traceback" not in err, err
    events = read_events(log)
    assert events[-1]["type"] == "session_end" and events[-1]["outcome"] == "finished"
    assert kept(home, "SELECT outcome FROM sessions") == [("finished",)]
    assert len(kept(home, "SELECT id FROM attempts")) == sum(e["type"] == "verdict" for e in events) >= 5
