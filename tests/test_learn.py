"""Learn mode end to end: the real `callback learn` command, the virtual actor who knows a line only once it has
heard it, the real recognizers, and the practice history in a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from assistant.history.learning import LineProgress
from assistant.session.learn import first_words, step
from cli_helpers import callback, one_error

SCENE = ("THEO: You're late again.\n"
         "MAYA: I kept the light on for you.\n"
         "THEO: Someone has to.\n"
         "MAYA: We lost the man in room nine.\n"
         "THEO: I heard.\n"
         "MAYA: Then sit with me a while.\n")


def learn_json(home, script, *extra):
    result = callback(home, "learn", str(script), "--role", "MAYA", "--actor", "virtual", "--engine", "auto",
                      "--fast", "--json", *extra, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_every_line_is_learned_and_the_next_session_starts_from_the_history(tmp_path):
    home = tmp_path / "home"
    script = tmp_path / "scene.txt"
    script.write_text(SCENE, encoding="utf-8")

    # First evening: two new lines only. Each is said by callback, then hinted, then asked from its cue alone.
    first = learn_json(home, script, "--new", "2")
    assert [line["line"] for line in first] == [1, 2]
    for line in first:
        assert set(line) == {"line", "stages", "attempts", "learned"}
        assert line["learned"] is True
        assert line["stages"][:3] == ["full", "first_words", "none"]
        assert line["stages"][-2:] == ["none", "none"]  # twice in a row from the cue alone
        assert line["attempts"] == len(line["stages"])

    database = sqlite3.connect(home / "callback.db")
    # Every attempt is kept, and the help given before it: one prompt at the first two stages, none after.
    prompts = database.execute(
        "SELECT a.prompts FROM attempts a JOIN sessions s ON s.id = a.session_id"
        " WHERE s.kind = 'learn' AND a.line_number = 1 ORDER BY a.id").fetchall()
    stage_prompts = [0 if stage == "none" else 1 for stage in first[0]["stages"]]
    assert [row[0] for row in prompts] == stage_prompts

    # Days later line 1 is due for review; line 2 is not, and line 3 was never tried.
    past = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat(timespec="milliseconds")
    with database:
        database.execute("UPDATE learning SET due_at = ? WHERE line_text = 'I kept the light on for you.'", (past,))
    database.close()

    second = learn_json(home, script)
    # The review first, then the new line; line 2, learned and not due, is not asked at all.
    assert [line["line"] for line in second] == [1, 3]
    review = second[0]
    # A new virtual actor has not heard line 1 yet: missed from its cue alone, it steps back a stage, and again
    # (the first words are not the line), until callback says the whole line; then it is learned again.
    assert review["stages"][:3] == ["none", "first_words", "full"]
    assert review["learned"] is True and second[1]["learned"] is True

    third = learn_json(home, script)
    assert third == []  # everything learned, nothing due


def test_a_miss_steps_back_a_stage_and_two_unaided_right_answers_learn_a_line():
    at = datetime(2026, 12, 4, 20, 0, tzinfo=timezone.utc)
    line = LineProgress("We lost the man in room nine.")
    step(line, "ok", "full", extra_help=False, at=at)
    assert line.stage == "first_words"
    step(line, "missed", "first_words", extra_help=False, at=at)
    assert line.stage == "full"
    for stage in ("full", "first_words"):
        step(line, "ok", stage, extra_help=False, at=at)
    assert line.stage == "none" and not line.learned
    step(line, "ok", "none", extra_help=True, at=at)  # said after asking for the line: not from memory
    step(line, "ok", "none", extra_help=False, at=at)
    step(line, "slip", "none", extra_help=False, at=at)  # a slip breaks the run of right answers
    step(line, "ok", "none", extra_help=False, at=at)
    assert not line.learned
    step(line, "ok", "none", extra_help=False, at=at)
    assert line.learned and line.due_at.startswith("2026-12-05T20:00")
    # Reviews said right leave it alone twice as long each time; a miss forgets it.
    step(line, "ok", "none", extra_help=False, at=at, review=True)
    assert line.interval_days == 2 and line.due_at.startswith("2026-12-06")
    step(line, "missed", "none", extra_help=False, at=at)
    assert not line.learned and line.stage == "first_words" and line.due_at is None
    assert line.attempts == 11


def test_first_words_are_a_hint_not_the_line():
    assert first_words("Someone has to.") == "Someone"
    assert first_words("We lost the man in room nine.") == "We lost"
    assert first_words("I told you I would be there by nine, and I was there, and you were not.") == \
        "I told you I"


@pytest.mark.parametrize("arguments, message", [
    (["--role", "NOBODY"], "no character"),
    (["--role", "MAYA", "--scene", "4"], "--scene"),
    (["--role", "MAYA", "--from", "3", "--to", "2"], "--from 3 comes after --to 2"),
    (["--role", "MAYA", "--actor-mistakes", "0.5"], "--actor virtual"),
    (["--role", "MAYA", "--chunk", "0"], "--chunk"),
])
def test_bad_input_is_one_line(tmp_path, arguments, message):
    script = tmp_path / "scene.txt"
    script.write_text(SCENE, encoding="utf-8")
    result = callback(tmp_path / "home", "learn", str(script), *arguments, "--engine", "pocketsphinx")
    assert message in one_error(result)
    assert not (tmp_path / "home" / "callback.db").exists()  # refused before anything was kept


class AsksForTheLine:
    """The learner, asking for line 1 once, at its first attempt from the cue alone (its third)."""

    def __init__(self):
        from assistant.actor import LearnerPart

        self.learner = LearnerPart()
        self.hear = self.learner.hear
        self.asked = False

    def __call__(self, event):
        if event.purpose == "line" and event.line == 1 and event.attempt == 3 and not self.asked:
            self.asked = True
            return "Line, please."
        return self.learner(event)


@pytest.mark.slow
def test_line_gives_the_whole_line_and_the_attempt_after_it_does_not_count(tmp_path):
    from assistant.audio.buffers import BufferSpeaker
    from assistant.commands.run import cast_voices
    from assistant.history.learning import LearningBook
    from assistant.script import load_script
    from assistant.session.learn import LearnOptions, LearnSession
    from assistant.session.run import select_lines
    from assistant.session.runtime import ActorSetup, build_runtime
    from assistant.speech.hearing import open_ear

    path = tmp_path / "scene.txt"
    path.write_text(SCENE, encoding="utf-8")
    script = load_script(path)
    lines, numbers = select_lines(script.lines, "MAYA", None, 1)
    voices, prompter = cast_voices(lines, "MAYA")
    runtime = build_runtime(ear=open_ear("auto", names=("MAYA", "THEO")), speaker=BufferSpeaker(), voice=prompter,
                            actor=ActorSetup(AsksForTheLine(), realtime=False))
    session = LearnSession(lines, numbers, voices, LearningBook(None, str(path), "MAYA"), LearnOptions("MAYA"),
                           names=["MAYA", "THEO"])
    ran = runtime.run(session)
    ran.raise_if_failed()

    events = runtime.events
    assert [c.name for c in events.of_type("command")] == ["line"]
    said = [(p.kind, p.text) for p in events.of_type("prompt_start") if p.kind in ("full", "first_words", "line")]
    assert said == [("full", "I kept the light on for you."), ("first_words", "I kept"),
                    ("line", "I kept the light on for you.")]
    verdicts = events.of_type("verdict")
    assert [v.prompts for v in verdicts] == [1, 1, 1, 0, 0]
    [line] = ran.result.lines
    # Right after the line was given: not from memory, so two more from the cue alone are still needed.
    assert line["stages"] == ["full", "first_words", "full", "none", "none"] and line["learned"]
