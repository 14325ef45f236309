"""A whole self-tape: each line found where it was said (assistant/tape.py), judged on its own audio, a skipped
line reported as skipped, and every Whisper reading bounded however repetitive the tape."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import bench_tape  # noqa: E402
import take_corpus  # noqa: E402

from assistant.grading import _BATCH_SECONDS, _batches, grade_tape  # noqa: E402
from assistant.speech.activity import Region  # noqa: E402
from assistant.speech.recognizer import Word  # noqa: E402
from assistant.tape import place_lines, thinly_heard  # noqa: E402

LINES = [line["text"] for line in take_corpus.LINES]


class Tape:
    """Words with times as Whisper gives them, and the speech detector's regions: one region an utterance."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.regions: list[Region] = []
        self.at = 1.0

    def say(self, text: str, pause: float = 1.0, seconds_a_word: float = 0.3) -> tuple[float, float]:
        start = self.at
        for word in text.split():
            self.words.append(Word(word, self.at, self.at + seconds_a_word - 0.05, 0.9))
            self.at += seconds_a_word
        self.regions.append(Region(start - 0.2, self.at + 0.2))
        end, self.at = self.at, self.at + pause
        return start, end


def test_a_skipped_line_a_retake_and_the_readers_cues_leave_every_other_line_in_place():
    tape = Tape()
    said = {}
    for number, (cue, line) in enumerate(zip(take_corpus.CUES, take_corpus.LINES), start=1):
        tape.say(cue)
        if number == 5:
            continue  # skipped: the cue, then the next cue
        if number == 8:
            tape.say(line["swapped"])  # a slip, then the line again
        said[number] = tape.say(line["text"])
    placed = place_lines(tape.words, tape.regions, LINES)
    assert placed[4].skipped and placed[4].take is None
    for number, (start, end) in said.items():
        take = placed[number - 1].take
        assert take is not None and take.start <= start and end <= take.end < end + 1.0, (number, take)
        assert take.heard == LINES[number - 1]
    assert (len(placed[7].takes), placed[7].how) == (2, "last")
    assert placed[7].describe().endswith("the last of 2 takes")


def test_a_pause_keeps_the_next_lines_first_word_off_the_line_before():
    """Whisper times words on the speech joined end to end, so the first word of the next line can start a
    little before its region: it belongs where most of it is."""
    tape = Tape()
    tape.say(LINES[0], pause=1.5)
    tape.say(LINES[1])
    you = tape.words[len(LINES[0].split())]
    tape.words[len(LINES[0].split())] = Word(you.text, tape.regions[0].end - 0.05, you.end, 0.9)
    first, second = place_lines(tape.words, tape.regions, LINES[:2])
    assert first.take.heard == LINES[0] and second.take.heard == LINES[1]
    assert first.take.end <= second.take.start


def test_a_line_with_a_pause_inside_is_one_take_and_a_line_never_said_is_skipped():
    tape = Tape()
    tape.say("Ask me again tomorrow,", pause=0.8)
    tape.say("after I sleep for twelve hours.")
    placed = place_lines(tape.words, tape.regions, [LINES[5], LINES[6]])
    assert placed[0].how == "only" and placed[0].take.heard == "Ask me again tomorrow, after I sleep for twelve hours."
    assert placed[1].skipped
    assert all(p.skipped for p in place_lines([], [], LINES))


def test_a_false_start_after_a_whole_take_does_not_count():
    tape = Tape()
    whole = tape.say(LINES[2])
    tape.say("We lost the")
    placed = place_lines(tape.words, tape.regions, [LINES[2]])[0]
    assert placed.how == "last complete" and (placed.take.start, len(placed.takes)) == (whole[0] - 0.2, 2)
    tape = Tape()
    tape.say("We lost the")
    whole = tape.say(LINES[2])
    placed = place_lines(tape.words, tape.regions, [LINES[2]])[0]
    assert placed.how == "last" and placed.take.start == whole[0] - 0.2


def test_words_whisper_squeezed_into_no_time_are_not_taken_for_a_line():
    tape = Tape()
    tape.say(LINES[0].rstrip("."))
    end = tape.words[-1].end
    tape.words += [Word(w, end, end, 0.5) for w in "thank you for watching thank you for watching".split()]
    placed = place_lines(tape.words, tape.regions, LINES[:1])[0]
    assert placed.take.heard == LINES[0].rstrip(".")


def test_a_region_a_reading_left_without_words_is_found_to_be_heard_again():
    tape = Tape()
    tape.say(LINES[0])
    tape.say(LINES[1])
    tape.say("No.", seconds_a_word=0.6)
    tape.say(LINES[2])
    tape.say(LINES[3])
    line_two = [w for w in tape.words if tape.regions[1].start <= w.start <= tape.regions[1].end]
    thin = [w for w in tape.words if w not in line_two[1:]]  # line 2 read as its first word alone
    thin = [w for w in thin if not tape.regions[3].start <= w.start <= tape.regions[3].end]  # line 3 not at all
    assert thinly_heard(thin, tape.regions) == [1, 3]
    assert thinly_heard(tape.words, tape.regions) == []


def test_a_tape_is_heard_in_batches_that_each_fit_a_window():
    step = _BATCH_SECONDS / 4
    regions = [Region(0.0, step), Region(1.5 * step, 2.5 * step), Region(5 * step, 6 * step),
               Region(7 * step, 17 * step)]
    batches = _batches(regions)
    assert batches[:2] == [(0.0, 2.5 * step), (5 * step, 6 * step)]  # neighbours together, while they fit
    assert all(end - start <= _BATCH_SECONDS for start, end in batches)
    assert batches[2][0] == 7 * step and batches[-1][1] == 17 * step  # a long region in pieces, none left out
    assert sum(end - start for start, end in batches[2:]) == pytest.approx(10 * step)


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    return bench_tape.Studio(tmp_path_factory.mktemp("voices"))


@pytest.fixture(scope="module")
def ear():
    from assistant.speech.hearing import open_ear

    return open_ear("auto", names=["MAYA", "THEO"], purpose="grading")


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    from assistant.script import load_script

    script = tmp_path_factory.mktemp("script") / "script.txt"
    script.write_text(take_corpus.script_text(), encoding="utf-8")
    return load_script(script).lines_of(take_corpus.ROLE)


@pytest.mark.slow
def test_a_self_tape_with_a_line_skipped_and_one_said_twice_is_graded_line_by_line(studio, ear, lines):
    tape = studio.tape(bench_tape.self_tape(skip=5, twice=8))
    graded = grade_tape(ear, tape.audio, lines)
    assert [g.status for g in graded].count("skipped") == 1 and graded[4].status == "skipped"
    assert graded[4].to_dict()["verdict"] == "skipped" and graded[4].audio is None
    for grade in graded:
        said = tape.said(grade.line_number)
        if said:
            start, end = said[-1]
            take = grade.placement.take
            assert take.start < end and start < take.end, (grade.line_number, take, said)
            middle = (take.start + take.end) / 2
            assert start <= middle <= end, (grade.line_number, take, said)
    assert len(graded[7].placement.takes) == 2 and graded[7].placement.how == "last"
    # The lines were said as written: the only slip on the tape was line 8's first take, and it does not count.
    assert sum(g.verdict.ok for g in graded if not g.skipped) >= 10


@pytest.mark.slow
def test_a_pause_of_a_second_and_a_half_keeps_the_next_lines_first_word_off_the_line_before(studio, ear, lines):
    tape = studio.tape([bench_tape.Said(LINES[0], 1.5, line=1), bench_tape.Said(LINES[1], 0.5, line=2)])
    first, second = grade_tape(ear, tape.audio, lines[:2])
    assert "you" not in first.verdict.heard.lower().split()
    assert second.verdict.heard.lower().startswith("you")
    assert first.verdict.ok and second.verdict.ok


@pytest.mark.slow
def test_a_tape_repeating_one_line_is_heard_within_its_token_budget(studio, ear):
    """A minute of one line said over and over, read in the 24 s pieces grading used to read a tape in: given
    the script's names, Whisper went on after the last word to its 448 tokens (531 words in all for 133 said, two
    of the three pieces far over their budget). Every reading is now bounded by what a person can say in it."""
    from assistant.audio.pcm import Audio
    from assistant.speech.activity import speech_regions
    from assistant.speech.whisper_engine import token_budget

    line = take_corpus.LINES[2]["text"]
    tape = studio.tape([bench_tape.Said(line, 0.6 + 0.1 * (i % 5)) for i in range(19)]).audio
    backend, said = ear.strong.wait(), 0
    for start, end in _batches(speech_regions(tape), seconds=24.0):
        piece = Audio(tape.samples[int(start * tape.rate) : int(end * tape.rate)], tape.rate)
        heard = backend.transcribe(piece, ear.hints(), words=True)
        assert len(heard.words) <= token_budget(piece.duration), heard.text
        said += heard.text.lower().count("lost the man")
    assert said >= 15  # of 19: Whisper writes a line said twice running once now and then
