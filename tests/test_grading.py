"""Grading recorded takes through the real CLI, on natural-voice takes made by scripts/take_corpus.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import take_corpus  # noqa: E402

from assistant.audio.pcm import Audio, read_wav  # noqa: E402
from assistant.grading import grade_tape  # noqa: E402
from assistant.script import load_script  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402

KINDS = ["exact", "expanded", "fillers", "dropped", "swapped", "paraphrase", "wrong_line", "added"]
# The quiet room and the noisy ones, both voices: the default setup must hold in all of them.
CONDITIONS = ["quiet", "fan-40", "hiss-50", "reverb", "lowered", "fast"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("takes")
    script, takes = take_corpus.build(folder, lines=4, kinds=KINDS, conditions=CONDITIONS)
    return folder, script, takes


def grade(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "grade", *arguments], capture_output=True, text=True, timeout=120
    )


def test_single_line_verdicts_match_what_was_said(corpus):
    folder, script, takes = corpus
    wrong = []
    for take in takes:
        result = grade(str(folder / take.file), "--script", str(script), "--role", "maya", "--line",
                       str(take.line), "--json")
        assert result.returncode == 0, result.stderr
        verdict = json.loads(result.stdout)
        assert set(verdict) >= {"verdict", "score", "expected", "heard", "missing", "extra"}
        assert verdict["expected"] == take.expected
        assert verdict["hearing"] == "whisper"  # the strongest hearing installed grades
        if (verdict["verdict"] == "ok") != take.should_pass:
            wrong.append((take.id, verdict["heard"]))
        if not take.should_pass:
            # A wrong take must never be accepted, whatever else the recognizer does.
            assert verdict["verdict"] == "missed", (take.id, verdict)
    # Measured with the default setup (Whisper tiny.en grading, scripts/bench_grade.py on 646 takes): lines
    # said plainly are right 94 to 100 % of the time; lines with "um" and "uh" in them are the weak spot (83 %:
    # Whisper spells a hesitation as a word, "the old man" for "the, uh, man"), worst with a lowered voice or
    # in a reverberant room, which this small corpus includes. Wrong takes: never accepted.
    takes_by_id = {t.id: t for t in takes}
    plain = [t for t in takes if t.should_pass and t.kind != "fillers"]
    right_takes = [t for t in takes if t.should_pass]
    assert sum(takes_by_id[i].kind != "fillers" for i, _ in wrong) <= max(1, len(plain) // 8), wrong
    assert len(wrong) <= len(right_takes) // 3, wrong


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
    assert all(graded[n]["verdict"] == "missed" and not graded[n]["heard"] for n in range(5, 13))

    text = grade(str(tape_path), "--script", str(script), "--role", "MAYA")
    assert "line 2: missed" in text.stdout


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
    assert [g.verdict.ok for g in graded] == [True, True]


@pytest.mark.parametrize(
    "make, arguments, message",
    [
        ("notwav", ["--role", "MAYA", "--line", "1"], "not a WAV"),
        ("take", ["--role", "NOBODY"], "no character"),
        ("take", ["--role", "MAYA", "--line", "99"], "--line"),
        ("take", ["--role", "MAYA", "--engine", "vosk", "--model", "/no/such/model"], "/no/such/model"),
        ("take", ["--role", "MAYA", "--engine", "vosk", "--model", "CORRUPT"], "model"),
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
