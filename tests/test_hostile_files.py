"""Files that are not what they claim: a device or a pipe given as a script or an event log, a script the size
of a disk, notes files of the wrong shape. Each is one line of refusal, found before anything is read in full,
played or kept."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from cli_helpers import callback, one_error, two_hander


def test_an_earlier_event_log_is_still_appended_to(tmp_path):
    """The check for what a log is must not refuse a log: a regular file that starts with an event."""
    from assistant.events import EventFile, EventStream, SessionEnd, SessionStart

    log = tmp_path / "run.jsonl"
    for _ in range(2):
        stream = EventStream()
        stream.subscribe(EventFile(log))
        stream.emit(SessionStart("ground"))
        stream.emit(SessionEnd("ground"))
        stream.close()
    assert [json.loads(line)["type"] for line in log.read_text().splitlines()] == ["session_start", "session_end"] * 2


@pytest.mark.parametrize("target", ["/dev/full", "/dev/zero", "FIFO"])
@pytest.mark.parametrize("command", [
    ["checklist", "--actor", "virtual", "--answers", "yes", "--fast", "--engine", "pocketsphinx"],
    ["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast", "--engine", "pocketsphinx"],
])
def test_events_onto_a_device_or_a_pipe_is_refused_at_once(tmp_path, target, command):
    script = two_hander(tmp_path)
    if target == "FIFO":
        target = str(tmp_path / "pipe")
        os.mkfifo(target)
    arguments = [str(script) if a == "SCRIPT" else a for a in command]
    # A memory ceiling the old unbounded readline() of /dev/full ran through in a second; and a timeout that the
    # old blocking open of a FIFO never beat.
    result = callback(tmp_path / "home", *arguments, "--events", target, timeout=60,
                      preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)))
    error = one_error(result)
    assert target in error and "not a file" in error


@pytest.mark.parametrize("command", [["roles"], ["show"], ["run", "--role", "MAYA", "--actor", "virtual", "--fast"],
                                     ["stats"]])
@pytest.mark.parametrize("target", ["/dev/zero", "FIFO"])
def test_a_device_or_a_pipe_given_as_a_script_is_refused_before_reading(tmp_path, command, target):
    if target == "FIFO":
        target = str(tmp_path / "sides.txt")
        os.mkfifo(target)
    result = callback(tmp_path / "home", command[0], target, *command[1:], timeout=60,
                      preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)))
    error = one_error(result)
    assert target in error and "not a script file" in error


@pytest.mark.parametrize("name, limit", [("huge.txt", "20 MB"), ("huge.pdf", "200 MB")])
def test_a_script_over_the_size_limit_is_refused_before_reading(tmp_path, name, limit):
    huge = tmp_path / name
    with open(huge, "wb") as file:  # sparse: takes no disk, reads as zeros
        file.truncate(300 << 20)
    result = callback(tmp_path / "home", "roles", str(huge), timeout=60,
                      preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)))
    error = one_error(result)
    assert "300 MB" in error and limit in error


def test_a_user_notes_file_that_is_a_device_is_refused(tmp_path):
    script = two_hander(tmp_path)
    result = callback(tmp_path / "home", "drill", str(script), "--role", "MAYA", "--actor", "virtual", "--fast",
                      env={"CALLBACK_REDIRECTIONS": "/dev/zero"})
    assert "/dev/zero" in one_error(result)


# -- redirections.toml and checklist.json of the wrong shape --------------------------------------------------

@pytest.mark.parametrize("content, advice", [
    ("redirection = 5\n", "[[redirection]]"),
    ('redirection = "x"\n', "[[redirection]]"),
    ("redirection = [1, 2]\n", "[[redirection]]"),
    ('[redirection]\nkind = "pace"\nsay = ["Faster."]\nmeasure = "articulation_rate"\ndirection = 1\n',
     "use [[redirection]]"),
    ('[[redirection]]\nkind = "pace"\n', '"say"'),
    ('[[redirection]]\nsay = ["Faster."]\n', '"kind"'),
    ('[[redirection]]\nkind = 5\nsay = ["Faster."]\n', '"kind"'),
    ('[[redirection]]\nkind = "pace"\nsay = 7\n', '"say"'),
    ('[[redirection]]\nid = 3\nkind = "pace"\nsay = ["Faster."]\n', '"id"'),
    ('[[redirection]]\nkind = "pace"\nsay = ["Faster."]\nmeasure = ["loudness"]\ndirection = 1\n', "measure"),
    ('[[redirection]]\nkind = "pace"\nsay = ["Faster."]\nmeasure = "loudness"\ndirection = "up"\n', "direction"),
    ('mode = ["replace"]\n', "mode"),
    ('[[redirection]]\nkind = "pace"\nsay = [{a = 1}]\n', '"say"'),
])
@pytest.mark.parametrize("command", [
    ["drill", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast"],
    ["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast", "--redirect-rate", "0.5"],
    ["checklist", "--script", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--answers", "yes", "--fast"],
])
def test_redirections_of_the_wrong_shape_are_one_line_naming_the_file(tmp_path, content, advice, command):
    script = two_hander(tmp_path)
    notes = tmp_path / "redirections.toml"
    notes.write_text(content, encoding="utf-8")
    result = callback(tmp_path / "home", *[str(script) if a == "SCRIPT" else a for a in command],
                      env={"CALLBACK_REDIRECTIONS": str(notes)})
    error = one_error(result)
    assert str(notes) in error and advice in error


@pytest.mark.parametrize("content", [
    '{"items": 5}', '{"items": {"question": "Ready?"}}', '{"items": ["Ready?"]}', '{"items": [{"question": 5}]}',
    '{"affirmations": "You know this."}', '{"items": [{"question": "Ready?", "offer": "yes"}]}',
    '{"items": [{"question": "Ready?", "prep": "no"}]}', '{"mode": ["replace"]}', '[1, 2]', '"text"',
    '{"items": [{"question": "Ready?", "offer": {"ask": "a", "accept": "b", "action": 5}}]}',
])
def test_a_checklist_of_the_wrong_shape_is_one_line_naming_the_file(tmp_path, content):
    mine = tmp_path / "checklist.json"
    mine.write_text(content, encoding="utf-8")
    result = callback(tmp_path / "home", "checklist", "--actor", "virtual", "--answers", "yes", "--fast",
                      env={"CALLBACK_CHECKLIST": str(mine)})
    assert str(mine) in one_error(result)


@pytest.mark.parametrize("variable, name, content, command", [
    ("CALLBACK_CHECKLIST", "checklist.json", '{"items": ' + "[" * 100_000 + "]" * 100_000 + "}",
     ["checklist", "--actor", "virtual", "--answers", "yes", "--fast"]),
    ("CALLBACK_REDIRECTIONS", "redirections.toml", "redirection = " + "[" * 100_000 + "]" * 100_000,
     ["drill", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast"]),
])
def test_a_user_file_nested_too_deeply_is_one_line(tmp_path, variable, name, content, command):
    mine = tmp_path / name
    mine.write_text(content, encoding="utf-8")
    script = two_hander(tmp_path)
    result = callback(tmp_path / "home", *[str(script) if a == "SCRIPT" else a for a in command],
                      env={variable: str(mine)})
    error = one_error(result)
    assert str(mine) in error and "nested too deeply" in error


def test_an_error_quoting_a_file_name_with_a_newline_is_still_one_line(tmp_path):
    error = one_error(callback(tmp_path / "home", "roles", str(tmp_path / "missing\nname.txt")))
    assert error.endswith("missing\\nname.txt")


@pytest.mark.slow
def test_an_event_log_on_a_full_disk_is_given_up_and_the_session_kept(tmp_path):
    """The log fills the disk mid-session (a file size limit stands in for the full disk: nothing else grows
    past it): one line says so, and the grade still ends with its line and its outcome kept."""
    import signal
    import sqlite3

    script = two_hander(tmp_path)
    take = tmp_path / "take.wav"
    subprocess.run(["espeak-ng", "-w", str(take), "I kept the light on for you."], check=True, timeout=60)
    log = tmp_path / "big.jsonl"
    first = json.dumps({"t": 0.0, "type": "session_start", "kind": "ground"}) + "\n"
    log.write_text(first * 40000)  # big enough that the history (its WAL included) stays under the limit
    limit = log.stat().st_size + 300  # room for the session's first event, not for its verdicts

    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    home = tmp_path / "home"
    result = callback(home, "grade", str(take), "--script", str(script), "--role", "MAYA", "--line", "1",
                      "--engine", "pocketsphinx", "--events", str(log), preexec_fn=full_disk)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    said = [line for line in result.stderr.splitlines() if "event log" in line]
    assert len(said) == 1 and str(log) in said[0] and "goes on without it" in said[0]
    connection = sqlite3.connect(home / "callback.db")
    assert connection.execute("SELECT outcome FROM sessions").fetchall() == [("finished",)]
    # One line graded (a whole tape now keeps only the lines found on it, and espeak's voice is hard to find).
    assert connection.execute("SELECT count(*) FROM attempts").fetchone() == (1,)
