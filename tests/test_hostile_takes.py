"""--save-takes on a machine that fights back: a file where the takes folder goes, a take that cannot be
written (a full disk, here a take whose path leads to /dev/full). The folder is checked before the first cue;
a take that cannot be kept costs only its audio, never the judged attempt or the session's outcome."""

from __future__ import annotations

import subprocess
import sqlite3

import pytest

from cli_helpers import callback, one_error, two_hander


def spoken_take(folder):
    take = folder / "take.wav"
    subprocess.run(["espeak-ng", "-w", str(take), "I kept the light on for you."], check=True, timeout=60)
    return take


@pytest.mark.parametrize("command", [
    ["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast", "--engine", "pocketsphinx"],
    ["grade", "TAKE", "--script", "SCRIPT", "--role", "MAYA", "--line", "1", "--engine", "pocketsphinx"],
])
def test_a_file_where_the_takes_folder_goes_is_refused_before_the_first_cue(tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    (home / "takes").write_text("x\n")
    script = two_hander(tmp_path)
    take = spoken_take(tmp_path)
    log = tmp_path / "events.jsonl"
    arguments = [{"SCRIPT": str(script), "TAKE": str(take)}.get(a, a) for a in command]
    error = one_error(callback(home, *arguments, "--save-takes", "--events", str(log)))
    assert str(home / "takes") in error and "not a folder" in error
    assert not log.exists()  # nothing started, nothing played
    assert (home / "takes").read_text() == "x\n"
    assert sqlite3.connect(home / "callback.db").execute("SELECT count(*) FROM sessions").fetchone() == (0,)


@pytest.mark.slow
def test_a_take_that_cannot_be_written_costs_only_its_audio(tmp_path):
    home = tmp_path / "home"
    (home / "takes" / "session-1").mkdir(parents=True)
    (home / "takes" / "session-1" / "line-001-1.flac").symlink_to("/dev/full")  # a disk with no room left
    script = two_hander(tmp_path)
    take = spoken_take(tmp_path)
    result = callback(home, "grade", str(take), "--script", str(script), "--role", "MAYA", "--line", "1",
                      "--save-takes", "--engine", "pocketsphinx")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    notices = [line for line in result.stderr.splitlines() if "take of line 1" in line]
    assert len(notices) == 1 and "not kept" in notices[0] and "attempt is kept" in notices[0]
    assert result.stdout.startswith("line 1: ")
    connection = sqlite3.connect(home / "callback.db")
    assert connection.execute("SELECT line_number, take_path FROM attempts").fetchall() == [(1, None)]
    assert connection.execute("SELECT outcome FROM sessions").fetchall() == [("finished",)]
