"""`callback checklist` and `callback ground`, answered by the virtual actor through the real engines.

The virtual actor speaks each answer in hibari's natural voice; the real recognizer (whatever `--engine auto`
picks on this machine) hears it; `--fast` only drops the real-time waits, so a silent timeout costs compute,
not wall time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.answers import PHRASES, Answer, interpret
from assistant.checklist_items import load_checklist
from assistant.cli import cli
from assistant.commands import COMMANDS
from assistant.events import read_events
from process_helpers import ctrl_c_as_at_a_terminal

DEMO = Path(__file__).resolve().parent.parent / "assistant" / "data" / "demo_scene.txt"

SEED_QUESTIONS = [
    "Did I refine my character's intention and emotional beats?",
    "Am I prepared to take direction and pivot?",
    "Do I know what made my first audition strong—and how to build on it?",
    "Is my mindset calm, confident, and open?",
]

#: The practical items, asked after the four questions (in the built-in checklist's words).
PRACTICAL = [
    "Do I have my sides with me, the latest pages, on paper?",
    "Do I have a headshot and résumé with me, stapled back to back?",
    "Do I know the address, the room, and what time to be there?",
    "Have I chosen what to wear, close to what I wore at the first audition?",
]
ALL_YES = ",".join(["yes"] * len(PRACTICAL))

for _command in COMMANDS:
    if _command.name not in cli.commands:
        cli.add_command(_command)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBACK_HOME", str(tmp_path))
    monkeypatch.delenv("CALLBACK_CHECKLIST", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # never the developer's own checklist
    return tmp_path


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def checklist(home: Path, answers: str, *extra: str):
    """A headless checklist run; returns (parsed --json output, events)."""
    events = home / f"events-{time.monotonic_ns()}.jsonl"
    result = run_cli("checklist", "--actor", "virtual", "--fast", "--answers", answers, "--json",
                     "--timeout", "1.5", "--events", str(events), *extra)
    assert result.exit_code == 0, result.output
    log = read_events(events)
    print("\n".join(f"{e['type']}: {e.get('text', '')!r} {e.get('dictation', '')!r}" for e in log
                    if e["type"] in ("actor_says", "heard")))  # shown when a test fails
    return json.loads(result.stdout.strip().splitlines()[-1]), log


def answers_of(report) -> list[tuple[str, str]]:
    return [(item["question"], item["answer"]) for item in report["items"]]


def run_main(*args: str, env_extra: dict[str, str] | None = None, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=120)


# -- answering by voice -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_kind_of_answer_through_the_real_engines(home):
    # Q1 yeah; Q2 say again (asked again), nope -> follow-up and the drill offer, yes to it;
    # Q3 purple elephant (unclear: asked again), go back -> Q2 again: not really, offer declined with not yet;
    # Q3 next (skip); Q4 correct.
    # With sides given (--script), so the drill offer is put; then the practical items, all yes.
    report, events = checklist(
        home, "yeah,say again,nope,yes,say:purple elephant,go back,not really,not yet,next,correct," + ALL_YES,
        "--script", str(DEMO), "--role", "MAYA",
    )
    assert answers_of(report) == [
        (SEED_QUESTIONS[0], "yes"),
        (SEED_QUESTIONS[1], "no"),
        (SEED_QUESTIONS[2], "skipped"),
        (SEED_QUESTIONS[3], "yes"),
    ] + [(question, "yes") for question in PRACTICAL]
    assert report["revisit"] == [SEED_QUESTIONS[1]]
    assert report["ended"] == "finished"
    heard = [e["answer"] for e in events if e["type"] == "answer"]
    assert heard[:10] == ["yes", "repeat", "no", "yes", "unclear", "back", "no", "no", "skip", "yes"]
    # One answer per question asked: the unclear one consumed an answer and was asked again.
    prompts = [e for e in events if e["type"] == "prompt_start" and e["kind"] in ("question", "offer")]
    assert [(e["kind"], e["index"], e["attempt"]) for e in prompts[4:6]] == [("question", 2, 1), ("question", 2, 2)]
    assert prompts[5]["text"].startswith("Sorry, I didn't catch that.")
    assert sum(e["type"] == "listen_start" for e in events) == 10 + len(PRACTICAL)
    # Saying yes to the drill offer promises the drill; the later "not yet" to it withdrew the yes, so no drill
    # (and no pointer to `callback drill`) follows the checklist.
    follow_ups = [e["text"] for e in events if e["type"] == "prompt_start" and e["kind"] == "follow_up"]
    assert any("we'll run a few notes" in text for text in follow_ups)
    assert not any("callback drill" in text for text in follow_ups)


@pytest.mark.slow
def test_four_questions_in_one_voice_then_the_practical_items_and_no_typing_asked_without_sides(home):
    report, events = checklist(home, "yes,no,yes,yes,yes,no,yes,yes")
    assert answers_of(report) == [(q, "yes") for q in SEED_QUESTIONS[:1]] + [(SEED_QUESTIONS[1], "no")] + [
        (q, "yes") for q in SEED_QUESTIONS[2:]] + [(PRACTICAL[0], "yes"), (PRACTICAL[1], "no")] + [
        (q, "yes") for q in PRACTICAL[2:]]
    assert report["ended"] == "finished"
    asked = [e["text"] for e in events if e["type"] == "prompt_start" and e["kind"] == "question"]
    assert asked == SEED_QUESTIONS + PRACTICAL
    said = [e["text"] for e in events if e["type"] == "prompt_start"]
    # The list turns to the practical things out loud, once, right before the first of them.
    assert said[said.index(PRACTICAL[0]) - 1] == "Now the practical things, before you leave."
    # No sides: no drill is offered (a yes would leave a hands-free actor a command to type at the end); the
    # follow-up to the "no" says what to run later, and the printed summary gives the command.
    assert not [e for e in events if e["type"] == "prompt_start" and e["kind"] == "offer"]
    follow_ups = [e["text"] for e in events if e["type"] == "prompt_start" and e["kind"] == "follow_up"]
    assert any("later, run callback drill" in text for text in follow_ups)
    assert report["later"] == ["callback drill SCRIPT --role ROLE"]
    # The answers are kept in the history, as given.
    kept = json.loads(run_cli("checklist", "--last", "--json").stdout)
    assert answers_of(kept) == answers_of(report)
    text = run_cli("checklist", "--last").stdout
    assert "To revisit:\n  - " + SEED_QUESTIONS[1] + "\n  - " + PRACTICAL[1] in text


@pytest.mark.slow
def test_stop_mid_way_keeps_the_answers_so_far_and_last_reads_them_back(home):
    report, _ = checklist(home, "yes,not quite,that's enough")
    assert answers_of(report) == [(SEED_QUESTIONS[0], "yes"), (SEED_QUESTIONS[1], "no")]
    assert report["ended"] == "stopped"
    assert report["unanswered"] == SEED_QUESTIONS[2:] + PRACTICAL

    last = run_cli("checklist", "--last", "--json")
    assert json.loads(last.stdout)["items"] == report["items"]
    text = run_cli("checklist", "--last").stdout
    assert "yes      " + SEED_QUESTIONS[0] in text
    assert "To revisit:\n  - " + SEED_QUESTIONS[1] in text


@pytest.mark.slow
def test_when_the_answers_run_out_the_question_is_asked_again_then_the_session_ends(home):
    report, events = checklist(home, "yes")
    assert answers_of(report) == [(SEED_QUESTIONS[0], "yes")]
    assert report["ended"] == "silence"
    # The second question: asked, then asked again twice after silence, then the session ends.
    asked = [(e["index"], e["attempt"]) for e in events if e["type"] == "prompt_start" and e["kind"] == "question"]
    assert asked == [(0, 1), (1, 1), (1, 2), (1, 3)]
    assert [e["answer"] for e in events if e["type"] == "answer"] == ["yes", "silence", "silence", "silence"]


@pytest.mark.slow
def test_prep_adds_the_preparation_items(home):
    report, _ = checklist(home, "of course,that's enough", "--prep")
    assert answers_of(report) == [(SEED_QUESTIONS[0], "yes")]
    prep_questions = [item.question for item in load_checklist().items if item.prep]
    assert len(prep_questions) == 3
    assert report["unanswered"] == SEED_QUESTIONS[1:] + prep_questions + PRACTICAL


@pytest.mark.slow
def test_the_users_own_checklist_file_replaces_the_questions(home, monkeypatch):
    mine = home / "mine.json"
    mine.write_text(json.dumps({"mode": "replace", "items": [{"question": "Do I know my lines cold?"}]}))
    monkeypatch.setenv("CALLBACK_CHECKLIST", str(mine))
    report, _ = checklist(home, "correct")
    assert answers_of(report) == [("Do I know my lines cold?", "yes")]


@pytest.mark.slow
def test_ctrl_c_saves_the_answers_so_far_and_prints_them(home):
    events = home / "events.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "checklist", "--actor", "virtual", "--answers", "yes,nope",
         "--fast", "--timeout", "60", "--events", str(events)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")},
        preexec_fn=ctrl_c_as_at_a_terminal,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if events.exists() and sum(e["type"] == "prompt_start" and e["kind"] == "question"
                                   for e in read_events(events)) >= 3:
            break  # the third question is out, and nobody will answer it for a long while
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "no       " + SEED_QUESTIONS[1] in out and "Saved " in out
    last = json.loads(run_cli("checklist", "--last", "--json").stdout)
    assert answers_of(last) == [(SEED_QUESTIONS[0], "yes"), (SEED_QUESTIONS[1], "no")]
    assert last["ended"] == "interrupted"


# -- grounding ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_grounding_counts_the_box_and_speaks_affirmations(home):
    events = home / "ground.jsonl"
    result = run_cli("ground", "--minutes", "0.2", "--actor", "virtual", "--fast", "--json", "--events", str(events))
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["stopped"] is False and outcome["rounds"] >= 1
    assert outcome["seconds"] >= 12  # at least the 0.2 minutes asked for, on the session's clock
    assert outcome["affirmations"] and set(outcome["affirmations"]) <= set(load_checklist().affirmations)
    counts = [e["text"] for e in read_events(events) if e["type"] == "prompt_start" and e["kind"] == "count"]
    assert counts[:16] == ["Breathe in", "two", "three", "four", "Hold", "two", "three", "four",
                           "Breathe out", "two", "three", "four", "Hold", "two", "three", "four"]


@pytest.mark.slow
def test_asking_to_stop_ends_grounding_early_in_real_time(home):
    started = time.monotonic()
    result = run_cli("ground", "--minutes", "1", "--actor", "virtual", "--json", "--stop-after", "12")
    wall = time.monotonic() - started
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["stopped"] is True
    assert outcome["rounds"] == 0  # the first round of 16 counts (about 20 s) was cut short
    assert 12 <= outcome["seconds"] < 30
    # Real-time pacing: the session took at least as long on the wall clock as on its own clock.
    assert wall >= outcome["seconds"]


# -- what counts as an answer --------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_synonym_spoken_through_the_real_engines():
    """Each phrase in the natural voice, through the engine `auto` picks: never recorded as another answer.

    Heard as "repeat" or as unclear only means the question is asked again, which the actor notices and
    answers again; heard as another yes/no/skip/back/stop would be a wrong answer saved or a session ended.
    """
    from assistant.audio.buffers import BufferSpeaker
    from assistant.session.checklist import AnswerTiming, ChecklistFlow, ChecklistSession, Prompt
    from assistant.session.runtime import ActorSetup, build_runtime
    from assistant.speech.engines import load_engine
    from assistant.speech.hearing import Ear
    from assistant.speech.voices import EspeakVoice

    not_answers = ["purple elephant", "I'm not sure", "I don't know", "no idea", "maybe later"]
    # Every other phrase of each answer, the first always (the suite's time; each phrase is ~2.5 s here).
    phrases = [phrase for phrases in PHRASES.values() for phrase in phrases[::2]] + not_answers
    engine = load_engine("auto")
    queue = list(phrases)
    # The streaming engine alone (no second hearing): what the actor meets when Whisper is not there.
    runtime = build_runtime(ear=Ear(engine, None), speaker=BufferSpeaker(), voice=EspeakVoice("en-us"),
                            actor=ActorSetup(lambda event: queue.pop(0) if queue else None, realtime=False))
    session = ChecklistSession(ChecklistFlow(load_checklist().items), AnswerTiming(start_timeout=1.5))
    session.attach(runtime)
    heard = {phrase: session.hear_answer(Prompt("", "question", 0, 1))[1] for phrase in phrases}
    print(engine.name, {phrase: getattr(answer, "value", answer) for phrase, answer in heard.items()})

    meant = {phrase: interpret(phrase) for phrase in phrases}
    wrong = {p: a for p, a in heard.items() if a not in (meant[p], None, Answer.REPEAT)}
    assert not wrong, f"recorded as something not said: {wrong}"
    right = [p for p in phrases[: -len(not_answers)] if heard[p] == meant[p]]
    # Measured 29 to 31 of 37 with PocketSphinx and this voice; lone "stop", "skip" and "no" are the misses.
    assert len(right) >= 0.65 * (len(phrases) - len(not_answers)), f"heard right first time: {right}"
    assert {meant[p] for p in right} == set(Answer)  # every kind of answer can be given by voice
    assert all(heard[p] is None for p in not_answers)



@pytest.mark.parametrize("answer, phrases", [(answer, phrases) for answer, phrases in PHRASES.items()])
def test_every_synonym_means_its_answer(answer, phrases):
    for phrase in phrases:
        assert interpret(phrase) is answer
        assert interpret(phrase.capitalize() + ".") is answer


@pytest.mark.parametrize("text", ["purple elephant", "yes no", "maybe", "not", "I think so", "", "yes [unk]"])
def test_anything_unclear_is_not_guessed(text):
    assert interpret(text) is None


def test_fillers_do_not_spoil_an_answer():
    assert interpret("um, yes please") is Answer.YES
    assert interpret("uh no no") is Answer.NO


# -- bad input: one line, no traceback ------------------------------------------------------------------------


def test_an_unknown_answers_word_is_a_one_line_error(home):
    result = run_main("checklist", "--actor", "virtual", "--answers", "yes,yse", home=home)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "'yse'" in result.stderr and "Traceback" not in result.stderr


def test_answers_need_the_virtual_actor(home):
    result = run_main("checklist", "--answers", "yes", home=home)
    assert result.returncode == 2 and "--actor virtual" in result.stderr


@pytest.mark.parametrize("content", [b"{ not json", b"[1, 2]", b'{"items": [{"follow_up": "no question"}]}',
                                     b"\xff\xfe\x00garbage", b'{"mode": "merge", "items": []}'])
def test_a_corrupt_user_checklist_is_a_one_line_error(home, content):
    broken = home / "broken.json"
    broken.write_bytes(content)
    result = run_main("checklist", "--actor", "virtual", "--answers", "yes",
                      env_extra={"CALLBACK_CHECKLIST": str(broken)}, home=home)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "broken.json" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_user_checklist_named_by_the_environment_is_an_error(home):
    result = run_main("checklist", "--actor", "virtual", env_extra={"CALLBACK_CHECKLIST": str(home / "nope.json")},
                      home=home)
    assert result.returncode == 2 and "nope.json" in result.stderr and "Traceback" not in result.stderr


def test_last_with_nothing_saved_says_so(home):
    result = run_main("checklist", "--last", home=home)
    assert result.returncode == 2 and "no checklist saved yet" in result.stderr


def test_a_corrupt_database_is_a_one_line_error_for_last(home):
    (home / "callback.db").write_bytes(b"not sqlite " * 200)
    result = run_main("checklist", "--last", home=home)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_user_file_extends_by_default(home, monkeypatch):
    mine = home / "mine.json"
    mine.write_text(json.dumps({
        "items": [{"id": "mindset", "question": "Am I calm?"}, {"question": "Did I eat breakfast?", "prep": True}],
        "affirmations": ["You know this scene."],
    }))
    monkeypatch.setenv("CALLBACK_CHECKLIST", str(mine))
    merged = load_checklist()
    questions = [item.question for item in merged.questions(prep=False)]
    assert questions == SEED_QUESTIONS[:3] + ["Am I calm?"] + PRACTICAL  # reworded in place
    # Added at the end of the questions; the practical items stay last, for the way out of the door.
    assert [item.question for item in merged.questions(prep=True)][-5:] == ["Did I eat breakfast?"] + PRACTICAL
    assert merged.affirmations[-1] == "You know this scene." and len(merged.affirmations) > 1


def test_the_built_in_checklist_uses_the_four_seed_questions_then_the_practical_items(home):
    assert [item.question for item in load_checklist().questions(prep=False)] == SEED_QUESTIONS + PRACTICAL


def test_every_built_in_question_is_asked_in_one_voice(home):
    """The actor asking themself, as the seed's four do: never "Have you..." beside "Did I..."."""
    for item in load_checklist().questions(prep=True):
        words = set(item.question.lower().replace("?", " ").replace(",", " ").split())
        assert words & {"i", "my", "me", "myself"}, item.question
        assert not words & {"you", "your", "yourself"}, item.question
