"""The SQLite store: a real file, where the user expects it, that survives reopening and says so when damaged."""

from __future__ import annotations

import sqlite3

import pytest

from assistant.errors import CallbackError
from assistant.store import ChecklistAnswer, Store, default_path


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


def test_no_checklist_yet_reads_back_as_none(home):
    Store().add_session("ground", "2025-01-01T08:00:00+00:00", None, {})
    assert Store().last_checklist() is None
    assert Store().last_session("ground").summary == {}


def test_schema_leaves_room_for_other_kinds_of_session(home):
    Store().add_session("ground", "2025-01-01T08:00:00+00:00", "2025-01-01T08:02:00+00:00", {"rounds": 5})
    with sqlite3.connect(home / "callback.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    assert {"sessions", "checklist_answers"} <= tables
    assert version == 1
    assert Store().last_session("ground").summary == {"rounds": 5}


def test_a_corrupt_database_is_a_one_line_error(home):
    (home / "callback.db").write_bytes(b"this is not a database at all, just some text " * 100)
    with pytest.raises(CallbackError) as caught:
        Store().last_checklist()
    message = str(caught.value)
    assert "\n" not in message and "callback.db" in message and "damaged" in message


def test_an_answer_outside_yes_no_skipped_is_refused(home):
    with pytest.raises(sqlite3.IntegrityError):
        Store().add_checklist("t0", "t1", [ChecklistAnswer("x", "Q?", "maybe")], {})
    assert Store().last_checklist() is None  # nothing half-written
