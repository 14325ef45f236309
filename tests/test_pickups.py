"""Pickups: the time from a cue's last sample to the actor's first word, measured on the captured audio, kept in
the history and read back by `callback stats`; and the speed-through that sums up the slow ones."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import scene_helpers
from assistant.events import EventType
from assistant.history import Store
from assistant.history.recorder import HistoryRecorder, ScriptIdentity
from scene_helpers import DEMO, ROLE, Scripted


def test_a_pickup_of_one_second_is_measured_as_one_second_and_kept(engine, actor_voice, voices, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    history = HistoryRecorder(Store(home / "callback.db"), ScriptIdentity.of_file(DEMO))
    events, _, _ = scene_helpers.rehearse(engine, Scripted({}), actor_voice, voices, history=history, end=3,
                                          actor_pickup=1.0, on_miss="note")
    verdicts = events.of_type(EventType.VERDICT)
    assert len(verdicts) == 3
    for verdict in verdicts:  # every line of MAYA's follows one of THEO's cues
        assert verdict.pickup == pytest.approx(1.0, abs=0.1), verdict
    history.close()

    kept = [attempt.pickup for attempt in Store(home / "callback.db").attempts(role=ROLE)]
    assert kept == [verdict.pickup for verdict in verdicts]
    shown = subprocess.run([sys.executable, "-m", "assistant", "stats", str(DEMO), "--role", ROLE, "--json"],
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "CALLBACK_HOME": str(home)})
    assert shown.returncode == 0, shown.stderr
    lines = {line["line"]: line for line in json.loads(shown.stdout)}
    for number in (1, 2, 3):
        assert lines[number]["median_pickup"] == pytest.approx(1.0, abs=0.1)
        assert lines[number]["pickup_trend"] == "new"  # one session timed so far
    assert lines[4]["median_pickup"] is None  # never tried


def test_the_first_line_of_a_scene_and_a_line_after_a_prompt_have_no_pickup(engine, actor_voice, voices):
    # MAYA asks for line 2, so her attempt answers callback's voice, not THEO's cue.
    events, _, _ = scene_helpers.rehearse(engine, Scripted({2: ["Line?"]}), actor_voice, voices, end=2,
                                          actor_pickup=0.4, on_miss="note")
    first, second = events.of_type(EventType.VERDICT)
    assert first.pickup == pytest.approx(0.4, abs=0.1)
    assert second.line == 2 and second.prompts == 1 and second.pickup is None


def test_a_speed_through_corrects_nothing_until_it_names_the_slips_and_slow_pickups(engine, actor_voice, voices):
    wrong = "I haven't. The double shift turned into a holiday."
    events, summary, _ = scene_helpers.rehearse(engine, Scripted({1: [wrong]}), actor_voice, voices, end=3,
                                                actor_pickup=0.9, speed_through=True, pickup_goal=0.5)
    prompts = events.of_type(EventType.PROMPT_START)
    assert [prompt.kind for prompt in prompts] == ["summary"]  # no correction during the run
    said = prompts[0].text
    assert "Not word for word: line 1." in said
    assert "Slow pickups: line 1, 0.9 seconds, line 2, 0.9 seconds, line 3, 0.9 seconds." in said
    kept = events.of_type(EventType.SESSION_END)[-1].summary
    assert kept["speed_through"] and kept["pickup_goal"] == 0.5 and kept["slipped_lines"] == [1]
    assert [slow["line"] for slow in kept["slow_pickups"]] == [1, 2, 3]
    assert all(slow["pickup"] == pytest.approx(0.9, abs=0.1) for slow in kept["slow_pickups"])

    # The same pace against a goal of a second: nothing is slow.
    events, summary, _ = scene_helpers.rehearse(engine, Scripted({}), actor_voice, voices, end=2,
                                                actor_pickup=0.9, speed_through=True, pickup_goal=1.2)
    assert summary.slow_pickups == ()
    assert "Every pickup on time." in events.of_type(EventType.PROMPT_START)[-1].text


def test_the_cues_of_a_speed_through_are_quicker(voices):
    from assistant.session.speed_through import quicker

    theo = voices[0]["THEO"]
    line = "Sit down. I saved you the last cup of coffee."
    assert quicker(theo).render(line).duration < 0.85 * theo.render(line).duration

    @dataclasses.dataclass
    class Louder:  # a voice made from another, as a pitch variation or a reader's recordings are
        base: object
        name: str = "louder"

        def render(self, text):
            return self.base.render(text)

    assert quicker(Louder(theo)).render(line).duration < 0.85 * theo.render(line).duration


def test_actor_pickup_needs_the_virtual_actor_and_pickup_goal_a_speed_through(tmp_path):
    from cli_helpers import callback, one_error, two_hander

    result = callback(tmp_path / "home", "run", str(two_hander(tmp_path)), "--role", "THEO", "--actor-pickup", "1")
    assert "--actor-pickup" in one_error(result)
    result = callback(tmp_path / "home", "run", str(two_hander(tmp_path)), "--role", "THEO", "--pickup-goal", "0.3")
    assert "--speed-through" in one_error(result)


def test_learn_mode_times_the_pickup_of_a_line_said_from_the_cue_alone(engine, voices, tmp_path):
    from assistant.actor.learner import LearnerPart
    from assistant.audio.buffers import BufferSpeaker
    from assistant.history.learning import LearningBook
    from assistant.script import load_script
    from assistant.session.learn import LearnOptions, LearnSession
    from assistant.session.run import select_lines
    from assistant.session.runtime import ActorSetup, build_runtime

    path = tmp_path / "scene.txt"
    path.write_text("THEO: You're late again.\nMAYA: I kept the light on for you.\n", encoding="utf-8")
    lines, numbers = select_lines(load_script(path).lines, "MAYA")
    runtime = build_runtime(ear=engine, speaker=BufferSpeaker(), voice=voices[1],
                            actor=ActorSetup(LearnerPart(), realtime=False, pickup=0.7))
    ran = runtime.run(LearnSession(lines, numbers, voices[0], LearningBook(None, str(path), "MAYA"),
                                   LearnOptions("MAYA"), names=["MAYA", "THEO"]))
    ran.raise_if_failed()
    verdicts = runtime.events.of_type(EventType.VERDICT)
    helped = [v for v in verdicts if v.prompts]
    unaided = [v for v in verdicts if not v.prompts]
    assert helped and unaided
    assert all(v.pickup is None for v in helped)  # the line or its first words came between the cue and it
    assert all(v.pickup == pytest.approx(0.7, abs=0.1) for v in unaided)


def test_a_lines_pickups_across_sessions_give_its_median_and_trend(tmp_path):
    from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
    from assistant.history.practice import line_stats

    script = tmp_path / "scene.txt"
    script.write_text("THEO: Someone has to.\nMAYA: I kept the light on.\nTHEO: Why?\nMAYA: For you.\n",
                      encoding="utf-8")
    store = Store(tmp_path / "callback.db")
    # Line 1 comes in quicker evening by evening; line 2 holds its pace.
    for first, second in [((1.3, 1.1), 0.4), ((0.9,), 0.45), ((0.5,), 0.4)]:
        stream = EventStream()
        stream.subscribe(HistoryRecorder(store, ScriptIdentity.of_file(script)))
        stream.emit(SessionStart(kind="run", script=str(script), role="MAYA"))
        for attempt, pickup in enumerate(first, start=1):
            stream.emit(Verdict(line=1, result="ok", hearing="whisper", expected="I kept the light on.",
                                heard="i kept the light on", score=1.0, attempt=attempt, pickup=pickup))
        stream.emit(Verdict(line=2, result="ok", hearing="whisper", expected="For you.", heard="for you",
                            score=1.0, pickup=second))
        stream.emit(SessionEnd(kind="run", outcome=Outcome.FINISHED, summary={}))
        stream.close()

    one, two = line_stats(["I kept the light on.", "For you."], store.attempts(role="MAYA"))
    assert (one.median_pickup, one.pickup_trend) == (1.0, "quicker")
    assert (two.median_pickup, two.pickup_trend) == (0.4, "steady")
