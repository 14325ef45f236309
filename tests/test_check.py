"""`callback check`: the virtual actor reads the sentence through the real ear; the levels are measured from the
captured audio, so a quieter voice or a louder room shows in them, and in the verdict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.events import read_events
from assistant.session.check import SENTENCE


def check(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALLBACK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", "check", "--actor", "virtual", "--fast", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_check_prints_and_says_what_it_heard_the_levels_and_that_it_is_ready(tmp_path):
    events = tmp_path / "events.jsonl"
    result = check(tmp_path, "--events", str(events))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert f'Say: "{SENTENCE}"' in out
    heard = next(row for row in out if row.startswith("Heard ("))
    assert "find a way to make it work" in heard.lower()
    # The virtual actor's voice is set at arm's length (-26 dBFS) in a room of hiss at -64.
    assert any(row.startswith("Voice: -26 dBFS   Room: -64 dBFS") for row in out), out
    assert out[-1] == "Ready to rehearse."
    said = [e for e in read_events(events) if e["type"] == "prompt_start"]
    assert said[0]["text"].endswith(SENTENCE)  # the sentence is said as well as shown
    assert said[-1]["text"].startswith("I heard: ") and said[-1]["text"].endswith("good enough to rehearse.")


def test_a_too_quiet_take_is_called_too_quiet(tmp_path):
    result = check(tmp_path, "--actor-level", "-50", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert not report["ready"]
    assert report["problems"][0]["kind"] == "too quiet"
    assert "closer" in report["problems"][0]["reason"]
    assert -52 < report["levels"]["voice_dbfs"] < -48  # measured from the audio, not echoed from the option


def test_a_noisy_room_is_called_too_noisy(tmp_path):
    result = check(tmp_path, "--actor-noise", "-34", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [p["kind"] for p in report["problems"]][:1] == ["room too noisy"]
    assert -36 < report["levels"]["room_dbfs"] < -32


def test_the_virtual_actors_level_needs_the_virtual_actor(tmp_path):
    result = subprocess.run([sys.executable, "-m", "assistant", "check", "--actor-level", "-50"],
                            capture_output=True, text=True, env={**os.environ, "CALLBACK_HOME": str(tmp_path)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "--actor virtual" in result.stderr


def test_a_voice_too_faint_to_hear_is_nothing_heard_with_the_rooms_level(tmp_path):
    result = check(tmp_path, "--actor-level", "-62", "--timeout", "1", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["heard"] == "" and report["verdict"] is None
    assert [p["kind"] for p in report["problems"]] == ["nothing heard"]
    assert -66 < report["levels"]["room_dbfs"] < -60  # the quiet room, and a voice too faint to tell from it
