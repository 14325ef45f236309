"""`callback show` numbers each speaker's lines with the numbers the rehearsal commands take."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from assistant.events import read_events

SCRIPT = Path(__file__).parent / "scripts" / "brick-and-steel.fountain"


def callback(*args: str, home: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "CALLBACK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_the_number_show_gives_a_line_is_the_line_run_rehearses(tmp_path):
    shown = callback("show", str(SCRIPT), "--role", "STEEL", home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    numbered = dict(re.findall(r"^> STEEL (\d+): (?:\[[^]]*\] )?(.+)$", shown.stdout, re.MULTILINE))
    assert list(numbered) == [str(n) for n in range(1, 10)]  # STEEL's nine speeches, in script order
    assert "  BRICK: Are they cold?" in shown.stdout.splitlines()  # with --role, only the role's numbers

    # Line 8 is in scene 6, after other scenes: the number counts through the whole script, as `run` does.
    events = tmp_path / "events.jsonl"
    ran = callback("run", str(SCRIPT), "--role", "STEEL", "--from", "8", "--to", "8", "--actor", "virtual",
                   "--fast", "--no-history", "--events", str(events), home=tmp_path)
    assert ran.returncode == 0, ran.stderr
    verdicts = [e for e in read_events(events) if e["type"] == "verdict"]
    assert [v["line"] for v in verdicts] == [8]
    assert verdicts[0]["expected"] == numbered["8"]


def test_without_a_role_every_speaker_has_their_own_numbers(tmp_path):
    shown = callback("show", str(SCRIPT), home=tmp_path)
    assert "  BRICK 1: Are they cold?" in shown.stdout.splitlines()
    assert "  STEEL 2: Does a bear crap in the woods?" in shown.stdout.splitlines()
    as_json = json.loads(callback("show", str(SCRIPT), "--json", home=tmp_path).stdout)
    first = as_json["scenes"][0]["lines"]
    assert [(line["speaker"], line["number"]) for line in first[:3]] == [("STEEL", 1), ("BRICK", 1), ("STEEL", 2)]
