"""Redirection drills: the notes, the drill and random notes inside a run, through the real engines, with the
virtual actor obeying the notes or (stubborn) ignoring them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.errors import CallbackError
from assistant.redirections import MEASURES, choose_kinds, load_redirections
from assistant.session.redirecting import heard_rating
from scene_helpers import DEMO, Scripted, rehearse

# -- the notes ------------------------------------------------------------------------------------------------


def test_the_built_in_notes_cover_every_measure_both_ways_and_the_qualitative_ones():
    notes = load_redirections(use_user_file=False)
    measured = {(n.measure, n.direction) for n in notes if n.measurable}
    assert measured == {(m, d) for m in MEASURES for d in (1, -1)}
    qualitative = {n.kind for n in notes if not n.measurable}
    assert {"grounded", "elevated", "objective", "stakes", "listener", "room"} <= qualitative
    assert all(len(n.phrasings) >= 2 for n in notes)  # a drill never sounds rehearsed


def test_a_users_file_adds_rewords_or_replaces(tmp_path, monkeypatch):
    mine = tmp_path / "notes.toml"
    mine.write_text('[[redirection]]\nid = "faster"\nkind = "pace"\nmeasure = "articulation_rate"\ndirection = 1\n'
                    'say = ["Double time!"]\n\n[[redirection]]\nkind = "accent"\nsay = ["Try it in your own accent."]\n')
    monkeypatch.setenv("CALLBACK_REDIRECTIONS", str(mine))
    notes = {n.id: n for n in load_redirections()}
    assert notes["faster"].phrasings == ("Double time!",)
    assert any(n.kind == "accent" for n in notes.values()) and "slower" in notes
    mine.write_text('mode = "replace"\n' + mine.read_text())
    assert [n.kind for n in load_redirections()] == ["pace", "accent"]


@pytest.mark.parametrize("content, message", [
    ("[[redirection]]\nkind = 'pace'\n", "say"),
    ("[[redirection]]\nkind = 'pace'\nsay = ['x']\nmeasure = 'speed'\n", "measure must be"),
    ("[[redirection]]\nkind = 'pace'\nsay = ['x']\nmeasure = 'loudness'\n", "direction"),
    ("not toml at all [", "not valid TOML"),
])
def test_a_broken_users_file_is_a_one_line_error(tmp_path, monkeypatch, content, message):
    mine = tmp_path / "notes.toml"
    mine.write_text(content)
    monkeypatch.setenv("CALLBACK_REDIRECTIONS", str(mine))
    with pytest.raises(CallbackError, match=message) as caught:
        load_redirections()
    assert "\n" not in str(caught.value)


def test_kinds_choose_notes_and_an_unknown_kind_is_named():
    notes = load_redirections(use_user_file=False)
    assert {n.kind for n in choose_kinds(notes, "pace,qualitative")} == {
        "pace", "grounded", "elevated", "objective", "stakes", "listener", "room"}
    with pytest.raises(CallbackError, match="'speed'"):
        choose_kinds(notes, "pace,speed")


@pytest.mark.parametrize("said, rating", [
    ("four", 4), ("Four.", 4), ("a four", 4), ("4", 4), ("four out of five", 4), ("for", 4), ("two", 2),
    ("three or four", None), ("purple", None), ("", None), ("I'd say it was for the best", None),
])
def test_a_spoken_rating(said, rating):
    assert heard_rating(said) == rating


# -- through the real engines ---------------------------------------------------------------------------------


def drill(tmp_path, *extra):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "drill", str(DEMO), "--role", "MAYA", "--actor", "virtual", "--fast",
         "--json", "--events", str(tmp_path / "drill.jsonl"), *extra],
        capture_output=True, text=True, timeout=600, env={**os.environ, "CALLBACK_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_an_obedient_actor_is_heard_to_change_and_a_stubborn_one_is_not(tmp_path):
    # PocketSphinx alone follows the lines here: what is tested is the measuring, not the second hearing.
    kinds = ("--kinds", "pace,loudness,pauses,pitch", "--rounds", "3", "--seed", "3", "--engine", "pocketsphinx")
    obeyed = drill(tmp_path, *kinds)
    assert len(obeyed) == 3 and {r["measure"] for r in obeyed} <= set(MEASURES)
    for result in obeyed:
        assert set(result) >= {"redirection", "kind", "measure", "before", "after", "changed"}
        assert result["changed"] is True, result

    stubborn = drill(tmp_path, *kinds, "--actor-stubborn")
    assert len(stubborn) == 3 and {r["measure"] for r in stubborn} <= set(MEASURES)
    assert all(r["changed"] is False for r in stubborn), stubborn


@pytest.mark.slow
def test_a_qualitative_note_is_rated_by_voice_and_kept(tmp_path):
    from assistant.history import Store

    rated = drill(tmp_path, "--kinds", "qualitative", "--rounds", "1", "--line", "2")
    assert [r["measure"] for r in rated] == [None] and rated[0]["changed"] is None
    assert rated[0]["rating"] in (3, 4, 5), rated  # what the virtual actor answers
    # Both deliveries of the line are drill attempts in the history.
    attempts = Store(tmp_path / "callback.db").attempts("MAYA")
    assert [(a.line_number, a.attempt) for a in attempts] == [(2, 1), (2, 2)]
    assert {a.session_kind for a in attempts} == {"drill"}


@pytest.mark.slow
def test_random_notes_inside_a_run_are_measured_against_the_take_before():
    from assistant.actor import ScenePart
    from assistant.speech.hearing import open_ear

    notes = choose_kinds(load_redirections(use_user_file=False), "pace,loudness")
    events, summary, _ = rehearse(open_ear("auto", names=["MAYA", "THEO"]), ScenePart(seed=1), end=2,
                                  redirect_rate=1.0, redirections=notes)
    redirections = [e for e in events.events if e.type.value == "redirection"]
    assert [r.line for r in redirections] == [1, 2]
    assert all(r.measure in ("articulation_rate", "loudness") and r.changed for r in redirections), redirections
    assert all(r.measures_before and r.measures_after for r in redirections)  # every raw measure kept
    verdicts = [e.line for e in events.events if e.type.value == "verdict"]
    assert verdicts == [1, 1, 2, 2]  # each retake judged as a line too
    assert summary.right_first_time == 2


@pytest.mark.slow
def test_the_same_delivery_again_is_flagged_and_a_new_one_is_not():
    """Going back brings line 2 round again: said the same way, callback asks for something new."""
    from assistant.actor import Spoken
    from assistant.actor.delivery import OBEY
    from assistant.script import load_script
    from assistant.speech.hearing import open_ear

    ear = open_ear("auto", names=["MAYA", "THEO"])
    events, _, _ = rehearse(ear, Scripted({3: ["Go back."]}), end=3)
    assert [e.line for e in events.events if e.type.value == "refresh"] == [2]
    assert any(e.type.value == "prompt_start" and e.kind == "refresh" for e in events.events)

    line_2 = load_script(DEMO).lines_of("MAYA")[1].text
    renewed = Scripted({2: [line_2, Spoken(line_2, OBEY[("articulation_rate", 1)])], 3: ["Go back."]})
    events, _, _ = rehearse(ear, renewed, end=3)
    assert not [e for e in events.events if e.type.value == "refresh"]


@pytest.mark.slow
def test_yes_to_the_checklists_drill_offer_runs_a_drill_on_the_sides_given(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "checklist", "--actor", "virtual", "--fast", "--timeout", "1.5",
         "--answers", "yes,no,yes,yes,yes" + ",yes" * 4, "--script", str(DEMO), "--role", "maya", "--json"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "CALLBACK_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert result.returncode == 0, result.stderr
    checklist, drilled = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
    # The four questions, then the four practical items; the drill follows a checklist seen through.
    assert [item["answer"] for item in checklist["items"]] == ["yes", "no", "yes", "yes"] + ["yes"] * 4
    assert len(drilled["drill"]) == 3
    from assistant.history import Store

    kinds = [s.kind for s in Store(tmp_path / "callback.db").sessions()]
    assert kinds == ["checklist", "drill"]
