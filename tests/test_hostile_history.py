"""The practice history's folder and file as a hostile machine leaves them: another program's database where
callback's should be, a read-only folder, a data folder under a regular file. Each is said in one line, and
what is there is left exactly as it was."""

from __future__ import annotations

import sqlite3

import pytest

from cli_helpers import callback, callback_under, keep_one_attempt, one_error, read_only_prefix, two_hander

CHECKLIST = ["checklist", "--actor", "virtual", "--answers", "yes", "--fast", "--engine", "pocketsphinx"]


def foreign_database(path):
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE recipes (name TEXT, minutes INTEGER);"
                             "INSERT INTO recipes VALUES ('soup', 40);")
    connection.commit()
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize("command", [CHECKLIST, ["stats"], ["checklist", "--last"], ["stats", "SCRIPT"],
                                     ["run", "SCRIPT", "--role", "MAYA", "--actor", "virtual", "--fast"]])
def test_another_programs_database_is_refused_untouched(tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    before = foreign_database(home / "callback.db")
    script = two_hander(tmp_path)
    result = callback(home, *[str(script) if a == "SCRIPT" else a for a in command])
    error = one_error(result)
    assert str(home / "callback.db") in error and "another program" in error
    assert (home / "callback.db").read_bytes() == before  # no table added, no user_version, no WAL header
    assert sorted(p.name for p in home.iterdir()) == ["callback.db"]  # no -wal, no -shm
    connection = sqlite3.connect(f"file:{home / 'callback.db'}?mode=ro", uri=True)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 0
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize("kept_before", [False, True])
def test_a_read_only_history_folder_is_said_to_be_read_only(tmp_path, kept_before):
    home = tmp_path / "home"
    home.mkdir()
    if kept_before:
        from assistant.history import Store

        Store(home / "callback.db").check()
    prefix = read_only_prefix(home)
    if prefix is None:
        pytest.skip("cannot make a folder read-only here (root without mount namespaces)")
    result = callback_under(prefix, home, *CHECKLIST)
    error = one_error(result)
    assert "read-only" in error and str(home) in error and "unable to open" not in error
    assert "--no-history" in error


def test_a_read_only_history_is_still_read(tmp_path):
    """stats reads a history it cannot write (a backup, a read-only mount) rather than failing on it."""
    home = tmp_path / "home"
    script = two_hander(tmp_path)
    keep_one_attempt(home, script)
    prefix = read_only_prefix(home)
    if prefix is None:
        pytest.skip("cannot make a folder read-only here (root without mount namespaces)")
    result = callback_under(prefix, home, "stats", str(script), "--role", "MAYA")
    assert result.returncode == 0, result.stderr
    assert "1 of 1 attempt right" in result.stdout


@pytest.mark.parametrize("command", [["stats"], ["stats", "SCRIPT", "--role", "MAYA"], ["checklist", "--last"],
                                     ["takes", "SCRIPT", "--role", "MAYA"], CHECKLIST])
def test_a_data_folder_under_a_regular_file_is_an_error_not_an_empty_history(tmp_path, command):
    (tmp_path / "a-file").write_text("not a folder\n")
    script = two_hander(tmp_path)
    result = callback(tmp_path / "a-file" / "callback", *[str(script) if a == "SCRIPT" else a for a in command])
    error = one_error(result)
    assert str(tmp_path / "a-file") in error and "no practice kept" not in error and "not a folder" in error


def test_checklist_last_with_nothing_kept_creates_nothing(tmp_path):
    result = callback(tmp_path / "home", "checklist", "--last")
    assert "no checklist saved yet" in one_error(result)
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("thing", ["FIFO", "/dev/null"])
def test_a_pipe_or_a_device_at_the_historys_path_is_named(tmp_path, thing):
    import os

    home = tmp_path / "home"
    home.mkdir()
    if thing == "FIFO":
        os.mkfifo(home / "callback.db")
    else:
        (home / "callback.db").symlink_to(thing)
    for command in (CHECKLIST, ["stats"]):
        error = one_error(callback(home, *command, timeout=60))
        assert str(home / "callback.db") in error and ("FIFO" in error or "character device" in error)
