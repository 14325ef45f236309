"""Running lines end to end: the virtual actor at the microphone, the real recognizer, real synthesized cues."""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from importlib import resources
from pathlib import Path

import pytest

from assistant.audio.buffers import BufferSpeaker
from assistant.audio.virtual_actor import VirtualActor
from assistant.script import load_script
from assistant.session.events import EventLog, read_events
from assistant.session.listen import Timing
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.virtual_part import ScenePart
from assistant.speech.hearing import open_ear
from assistant.speech.voices import NaturalVoice, cue_voices

DEMO = Path(str(resources.files("assistant") / "data" / "demo_scene.txt"))
ROLE = "MAYA"


@pytest.fixture(scope="module")
def engine():
    # The default setup: PocketSphinx follows the actor, Whisper hears again what it rejects.
    return open_ear("auto", names=("MAYA", "THEO"))


@pytest.fixture(scope="module")
def actor_voice():
    return NaturalVoice()


@pytest.fixture(scope="module")
def voices():
    chosen = cue_voices(["THEO", "CALLBACK"])
    return {"THEO": chosen["THEO"]}, chosen["CALLBACK"]


class Scripted:
    """A part that says what a test tells it for given lines, and the line itself otherwise."""

    def __init__(self, plan: dict[int, list[str | None]]):
        self.plan = {number: deque(items) for number, items in plan.items()}

    def __call__(self, event):
        if event.data.get("paused"):
            return "Carry on."
        number = event.data.get("line")
        if number in self.plan and self.plan[number]:
            return self.plan[number].popleft()
        return event.data.get("expected")


def rehearse(engine, actor_voice, voices, part, echo=False, timing=Timing(), **options):
    script = load_script(DEMO)
    lines, numbers = select_lines(script.lines, ROLE)
    events = EventLog()
    actor = VirtualActor(actor_voice, part, events, realtime=False)
    speaker = BufferSpeaker()
    if echo:
        played = speaker.play

        def play_into_room(audio):
            played(audio)
            actor.hear(audio)

        speaker.play = play_into_room
    cue, prompter = voices
    rehearsal = Rehearsal(
        lines, engine, cue, prompter, speaker, actor, events, RunOptions(role=ROLE, timing=timing, **options),
        names=list(script.roles()), line_numbers=numbers,
    )
    summary = rehearsal.run()
    return events, summary, script


def data(events, kind):
    return [event.data for event in events.of_type(kind)]


def test_every_cue_spoken_in_order_and_every_line_judged(engine, actor_voice, voices):
    events, summary, script = rehearse(engine, actor_voice, voices, ScenePart(), echo=True)

    theo = [line.text for line in script.lines if line.speaker == "THEO"]
    assert [cue["text"] for cue in data(events, "cue_start")] == theo
    verdicts = data(events, "verdict")
    assert [v["line"] for v in verdicts] == [1, 2, 3, 4, 5]
    # The virtual actor said every line right; the recognizer may slip, but not on most of them.
    assert sum(v["result"] == "ok" for v in verdicts) >= 4
    assert summary.lines == 5 and summary.right_first_time >= 4


def test_the_microphone_never_hears_a_cue(engine, actor_voice, voices):
    """The cues play into the same room as the actor; the session must still hear only the actor."""
    events, _, script = rehearse(engine, actor_voice, voices, ScenePart(), echo=True)
    cue_words = {w for line in script.lines if line.speaker == "THEO" for w in line.text.lower().split()}
    order = [event.type for event in events.events if event.type in ("cue_start", "cue_end", "listen_start")]
    # Listening only ever starts after a cue has ended, never during one.
    for before, after in zip(order, order[1:]):
        if before == "cue_start":
            assert after == "cue_end"
    for heard in data(events, "heard"):
        said = set(heard["text"].split())
        assert not said or len(said & cue_words) < len(said), heard  # never a cue's words alone
    assert not data(events, "command")  # a cue heard as "stop" or "skip" would have shown here


def test_mistakes_are_caught_and_corrected(engine, actor_voice, voices):
    part = ScenePart(mistakes=1.0, seed=3)
    events, summary, _ = rehearse(engine, actor_voice, voices, part, on_miss="repeat")

    wrong = [(number, text) for number, kind, text in part.said if kind == "mistake"]
    assert len(wrong) == 5
    first_tries = {}
    for verdict in data(events, "verdict"):
        first_tries.setdefault(verdict["line"], verdict)
    assert all(v["result"] == "missed" for v in first_tries.values())
    corrections = [p for p in data(events, "prompt_start") if p["kind"] == "correction"]
    assert len(corrections) >= 5
    # Under --on-miss repeat the actor goes again, and the second (right) try is judged too.
    assert len(data(events, "verdict")) > 5
    assert summary.right_first_time == 0 and summary.missed == 5


def test_commands_line_skip_and_stop(engine, actor_voice, voices):
    # The longer forms: PocketSphinx hears a bare "skip" or "stop" in this voice as "to get" and "static".
    part = Scripted({1: ["Line."], 2: ["Next line."], 4: ["Stop please."]})
    events, summary, script = rehearse(engine, actor_voice, voices, part)

    commands = [c["name"] for c in data(events, "command")]
    assert commands == ["line", "skip", "stop"]
    prompts = [p for p in data(events, "prompt_start") if p["kind"] == "line"]
    maya = [line.text for line in script.lines if line.speaker == ROLE]
    assert prompts and maya[0].startswith(prompts[0]["text"])
    judged = [v["line"] for v in data(events, "verdict")]
    assert 2 not in judged and 4 not in judged and 5 not in judged
    assert 1 in judged and 3 in judged
    assert summary.stopped_early and summary.skipped == 1
    assert data(events, "session_end")[-1]["stopped_early"] is True


def test_a_line_containing_a_command_word_is_a_line(engine, actor_voice, voices):
    """MAYA's last line starts with "Ask me again": it must be judged, not taken as "again"."""
    events, _, _ = rehearse(engine, actor_voice, voices, ScenePart())
    assert not data(events, "command")
    assert 5 in [v["line"] for v in data(events, "verdict")]


def test_back_again_and_pause(engine, actor_voice, voices):
    part = Scripted({2: [None, "Again."], 3: ["Go back.", "Take a break."]})
    # None: the actor stays silent, so after the timeout callback offers the line.
    events, _, _ = rehearse(engine, actor_voice, voices, part, timing=Timing(start_timeout=2.0))
    commands = [c["name"] for c in data(events, "command")]
    assert commands[:2] == ["line", "again"]
    assert "back" in commands and "pause" in commands and "resume" in commands
    # After "back" the scene returns to line 2's cue, so line 2 is judged again.
    assert [v["line"] for v in data(events, "verdict")].count(2) == 2


def test_cli_run_writes_the_event_log(tmp_path):
    log = tmp_path / "run.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", str(DEMO), "--role", "maya", "--actor", "virtual",
         "--engine", "pocketsphinx", "--fast", "--to", "2", "--events", str(log)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    events = read_events(log)
    types = [event["type"] for event in events]
    for needed in ("cue_start", "cue_end", "listen_start", "partial", "heard", "verdict", "actor_speech_end",
                   "session_end"):
        assert needed in types, needed
    assert all(isinstance(event["t"], float) for event in events)
    assert [e["line"] for e in events if e["type"] == "verdict"][:2] == [1, 2]
    assert all(e["result"] in ("ok", "missed") for e in events if e["type"] == "verdict")
    assert "right first time" in result.stdout


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--role", "NOBODY"], "no character"),
        (["--role", "MAYA", "--scene", "9"], "scene"),
        (["--role", "MAYA", "--from", "4", "--to", "2"], "--from"),
        (["--role", "MAYA"], "--actor virtual"),  # the default microphone: this machine has none
    ],
)
def test_cli_run_bad_input_is_one_line(arguments, message):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", str(DEMO), *arguments, "--engine", "pocketsphinx"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("callback: ") and "PocketSphinx" not in line]
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_a_line_nobody_says_is_offered_then_skipped(engine, actor_voice, voices):
    """Silence gets the line offered (first words, then all of it), then the scene moves on."""
    part = Scripted({3: [None, None, None]})
    events, summary, script = rehearse(engine, actor_voice, voices, part, timing=Timing(start_timeout=1.0))
    offers = [p["text"] for p in data(events, "prompt_start") if p["kind"] == "line"]
    maya = [line.text for line in script.lines if line.speaker == ROLE]
    assert len(offers) == 2 and maya[2].startswith(offers[0]) and offers[1] == maya[2]
    assert 3 not in [v["line"] for v in data(events, "verdict")]
    assert [v["line"] for v in data(events, "verdict")][-2:] == [4, 5]
    assert summary.skipped == 1
