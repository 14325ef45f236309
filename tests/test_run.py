"""Running lines end to end: the virtual actor at the microphone, the real recognizer, real synthesized cues."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import scene_helpers
from assistant.actor import ScenePart
from assistant.events import read_events
from assistant.session.listen import Timing
from scene_helpers import DEMO, ROLE, Scripted


def rehearse(engine, actor_voice, voices, part, echo=False, timing=Timing(), **options):
    return scene_helpers.rehearse(engine, part, actor_voice, voices, echo=echo, timing=timing, **options)


def data(events, kind):
    return [event.data for event in events.of_type(kind)]


def cues_played_through(events):
    """The cue texts in order, leaving out cues started ahead and then cut short."""
    played = []
    for event in events.events:
        if event.type == "cue_start":
            played.append(event.text)
        elif event.type == "cue_end" and event.cut:
            played.pop()
    return played


def test_every_cue_spoken_in_order_and_every_line_judged(engine, actor_voice, voices):
    events, summary, script = rehearse(engine, actor_voice, voices, ScenePart(), echo=True)

    theo = [line.text for line in script.lines if line.speaker == "THEO"]
    assert cues_played_through(events) == theo
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


def test_the_next_cue_starts_as_a_right_line_ends_and_a_miss_cuts_it(engine, actor_voice, voices):
    """The cue after a line starts the moment the line ends, before its verdict; a miss to correct cuts it
    short, the correction follows, and the cue then plays from its start."""
    wrong = "We lost the man in room five. I keep thinking I missed something."
    events, _, script = rehearse(engine, actor_voice, voices, Scripted({3: [wrong]}), end=4)
    timeline = [e for e in events.events if e.type in ("cue_start", "cue_end", "verdict", "prompt_start")]
    theo = [line.text for line in script.lines if line.speaker == "THEO"]

    verdicts = {v.line: v for v in events.of_type("verdict")}
    assert verdicts[3].result == "missed" and ("nine", "five") in verdicts[3].substituted
    right = [number for number, verdict in verdicts.items() if verdict.result == "ok" and number < 4]
    assert right, verdicts  # (line 4 is the last: no cue follows it)
    for number in right:
        # The cue after a right line started ahead of its verdict and played to its end.
        at = timeline.index(verdicts[number])
        before, after = timeline[at - 1], timeline[at + 1]
        assert before.type == "cue_start" and before.ahead and before.text == theo[number]
        assert after.type == "cue_end" and not after.cut
    at = timeline.index(verdicts[3])
    assert timeline[at - 1].type == "cue_start" and timeline[at - 1].ahead
    assert timeline[at + 1].type == "cue_end" and timeline[at + 1].cut  # cut before the correction
    assert timeline[at + 2].type == "prompt_start" and timeline[at + 2].kind == "correction"
    assert timeline[at + 3].type == "cue_start" and timeline[at + 3].text == theo[3] and not timeline[at + 3].ahead
    assert cues_played_through(events) == theo[:4]


def test_a_slip_is_told_after_the_cue_that_follows_it_never_over_it(engine, actor_voice, voices):
    """"for" left out of line 2 is a slip: the line counts, the cue after it plays to its end, and then the
    actor hears what the line says."""
    events, summary, script = rehearse(engine, actor_voice, voices, Scripted({2: ["You kept the light on me."]}),
                                       end=3)
    timeline = [e for e in events.events if e.type in ("cue_start", "cue_end", "verdict", "prompt_start")]
    theo = [line.text for line in script.lines if line.speaker == "THEO"]
    verdict = next(v for v in events.of_type("verdict") if v.line == 2)
    assert verdict.result == "slip" and verdict.missing == ("for",), verdict
    at = timeline.index(verdict)
    started, ended, note = timeline[at - 1], timeline[at + 1], timeline[at + 2]
    assert started.type == "cue_start" and started.ahead and started.text == theo[2]
    assert ended.type == "cue_end" and not ended.cut
    assert note.type == "prompt_start" and note.kind == "slip" and "the line is 'on for me'" in note.text
    assert summary.slips == 1 and summary.missed == 0 and summary.right_first_time == 3
    assert "1 with a small slip." in summary.sentences()


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
    end = data(events, "session_end")[-1]
    assert end["outcome"] == "stopped" and end["summary"]["stopped_early"] is True


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
    assert types[0] == "session_start" and types[-1] == "session_end"
    assert [event["t"] for event in events] == sorted(event["t"] for event in events)
    verdicts = [e for e in events if e["type"] == "verdict"]
    assert [e["line"] for e in verdicts][:2] == [1, 2]
    assert all(e["result"] in ("ok", "missed") for e in verdicts)
    assert "right first time" in result.stdout
    # What the terminal shows is what was judged, word for word.
    for verdict in verdicts:
        assert f"MAYA: {verdict['heard'] or '(nothing heard)'}  [{verdict['result']}]" in result.stdout


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--role", "NOBODY"], "no character"),
        (["--role", "MAYA", "--scene", "9"], "scene"),
        (["--role", "MAYA", "--from", "4", "--to", "2"], "--from 4 comes after --to 2"),
        (["--role", "MAYA", "--from", "9"], "between 1 and 5"),
        (["--role", "MAYA", "--timeout", "0"], "--timeout"),
        (["--role", "MAYA", "--focus", "weak", "--my-scenes"], "--my-scenes"),
        (["--role", "MAYA", "--timeout", "-3"], "--timeout"),
        (["--role", "MAYA"], "--actor virtual"),  # the default microphone: this machine has none
        # The virtual actor is already there: the advice is about the speaker named, not --actor virtual.
        (["--role", "MAYA", "--actor", "virtual", "--output-device", "7"], "leave out --output-device"),
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


def test_demo_offers_only_the_options_it_uses():
    result = subprocess.run([sys.executable, "-m", "assistant", "demo", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    for ignored in ("--actor ", "--actor-mistakes", "--actor-commands", "--input-device"):
        assert ignored not in result.stdout
    assert "--mistakes" in result.stdout and "--output-device" in result.stdout


def test_focus_weak_runs_only_the_exchanges_around_the_weakest_lines(tmp_path):
    from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder, ScriptIdentity
    from assistant.script import load_script

    maya = [line.text for line in load_script(DEMO).lines_of(ROLE)]
    stream = EventStream()
    stream.subscribe(HistoryRecorder(Store(tmp_path / "callback.db"), ScriptIdentity.of_file(DEMO)))
    stream.emit(SessionStart("run", script=str(DEMO), role=ROLE))
    for number, text in enumerate(maya, start=1):
        # Line 4 is missed twice before it comes; every other line is right first time.
        for result in (["missed", "missed", "ok"] if number == 4 else ["ok"]):
            stream.emit(Verdict(line=number, result=result, hearing="whisper", expected=text, heard=text, score=1.0))
    stream.emit(SessionEnd("run", Outcome.FINISHED))
    stream.close()

    log = tmp_path / "focus.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", str(DEMO), "--role", "MAYA", "--focus", "weak", "--count", "1",
         "--actor", "virtual", "--engine", "pocketsphinx", "--fast", "--events", str(log)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CALLBACK_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    events = read_events(log)
    assert [e["line"] for e in events if e["type"] == "listen_start"][:1] == [4]
    assert {e["line"] for e in events if e["type"] == "verdict"} == {4}
    theo = [line.text for line in load_script(DEMO).lines if line.speaker == "THEO"]
    assert [e["text"] for e in events if e["type"] == "cue_start"] == [theo[3]]  # only the cue leading in to line 4


def test_focus_weak_with_no_history_is_a_one_line_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", str(DEMO), "--role", "MAYA", "--focus", "weak", "--actor",
         "virtual", "--fast"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CALLBACK_HOME": str(tmp_path)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "no practice" in result.stderr


def test_ctrl_c_while_a_line_said_to_its_end_is_judged_keeps_it(engine, actor_voice, voices):
    """Ctrl-C while the next cue plays and the verdict on the line just said is still being made: the line is
    judged and kept before the run ends (it was lost: "0 of 0 lines"). Ctrl-C is delivered by the event
    stream at the moment the live hearing hands line 2 over to be judged."""
    from assistant.audio.buffers import BufferSpeaker
    from assistant.events import Outcome
    from assistant.script import load_script
    from assistant.session.run import Rehearsal, RunOptions, select_lines
    from assistant.session.runtime import ActorSetup, build_runtime

    script = load_script(DEMO)
    lines, numbers = select_lines(script.lines, ROLE)
    runtime = build_runtime(ear=engine, speaker=BufferSpeaker(realtime=False), voice=voices[1],
                            actor=ActorSetup(Scripted({}), voice=actor_voice, realtime=False, seed=2))

    def ctrl_c(event):
        if event.type == "heard" and event.line == 2 and event.hearing == engine.live.name:
            raise KeyboardInterrupt

    runtime.events.subscribe(ctrl_c)
    rehearsal = Rehearsal(lines, voices[0], RunOptions(role=ROLE, speak_summary=False),
                          names=list(script.roles()), line_numbers=numbers, script=str(DEMO))
    ran = runtime.run(rehearsal)
    assert ran.outcome is Outcome.INTERRUPTED
    assert [v.line for v in runtime.events.of_type("verdict")] == [1, 2]
    assert ran.result.lines == 2


@pytest.mark.parametrize("line, heard, over", [
    ("I told you I would be there by nine.", "I told you I would be there by nine", True),
    ("I told you I would be there by nine.", "I told you I would be there by window", True),  # a word of their own
    ("To retirement.", "To doctor.", True),
    ("Screw retirement.", "Kitchen retirement.", True),
    ("Screw retirement.", "Retirement.", False),
    ("I told you I would be there by nine.", "I told you I would be there by", False),  # a beat before the last word
    ("To retirement.", "To", False),
    ("Hello.", "Doctor.", False),  # a lone word may be a command
])
def test_a_line_is_over_at_its_last_word_or_a_word_in_its_place_not_a_word_short(line, heard, over):
    """When callback may take the actor's turn as finished without waiting for the long silence: the line's
    last word heard, or another word where it belongs; a line stopped a word short may be a held beat."""
    from assistant.linecheck import normalise_words
    from assistant.session.commands import covers_ending
    from assistant.session.listen import END_HEARD

    assert (covers_ending(normalise_words(line), normalise_words(heard)) == END_HEARD) is over
