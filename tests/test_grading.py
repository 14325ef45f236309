"""Grading recorded takes through the real CLI, on natural-voice takes made by scripts/take_corpus.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import take_corpus  # noqa: E402

from assistant.audio.pcm import Audio, read_wav  # noqa: E402
from assistant.errors import CallbackError  # noqa: E402
from assistant.events import read_events  # noqa: E402
from assistant.grading import grade_line, grade_tape  # noqa: E402
from assistant.history.database import Store  # noqa: E402
from assistant.script import load_script  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402

KINDS = ["exact", "expanded", "fillers", "dropped", "swapped", "paraphrase", "wrong_line", "added", "added_short"]
# The quiet room and the noisy ones, both voices: the default setup must hold in all of them.
CONDITIONS = ["quiet", "fan-40", "hiss-50", "reverb", "lowered", "fast"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("takes")
    script, takes = take_corpus.build(folder, lines=4, kinds=KINDS, conditions=CONDITIONS)
    return folder, script, takes


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every grade is kept in a history: a test's goes to a folder of its own, never the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("CALLBACK_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def one_take(tmp_path_factory):
    """One plainly spoken take of MAYA's first line, for what needs a real take but not a corpus."""
    folder = tmp_path_factory.mktemp("one-take")
    script, takes = take_corpus.build(folder, lines=1, kinds=["exact"], conditions=["quiet"])
    return folder / takes[0].file, script


def grade(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "grade", *arguments], capture_output=True, text=True, timeout=120,
        env=env,
    )


def test_single_line_verdicts_match_what_was_said(corpus):
    folder, script, takes = corpus
    # Through the CLI for one right and one wrong take (each call loads the models: ~3 s); the rest through
    # the same grade_line the CLI calls, on one ear.
    for take in (next(t for t in takes if t.should_pass), next(t for t in takes if not t.should_pass)):
        result = grade(str(folder / take.file), "--script", str(script), "--role", "maya", "--line",
                       str(take.line), "--json")
        assert result.returncode == 0, result.stderr
        verdict = json.loads(result.stdout)
        assert set(verdict) >= {"verdict", "score", "expected", "heard", "missing", "extra"}
        assert verdict["expected"] == take.expected
        assert verdict["hearing"] == "whisper"  # the strongest hearing installed grades
        assert (verdict["verdict"] == "ok") == take.should_pass, (take.id, verdict)
    lines = load_script(script).lines_of("MAYA")
    ear = open_ear("auto", names=["MAYA", "THEO"], purpose="grading")
    wrong = []
    for take in takes:
        graded = grade_line(ear, read_wav(folder / take.file), lines[take.line - 1], take.line)
        assert graded.hearing == "whisper"
        if graded.verdict.ok != take.should_pass:
            wrong.append((take.id, graded.verdict.heard))
        if not take.should_pass:
            # A wrong take must never be accepted, whatever else the recognizer does.
            assert not graded.verdict.ok, (take.id, graded.verdict)
    # Measured with the default setup (Whisper tiny.en grading, scripts/bench_grade.py on 2200 takes): lines
    # said plainly are right 96 to 99 % of the time; lines with "um" and "uh" in them are the weak spot (about
    # 78 %: Whisper spells a hesitation as a word, "the old man" for "the, uh, man", and PocketSphinx does not
    # always hear the "uh" under it), worst with a lowered voice or in a reverberant room, which this small
    # corpus includes. Wrong takes: never accepted.
    takes_by_id = {t.id: t for t in takes}
    plain = [t for t in takes if t.should_pass and t.kind != "fillers"]
    right_takes = [t for t in takes if t.should_pass]
    assert sum(takes_by_id[i].kind != "fillers" for i, _ in wrong) <= max(1, len(plain) // 8), wrong
    assert len(wrong) <= len(right_takes) // 3, wrong


def test_a_word_misheard_as_one_unlike_it_is_judged_by_how_clearly_the_line_fits(tmp_path):
    """Joe's "roof", in a quiet room, is heard "route": nothing like it on paper, so the reading alone would
    call a right line missed. The line is scored against the audio instead and fits clearly; a line with
    "Monday" said for "Friday", read just as freely, does not."""
    script, takes = take_corpus.build(tmp_path, lines=8, kinds=["exact", "swapped"], conditions=["quiet"],
                                      voices=["joe"])
    lines = load_script(script).lines_of("MAYA")
    ear = open_ear("auto", names=["MAYA", "THEO"], purpose="grading")
    graded = {take.kind: grade_line(ear, read_wav(tmp_path / take.file), lines[7], 8)
              for take in takes if take.line == 8}
    assert graded["exact"].verdict.ok, graded["exact"].verdict.heard
    assert not graded["swapped"].verdict.ok, graded["swapped"].verdict.heard


@pytest.mark.slow
def test_an_uh_spelled_as_a_short_word_is_forgiven_and_a_short_word_really_added_is_not(tmp_path):
    """Whisper writes an actor's "uh" as a short word ("call back a tomorrow"), the same kind of word an actor
    may really slip in ("You kept the hall light on"). The first is a right line, the second a miss: which is
    which is heard on the audio (speech/referee.py), not guessed from the word."""
    script, takes = take_corpus.build(tmp_path, lines=12, kinds=["fillers", "added_short"], conditions=["quiet"],
                                      every_condition=True)
    lines = load_script(script).lines_of("MAYA")
    ear = open_ear("auto", names=["MAYA", "THEO"], purpose="grading")
    verdicts = {take.id: grade_line(ear, read_wav(tmp_path / take.file), lines[take.line - 1], take.line).verdict
                for take in takes}
    accepted = [(i, v.heard) for i, v in verdicts.items() if "added_short" in i and v.ok]
    assert not accepted
    # Measured on these takes: 22 of the 24 lines said with an "uh" are judged right, 21 without PocketSphinx's
    # second opinion ("I have an ah, slept" is forgiven only with it); the two misses are "that doesn't all
    # make it easier", where PocketSphinx heard the "uh" but the line did not fit clearly, and a garbled
    # "I'm Tell Me The Truth, Atheo".
    missed = [(i, v.heard) for i, v in verdicts.items() if "fillers" in i and not v.ok]
    assert len(missed) <= 2, missed


def test_a_dropped_word_is_named(corpus):
    folder, script, takes = corpus
    take = next(t for t in takes if t.line == 3 and t.kind == "dropped")  # "We lost the man in the room." for "... room nine."
    result = grade(str(folder / take.file), "--script", str(script), "--role", "MAYA", "--line", "3", "--json")
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "missed"
    assert "nine" in verdict["missing"] + [pair[0] for pair in verdict.get("substituted", [])]


def test_a_whole_self_tape_is_graded_line_by_line(corpus):
    """Four lines in a row with pauses between, one of them wrong: the report says which."""
    folder, script, takes = corpus
    by_id = {(t.line, t.kind): t for t in takes}
    chosen = [(1, "exact"), (2, "swapped"), (3, "exact"), (4, "exact")]
    pause = Audio.silence(1.2)
    tape = pause
    for take_id in chosen:
        tape = tape + read_wav(folder / by_id[take_id].file).to_rate(16000) + pause
    tape_path = folder / "selftape.wav"
    tape.write_wav(tape_path)

    result = grade(str(tape_path), "--script", str(script), "--role", "MAYA", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    graded = {entry["line"]: entry for entry in report["lines"]}
    assert len(graded) == 12  # the role has twelve lines; the tape covers the first four
    assert graded[2]["verdict"] == "missed"
    assert "kept" in [pair[0] for pair in graded[2]["substituted"]] + graded[2]["missing"]
    assert sum(graded[n]["verdict"] == "ok" for n in (1, 3, 4)) >= 2
    # Lines the tape never reaches were skipped, not missed: no verdict, nowhere on the tape.
    assert all(graded[n]["verdict"] == "skipped" and graded[n]["found"] is None for n in range(5, 13))
    assert all(graded[n]["takes"] == 1 and graded[n]["found"]["start"] < graded[n + 1]["found"]["start"]
               for n in (1, 2, 3))

    text = grade(str(tape_path), "--script", str(script), "--role", "MAYA")
    assert "line 2: missed" in text.stdout and "line 5: skipped" in text.stdout
    assert "lines right, 3 word perfect, 8 skipped" in text.stdout


def test_grade_tape_keeps_a_readers_cue_out_of_the_lines(corpus):
    """Speech between two lines (a reader's cue on a self-tape) is pinned on neither line."""
    folder, script, takes = corpus
    from hibari import Hibari

    engine = open_ear("auto", names=("MAYA", "THEO"), purpose="grading")
    lines = load_script(script).lines_of("MAYA")[:2]
    by_id = {(t.line, t.kind): t for t in takes}
    cue = Audio.from_float(Hibari()("Somebody had to.", seed=1), 24000).to_rate(16000)
    pause = Audio.silence(0.8)
    tape = (pause + read_wav(folder / by_id[(1, "exact")].file).to_rate(16000) + pause + cue + pause
            + read_wav(folder / by_id[(2, "exact")].file).to_rate(16000) + pause)
    graded = grade_tape(engine, tape, lines)
    assert all("somebody" not in g.verdict.heard.lower() for g in graded)
    assert "slept" in graded[0].verdict.heard and "light" in graded[1].verdict.heard
    assert [g.verdict.ok for g in graded] == [True, True], graded


@pytest.mark.parametrize(
    "make, arguments, message",
    [
        ("notwav", ["--role", "MAYA", "--line", "1"], "not a WAV"),
        ("take", ["--role", "NOBODY"], "no character"),
        ("take", ["--role", "MAYA", "--line", "99"], "--line"),
        ("take", ["--role", "MAYA", "--engine", "vosk", "--model", "/no/such/model"], "/no/such/model"),
        ("take", ["--role", "MAYA", "--engine", "vosk", "--model", "CORRUPT"], "model"),
        ("take", ["--role", "MAYA", "--save-takes", "--no-history"], "--save-takes"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(corpus, tmp_path, make, arguments, message):
    folder, script, takes = corpus
    take = folder / takes[0].file
    if make == "notwav":
        take = tmp_path / "take.wav"
        take.write_text("this is not audio\n")
    corrupt = tmp_path / "corrupt-model"
    (corrupt / "am").mkdir(parents=True)
    (corrupt / "conf").mkdir()
    (corrupt / "am" / "final.mdl").write_bytes(b"")
    arguments = [str(corrupt) if a == "CORRUPT" else a for a in arguments]
    result = grade(str(take), "--script", str(script), *arguments)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.mark.slow
def test_a_graded_line_is_kept_in_the_history_with_its_take(one_take, home, tmp_path):
    take, script = one_take
    log = tmp_path / "events.jsonl"
    result = grade(str(take), "--script", str(script), "--role", "maya", "--line", "1", "--save-takes",
                   "--events", str(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("line 1: ok")  # what is printed is unchanged

    [attempt] = Store().attempts("MAYA")
    assert (attempt.line_number, attempt.verdict, attempt.hearing) == (1, "ok", "whisper")
    assert "slept since tuesday" in attempt.heard.lower()
    assert attempt.session_kind == "grade" and attempt.script_path == str(script.resolve())
    kept = soundfile.info(attempt.take_path)
    assert abs(kept.duration - read_wav(take).duration) < 0.01  # the whole take, as recorded
    [session] = Store().sessions("grade")
    assert session.outcome == "finished" and session.summary["lines"] == 1 and session.summary["right"] == 1

    types = [event["type"] for event in read_events(log)]
    assert types == ["session_start", "verdict", "session_end"]
    assert read_events(log)[0]["history"] == str(home / "callback.db")


@pytest.mark.slow
def test_a_self_tape_keeps_the_lines_said_and_nothing_for_the_lines_skipped(one_take, tmp_path):
    """A skipped line is not an attempt: as a "skip" in a rehearsal, it is in the event log and not in the
    history, so `stats` does not count it against the line."""
    take, script = one_take
    log = tmp_path / "events.jsonl"
    result = grade(str(take), "--script", str(script), "--role", "MAYA", "--save-takes", "--events", str(log))
    assert result.returncode == 0, result.stderr
    [attempt] = Store().attempts("MAYA")
    assert attempt.line_number == 1 and attempt.verdict == "ok" and attempt.take_path
    [session] = Store().sessions("grade")
    assert session.summary["right"] == 1 and session.summary["lines"] == 1 and session.summary["skipped"] == 11
    skips = [event["line"] for event in read_events(log) if event["type"] == "command" and event["name"] == "skip"]
    assert skips == list(range(2, 13))


@pytest.mark.slow
def test_no_history_keeps_nothing_and_says_so(one_take, home):
    take, script = one_take
    result = grade(str(take), "--script", str(script), "--role", "MAYA", "--line", "1", "--no-history")
    assert result.returncode == 0, result.stderr
    assert "line 1: ok" in result.stdout
    assert "--no-history" in result.stderr and "nothing" in result.stderr
    assert not (home / "callback.db").exists()


def test_an_unwritable_history_fails_before_grading(one_take):
    """Checked before the recognizer loads: the error is the history's, though the model named is missing too."""
    take, script = one_take
    env = {**os.environ, "CALLBACK_HOME": "/etc/passwd/x"}
    result = grade(str(take), "--script", str(script), "--role", "MAYA", "--engine", "vosk", "--model",
                   "/no/such/model", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "/etc/passwd" in lines[0] and "--no-history" in lines[0], result.stderr


def test_a_folder_given_as_the_take_is_named_as_one(one_take, tmp_path):
    _, script = one_take
    result = grade(str(tmp_path), "--script", str(script), "--role", "MAYA", "--line", "1")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is a folder" in lines[0] and "no such file" not in lines[0], result.stderr


def test_nan_and_infinite_samples_read_as_silence_without_a_warning(tmp_path):
    samples = np.full(1600, 0.25, dtype=np.float32)
    samples[[10, 20, 30]] = [np.nan, np.inf, -np.inf]
    path = tmp_path / "glitch.wav"
    soundfile.write(path, samples, 16000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        audio = read_wav(path)
    assert list(audio.samples[[10, 20, 30]]) == [0, 0, 0]
    assert np.all(np.delete(audio.samples, [10, 20, 30]) == int(0.25 * 32767))  # the rest is untouched


def test_a_recording_of_nothing_but_nan_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.wav"
    soundfile.write(path, np.full(1600, np.nan, dtype=np.float32), 16000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(CallbackError) as caught:
            read_wav(path)
    assert "\n" not in str(caught.value) and "NaN" in str(caught.value)
