"""Cues in a person's voice: read once with `record-cues` (here by the virtual reader), checked against the
script, kept beside the history, and played by the next run in place of the synthetic voice."""

from __future__ import annotations

import sqlite3

import pytest

from assistant.events import read_events
from cli_helpers import callback, one_error

pytestmark = pytest.mark.slow

SCENE = ("THEO: You finished the milk again.\nMAYA: I did not.\nTHEO: Then who did?\n"
         "MAYA: Ask the cat.\nTHEO: We do not have a cat.\nMAYA: Exactly.\n")


def cue_voices(events) -> dict[str, str]:
    return {event["text"]: event["voice"] for event in read_events(events) if event["type"] == "cue_start"}


def test_cues_read_once_are_played_in_the_next_run_and_an_edited_line_loses_its_recording(tmp_path) -> None:
    script = tmp_path / "kitchen.txt"
    script.write_text(SCENE, encoding="utf-8")
    home = tmp_path / "home"
    log = tmp_path / "record.jsonl"

    # Every line misread the first time: each is asked again, then kept.
    recorded = callback(home, "record-cues", str(script), "--role", "MAYA", "--actor", "virtual", "--fast",
                        "--actor-mistakes", "1", "--events", str(log), timeout=300)
    assert recorded.returncode == 0, recorded.stderr
    assert "3 cues recorded. 3 read again." in recorded.stdout
    again = [e for e in read_events(log) if e["type"] == "prompt_start" and e["kind"] == "correction"]
    assert len(again) == 3 and all(e["text"].endswith("Once more.") for e in again)
    assert not [e for e in read_events(log) if e["type"] == "verdict"]  # a cue read is no attempt at the role
    with sqlite3.connect(home / "callback.db") as db:
        assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
        kept = db.execute("SELECT line_text, audio_path, seconds FROM recorded_cues ORDER BY line_text").fetchall()
    assert [text for text, _, _ in kept] == ["Then who did?", "We do not have a cat.", "You finished the milk again."]
    assert all(0.4 < seconds < 4.0 for _, _, seconds in kept)  # trimmed to the reading, room and all cut

    run = tmp_path / "run.jsonl"
    ran = callback(home, "run", str(script), "--role", "MAYA", "--actor", "virtual", "--fast", "--events", str(run),
                   timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert set(cue_voices(run).values()) == {"recorded"}

    # A second record-cues has nothing left to do.
    nothing = callback(home, "record-cues", str(script), "--role", "MAYA", "--actor", "virtual", "--fast")
    assert nothing.returncode == 0 and "recorded already (3)" in nothing.stdout

    # The script edited: the changed line goes back to a synthetic voice, the others keep their recordings.
    script.write_text(SCENE.replace("Then who did?", "Then who drank it?"), encoding="utf-8")
    edited = tmp_path / "edited.jsonl"
    ran = callback(home, "run", str(script), "--role", "MAYA", "--actor", "virtual", "--fast", "--events",
                   str(edited), timeout=300)
    assert ran.returncode == 0, ran.stderr
    voices = cue_voices(edited)
    assert voices["You finished the milk again."] == voices["We do not have a cat."] == "recorded"
    assert voices["Then who drank it?"] not in ("recorded", "")

    plain = tmp_path / "plain.jsonl"
    ran = callback(home, "run", str(script), "--role", "MAYA", "--actor", "virtual", "--fast", "--no-recorded-cues",
                   "--events", str(plain), timeout=300)
    assert ran.returncode == 0 and "recorded" not in cue_voices(plain).values()


def test_record_cues_refuses_bad_input_in_one_line(tmp_path) -> None:
    script = tmp_path / "kitchen.txt"
    script.write_text(SCENE, encoding="utf-8")
    home = tmp_path / "home"
    assert "no character 'HAMLET'" in one_error(callback(home, "record-cues", str(script), "--role", "HAMLET"))
    assert "--actor virtual" in one_error(callback(home, "record-cues", str(script), "--role", "MAYA",
                                                   "--actor-mistakes", "0.5"))
    assert "--scene must be between 1 and 1" in one_error(callback(home, "record-cues", str(script), "--role",
                                                                   "MAYA", "--scene", "4"))
