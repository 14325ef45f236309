"""A natural voice per character, for real: the voices listed, heard in a run, changed and kept in the history."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from assistant.events import read_events
from cli_helpers import callback, one_error

pytestmark = pytest.mark.slow

SCENE = """INT. FERRY TERMINAL - NIGHT

JONAS (20s) leans on the rail. He has not slept.

ELENA (40s) checks her phone.

JONAS
You came back.

SAM
I kept the light on for you.

ELENA
Boarding in five minutes.

SAM
Then we have time.
"""


def _median_pitch(audio) -> float:
    import parselmouth

    pitch = parselmouth.Sound(audio.samples.astype(np.float64) / 32768.0, audio.rate).to_pitch()
    voiced = pitch.selected_array["frequency"]
    return float(np.median(voiced[voiced > 0]))


@pytest.fixture
def scene(tmp_path):
    path = tmp_path / "ferry.fountain"
    path.write_text(SCENE, encoding="utf-8")
    return path


def test_a_man_and_a_woman_get_natural_voices_of_their_kind_and_the_choice_is_kept(tmp_path, scene) -> None:
    home = tmp_path / "home"
    listed = callback(home, "voices", str(scene), "--role", "SAM")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["JONAS: joe (man: 'he' in action lines, 20s)",
                                          "ELENA: hibari (woman: 'her' in action lines, 40s)", "SAM: you"]

    # The two voices really are a man's and a woman's: a lower voice by an octave or near it.
    from assistant.speech.voice_choice import build_voice

    line = "Boarding in five minutes, so keep your ticket."
    assert _median_pitch(build_voice("joe").render(line)) < 0.6 * _median_pitch(build_voice("hibari").render(line))

    # A run with the man's voice changed: the cues say which voice read them, and the choice is kept.
    events = tmp_path / "events.jsonl"
    ran = callback(home, "run", str(scene), "--role", "SAM", "--actor", "virtual", "--fast", "--timeout", "5",
                   "--voice", "jonas=joe-low", "--events", str(events), timeout=300)
    assert ran.returncode == 0, ran.stderr
    cues = {event["speaker"]: event["voice"] for event in read_events(events) if event["type"] == "cue_start"}
    assert cues == {"JONAS": "joe-low", "ELENA": "hibari"}
    with sqlite3.connect(home / "callback.db") as db:
        assert db.execute("SELECT character, voice FROM voice_choices").fetchall() == [("JONAS", "joe-low")]

    again = callback(home, "voices", str(scene), "--role", "SAM")
    assert again.stdout.splitlines()[0] == "JONAS: joe-low (your choice, kept for this script)"


def test_a_part_the_script_is_silent_about_is_asked_about_once_by_voice(tmp_path) -> None:
    # KESTREL: no pronoun, no description, not a first name. The question comes before the first cue; the
    # virtual actor answers "yes" (a man), the part is read in a man's voice, and the next run does not ask.
    # Unasked, KESTREL would get a voice not yet used: JONAS (a man's name) has joe, so hibari, a woman's.
    scene = tmp_path / "hangar.txt"
    scene.write_text("JONAS: The engines are cold.\nSAM: Then we wait.\nKESTREL: Not for long.\n"
                     "SAM: Long enough.\n", encoding="utf-8")
    home = tmp_path / "home"
    for run, asked in ((1, True), (2, False)):
        events = tmp_path / f"run{run}.jsonl"
        ran = callback(home, "run", str(scene), "--role", "SAM", "--actor", "virtual", "--fast", "--timeout", "5",
                       "--events", str(events), timeout=300)
        assert ran.returncode == 0, ran.stderr
        logged = list(read_events(events))
        questions = [e for e in logged if e["type"] == "prompt_start" and e["kind"] == "casting"]
        assert bool(questions) == asked and len(questions) <= 1
        cue_voices = {e["speaker"]: e["voice"] for e in logged if e["type"] == "cue_start"}
        assert cue_voices["JONAS"] == "joe" and cue_voices["KESTREL"] in ("joe-low", "joe-high")
        if asked:
            first_cue = next(i for i, e in enumerate(logged) if e["type"] == "cue_start")
            assert logged.index(questions[0]) < first_cue
    with sqlite3.connect(home / "callback.db") as db:
        assert db.execute("SELECT character FROM voice_choices").fetchall() == [("KESTREL",)]


def test_an_unknown_voice_is_refused_in_one_line_before_anything_is_kept(tmp_path, scene) -> None:
    home = tmp_path / "home"
    error = one_error(callback(home, "run", str(scene), "--role", "SAM", "--actor", "virtual", "--fast",
                               "--voice", "JONAS=robot"))
    assert "unknown voice 'robot'" in error and "joe-low" in error
    assert not (home / "callback.db").exists() or not sqlite3.connect(home / "callback.db").execute(
        "SELECT * FROM voice_choices").fetchall()


def test_the_natural_variants_stay_intelligible_to_whisper() -> None:
    """joe-low, joe-high, hibari-low and hibari-high are read back word for word by Whisper tiny.en."""
    from assistant.audio.pcm import Audio
    from assistant.speech.engines import load_engine
    from assistant.speech.voice_choice import build_voice

    engine = load_engine("whisper")
    line = "You look like you haven't slept since Tuesday."
    for name in ("joe-low", "joe-high", "hibari-low", "hibari-high"):
        speech = build_voice(name).render(line).to_rate(16000)
        pad = np.zeros(8000, dtype=np.int16)
        recognizer = engine.recognizer()
        for chunk in Audio(np.concatenate([pad, speech.samples, pad]), 16000).chunks(0.1):
            recognizer.feed(chunk)
        heard = recognizer.finish().text.lower().strip(" .")
        assert heard == line.lower().strip("."), (name, heard)
