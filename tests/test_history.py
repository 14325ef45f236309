"""The practice history: a real SQLite file, where the user expects it, written as things happen, upgraded in
place from older versions, and never overwritten when it is damaged, locked or newer than callback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import CallbackError
from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
from assistant.history import ChecklistAnswer, Store, default_path
from assistant.history import database
from assistant.history.recorder import HistoryRecorder, ScriptIdentity
from process_helpers import ctrl_c_as_at_a_terminal

V1_FILE = Path(__file__).parent / "data" / "history-v1.db"  # written by callback 0.1's own store
DEMO = Path(__file__).resolve().parents[1] / "assistant" / "data" / "demo_scene.txt"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBACK_HOME", str(tmp_path))
    return tmp_path


def test_the_database_lives_in_callback_home(home):
    assert default_path() == home / "callback.db"
    Store().add_session("ground", "2025-01-01T08:00:00+00:00", "2025-01-01T08:02:00+00:00", {"rounds": 5})
    assert (home / "callback.db").is_file()


def test_without_callback_home_it_is_under_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CALLBACK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "callback" / "callback.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert default_path() == tmp_path / "me" / ".local" / "share" / "callback" / "callback.db"


def test_the_last_checklist_is_read_back_from_a_fresh_store(home):
    answers = [
        ChecklistAnswer("intention", "Did I refine my character's intention and emotional beats?", "yes"),
        ChecklistAnswer("direction", "Am I prepared to take direction and pivot?", "no", revisit=True),
        ChecklistAnswer("mindset", "Is my mindset calm, confident, and open?", "skipped"),
    ]
    Store().add_checklist("2025-01-01T07:00:00+00:00", "2025-01-01T07:01:00+00:00", answers[:1], {"ended": "stopped"})
    Store().add_checklist("2025-01-02T07:00:00+00:00", "2025-01-02T07:03:00+00:00", answers, {"ended": "finished"})

    record = Store(home / "callback.db").last_checklist()  # a new object, so nothing is cached in memory

    assert record.answers == tuple(answers)
    assert record.session.kind == "checklist"
    assert record.session.ended_at == "2025-01-02T07:03:00+00:00"
    assert record.session.summary == {"ended": "finished"}
    assert record.session.outcome == "finished"


def test_no_checklist_yet_reads_back_as_none(home):
    Store().add_session("ground", "2025-01-01T08:00:00+00:00", None, {})
    assert Store().last_checklist() is None
    assert Store().last_session("ground").summary == {}


def test_a_corrupt_database_is_a_one_line_error_and_is_never_overwritten(home):
    damaged = b"this is not a database at all, just some text " * 100
    (home / "callback.db").write_bytes(damaged)
    for attempt in (Store().last_checklist, Store().check, lambda: HistoryRecorder(Store())):
        with pytest.raises(CallbackError) as caught:
            attempt()
        message = str(caught.value)
        assert "\n" not in message and str(home / "callback.db") in message and "damaged" in message
    assert (home / "callback.db").read_bytes() == damaged


def test_an_answer_outside_yes_no_skipped_is_refused(home):
    with pytest.raises(sqlite3.IntegrityError):
        Store().add_checklist("t0", "t1", [ChecklistAnswer("x", "Q?", "maybe")], {})
    assert Store().last_checklist() is None  # nothing half-written


# -- versions -----------------------------------------------------------------------------------------------


def test_a_version_1_database_upgrades_in_place_keeping_everything(tmp_path):
    path = tmp_path / "callback.db"
    shutil.copy(V1_FILE, path)
    with sqlite3.connect(path) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1

    store = Store(path)
    sessions = store.sessions()
    assert [(s.kind, s.started_at, s.outcome) for s in sessions] == [
        ("checklist", "2026-11-20T07:00:00+00:00", "finished"), ("ground", "2026-11-20T07:05:00+00:00", "finished")]
    record = store.last_checklist()
    assert [a.answer for a in record.answers] == ["yes", "no", "skipped"] and record.answers[1].revisit
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
        assert upgraded.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The upgraded file takes a run's attempts like a new one.
    record_attempts(path, [("ok", "I kept the light on for you.")])
    assert [a.heard for a in Store(path).attempts("MAYA")] == ["I kept the light on for you."]


def test_a_version_2_history_keeps_its_attempts_and_then_takes_slips(tmp_path):
    """Version 3 lets an attempt be a slip: SQLite cannot change a CHECK constraint, so the attempts table is
    rebuilt; every attempt kept by version 2 must come through it as it was."""
    path = tmp_path / "callback.db"
    with sqlite3.connect(path) as old:
        for step in (1, 2):
            old.executescript(database.MIGRATIONS[step])
        old.execute("PRAGMA user_version = 2")
        old.execute("INSERT INTO sessions (kind, started_at) VALUES ('run', '2026-11-20T07:00:00+00:00')")
        old.execute("INSERT INTO attempts (session_id, role, line_number, line_text, at, heard, verdict, score, "
                    "missing) VALUES (1, 'MAYA', 2, 'I kept the light on for you.', '2026-11-20T07:01:00+00:00', "
                    "'I kept the on for you.', 'missed', 0.8, '[\"light\"]')")
        with pytest.raises(sqlite3.IntegrityError):  # version 2 knows no slips
            old.execute("UPDATE attempts SET verdict = 'slip'")
    record_attempts(path, [("slip", "I kept the light for you.")])
    kept = Store(path).attempts("MAYA")
    assert [(a.verdict, a.heard, a.missing) for a in kept] == [
        ("missed", "I kept the on for you.", ("light",)), ("slip", "I kept the light for you.", ("light",))]
    assert [a.ok for a in kept] == [False, True] and not kept[1].word_perfect
    with sqlite3.connect(path) as upgraded:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
        indexes = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"attempts_by_line", "attempts_by_session"} <= indexes


def test_a_database_from_a_newer_callback_is_refused_untouched(home):
    path = home / "callback.db"
    with sqlite3.connect(path) as newer:
        newer.execute("CREATE TABLE future (x)")
        newer.execute(f"PRAGMA user_version = {database.SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(CallbackError, match="newer callback"):
        Store().check()
    assert path.read_bytes() == before


# -- faults found before a session starts -------------------------------------------------------------------


def test_a_data_folder_that_cannot_be_made_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("CALLBACK_HOME", "/etc/passwd/x")
    with pytest.raises(CallbackError) as caught:
        Store().check()
    assert "/etc/passwd" in str(caught.value) and "--no-history" in str(caught.value)


def test_a_locked_database_is_a_one_line_error_naming_the_file(home, monkeypatch):
    monkeypatch.setattr(database, "BUSY_SECONDS", 0.2)
    Store().check()
    holder = sqlite3.connect(home / "callback.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another callback in the middle of writing
    try:
        with pytest.raises(CallbackError) as caught:
            HistoryRecorder(Store())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "in use" in str(caught.value) and str(home / "callback.db") in str(caught.value)


# -- written as it happens ----------------------------------------------------------------------------------


def record_attempts(path: Path, verdicts, end: bool = True) -> HistoryRecorder:
    stream = EventStream()
    recorder = HistoryRecorder(Store(path), ScriptIdentity.of_file(DEMO))
    stream.subscribe(recorder)
    stream.emit(SessionStart("run", script=str(DEMO), role="MAYA"))
    for number, (result, heard) in enumerate(verdicts, start=1):
        stream.emit(Verdict(line=number, result=result, hearing="whisper", expected="I kept the light on for you.",
                            heard=heard, score=1.0 if result == "ok" else 0.5,
                            missing=() if result == "ok" else ("light",)))
    if end:
        stream.emit(SessionEnd("run", Outcome.FINISHED, {"lines": len(verdicts)}))
        recorder.close()
    return recorder


def test_each_attempt_is_committed_before_the_session_ends(tmp_path):
    path = tmp_path / "callback.db"
    recorder = record_attempts(path, [("ok", "I kept the light on for you."), ("missed", "I kept the on for you.")],
                               end=False)
    # Another process reads the file while the session is still open: both attempts are already there.
    read = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
         "print(c.execute('SELECT verdict FROM attempts ORDER BY id').fetchall())", str(path)],
        capture_output=True, text=True, check=True)
    assert read.stdout.strip() == "[('ok',), ('missed',)]"
    recorder.close()
    attempts = Store(path).attempts("MAYA", script_path=str(DEMO.resolve()))
    assert [(a.verdict, a.missing, a.hearing) for a in attempts] == [("ok", (), "whisper"), ("missed", ("light",), "whisper")]
    session = Store(path).sessions()[0]
    assert session.ended_at is None  # never ended: a crash, and still nothing judged is lost


def test_the_same_script_is_found_by_its_text_wherever_it_moves(tmp_path):
    path = tmp_path / "callback.db"
    record_attempts(path, [("ok", "I kept the light on for you.")])
    moved = tmp_path / "renamed.txt"
    shutil.copy(DEMO, moved)
    identity = ScriptIdentity.of_file(moved)
    assert len(Store(path).attempts("MAYA", identity.content_hash, identity.path)) == 1
    assert Store(path).attempts("THEO", identity.content_hash, identity.path) == []


def run_main(home, *args, timeout=300):
    env = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(Path(home) / "config")}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.mark.parametrize("command", [
    ["checklist", "--actor", "virtual", "--answers", "yes", "--fast"],
    ["ground", "--actor", "virtual", "--fast", "--minutes", "0.1"],
    ["run", str(DEMO), "--role", "MAYA", "--actor", "virtual", "--fast"],
])
def test_an_unwritable_data_folder_stops_the_session_before_anything_is_asked(tmp_path, command):
    events = tmp_path / "events.jsonl"
    result = run_main("/etc/passwd/x", *command, "--events", str(events))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("callback: ")]
    assert len(errors) == 1 and "/etc/passwd" in errors[0], result.stderr
    assert not events.exists() and "callback:" not in result.stdout  # nothing was asked, nothing played


def test_a_damaged_database_stops_the_checklist_before_the_first_question(tmp_path):
    damaged = b"SQLite format 3\x00" + b"\x07" * 5000
    (tmp_path / "callback.db").write_bytes(damaged)
    result = run_main(tmp_path, "checklist", "--actor", "virtual", "--answers", "yes", "--fast")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert str(tmp_path / "callback.db") in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "callback.db").read_bytes() == damaged


@pytest.mark.slow
def test_no_history_runs_the_session_and_says_so(tmp_path):
    result = run_main("/etc/passwd/x", "checklist", "--actor", "virtual", "--answers", "yes,that's enough",
                      "--fast", "--timeout", "1.5", "--json", "--no-history")
    assert result.returncode == 0, result.stderr
    assert "--no-history" in result.stderr
    assert '"saved": false' in result.stdout and '"answer": "yes"' in result.stdout


@pytest.mark.slow
def test_ctrl_c_mid_scene_keeps_every_line_judged_and_stats_counts_them(tmp_path):
    import json
    import signal
    import time

    from assistant.events import read_events

    log = tmp_path / "run.jsonl"
    env = {**os.environ, "CALLBACK_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "run", str(DEMO), "--role", "MAYA", "--actor", "virtual", "--fast",
         "--engine", "pocketsphinx", "--events", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and sum(e["type"] == "verdict" for e in read_events(log)) >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err

    events = read_events(log)
    judged = [(e["line"], e["result"]) for e in events if e["type"] == "verdict"]
    assert 2 <= len(judged) < 5
    assert events[-1]["type"] == "session_end" and events[-1]["outcome"] == "interrupted"
    kept = [(a.line_number, a.verdict) for a in Store(tmp_path / "callback.db").attempts("MAYA")]
    assert kept == judged
    assert "right first time" in out  # the summary so far is still shown

    stats = subprocess.run([sys.executable, "-m", "assistant", "stats", str(DEMO), "--role", "MAYA", "--json"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert stats.returncode == 0, stats.stderr
    rows = json.loads(stats.stdout)
    assert sum(row["attempts"] for row in rows) == len(judged)
    assert sum(row["right"] for row in rows) == sum(result == "ok" for _, result in judged)
