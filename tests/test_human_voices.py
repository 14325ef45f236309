"""Grading real people: public-domain recordings with published transcripts (tests/data/human/SOURCES.md).

The verdict was tuned on two synthetic voices. These are three people, cut into script-length lines: John F.
Kennedy outdoors over a crowd, and two LibriVox volunteers (a man reading Austen, a woman reading a sonnet),
three lines again over a simulated telephone line. Each is graded in-process, as `callback grade` does,
against its own words (must be ok) and against the same line with one content word changed (must be missed):
38 gradings on one ear, 18 s on the 2-core machine when it is otherwise idle (110 s while other jobs kept it busy).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import human_takes  # noqa: E402

from assistant.audio.pcm import read_wav  # noqa: E402
from assistant.grading import grade_line  # noqa: E402
from assistant.script.model import Line  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402

RECORDINGS = human_takes.load()


@pytest.fixture(scope="module")
def ear():
    return open_ear("auto", names=["MAYA"], purpose="grading")


def graded(ear, recording: human_takes.HumanRecording, text: str):
    return grade_line(ear, read_wav(recording.file), Line("MAYA", text), 1).verdict


def test_the_recordings_are_the_small_set_described():
    """Three speakers, male and female, some over a telephone line; small enough to keep in git."""
    assert {r.speaker for r in RECORDINGS} == {"kennedy", "austen", "sonnet"}
    assert sum(r.condition == "phone" for r in RECORDINGS) == 3
    assert sum(r.file.stat().st_size for r in RECORDINGS) < 2_000_000
    assert all(r.swapped != r.transcript and r.added != r.transcript for r in RECORDINGS)


# FINDING (grading code of commit 952c50a): the grading's hearing writes the sonnet reader's "gaudy spring" as
# "Godi's Spring" (plain Whisper tiny.en, beam 5, hears it right: human_takes.py --check), and the line does not
# fit clearly enough to forgive it (score 0.81): a right line from a real person judged missed. Every other
# right line is ok, homophones included ("air" for "heir", "dew" and "do" for "due").
# Strict: when the grading hears it, this xfail fails, and the entry goes.
MISSED_BUT_RIGHT = {
    "sonnet-11.flac": "Whisper tiny.en hears 'gaudy spring' as 'Godi's Spring' and the line's fit fails (0.81)",
}


def each_recording(known_failures: dict[str, str]) -> list:
    """One test per recording, named by its file; a known failure is an xfail with its reason."""
    return [
        pytest.param(recording, id=recording.file.name, marks=[
            pytest.mark.xfail(reason=known_failures[recording.file.name], strict=True)
        ] if recording.file.name in known_failures else [])
        for recording in RECORDINGS
    ]


@pytest.mark.slow
@pytest.mark.parametrize("recording", each_recording(MISSED_BUT_RIGHT))
def test_a_person_saying_their_line_is_ok(ear, recording):
    verdict = graded(ear, recording, recording.transcript)
    assert verdict.ok, (recording.transcript, verdict.heard, verdict.score)


@pytest.mark.slow
@pytest.mark.parametrize("recording", each_recording({}))
def test_the_line_with_one_content_word_changed_is_missed(ear, recording):
    """The recording graded against its line with one word swapped ("your government" for "your country"): a
    wrong line from a real voice is never accepted. (Its line with a word added, "your great country", is a
    dropped-word take: scripts/bench_grade.py on `take_corpus.py --voices human` grades those, 32 of 32 missed.)"""
    verdict = graded(ear, recording, recording.swapped)
    assert not verdict.ok, (recording.swapped, verdict.heard, verdict.score)
