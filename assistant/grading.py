"""Grading recorded takes: one line, or a whole self-tape against a role's lines in order.

Nobody waits for a grade, so it uses the strongest hearing there is (Whisper when a model is installed,
else the streaming engine heard twice). Either way only what the speech detector calls speech is heard:
the hiss before a take became "if" in front of a right line, and a ten-minute silent recording took four
minutes to hear through; now it is one pass of the detector, about 1/300 of real time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from rapidfuzz.distance import Levenshtein

from assistant.audio.denoise import clean_speech
from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.linecheck import Strictness, Verdict, check_line, normalise_words
from assistant.script.model import Line
from assistant.speech.activity import Region, recording_time, speech_regions
from assistant.speech.engines import SpeechEngine
from assistant.speech.hearing import Ear
from assistant.speech.recognizer import Transcript, Word
from assistant.verdict import judge_reading, judge_strong

#: A little room tone on both sides helps a recognizer settle in and close the last word, as in a real room.
_PADDING_SECONDS = 0.3
_MARGIN_SECONDS = 0.2


@dataclass(frozen=True)
class LineGrade:
    line_number: int  # 1-based among the role's lines
    line: Line
    verdict: Verdict
    hearing: str = ""  # the engine whose transcript the verdict was made on
    # The stretch of recording the verdict was made on (a take worth keeping); None for a line never said.
    audio: Audio | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"line": self.line_number, "source_line": self.line.source_line, **self.verdict.to_dict(),
                "hearing": self.hearing}


#: Whisper hears a tape in batches of speech this long at most: its window is 30 s.
_BATCH_SECONDS = 24.0


def hear(ear: Ear, audio: Audio, words: bool = False) -> tuple[str, Transcript]:
    """(hearing name, transcript) of a recording by the strongest hearing available."""
    if ear.strong is not None and ear.strong.available():
        return ear.strong.name, ear.strong.wait().transcribe(audio, ear.hints(), words=words)
    if ear.live.name == "whisper":
        recognizer = ear.live.recognizer()
        recognizer.feed(audio.to_rate(SPEECH_RATE).pcm())
        return "whisper", recognizer.finish()
    return ear.live.name, transcribe(ear.live, audio)


def transcribe(engine: SpeechEngine, audio: Audio) -> Transcript:
    """Stream the speech in a recording through a fresh recognizer exactly as a microphone would deliver it.

    Only the stretches the speech detector marks (with 0.2 s of room each side) are fed; word times are
    mapped back to the recording's own clock.

    The take is heard twice and the second hearing kept: a live recognizer adapts to the room's sound as it
    goes, so on a fresh one the first words of a noisy take come out wrong (measured: PocketSphinx heard
    "flee lost the man" the first time and "we lost the man" the second, on 6 of 12 noisy takes).
    """
    audio = audio.to_rate(SPEECH_RATE)
    regions = speech_regions(audio)
    if not regions:
        return Transcript("", (), final=True)
    recognizer = engine.recognizer()
    speech = clean_speech(audio, regions, _PADDING_SECONDS)
    for _ in range(2):
        for chunk in speech.chunks(0.1):
            recognizer.feed(chunk)
        heard = recognizer.finish()
    moved = tuple(
        Word(w.text, recording_time(w.start - _PADDING_SECONDS, regions), recording_time(w.end - _PADDING_SECONDS, regions),
             w.confidence)
        for w in heard.words
    )
    return Transcript(heard.text, moved, heard.final, heard.alternatives)


def grade_line(
    ear: Ear,
    audio: Audio,
    line: Line,
    line_number: int,
    strictness: Strictness = "default",
) -> LineGrade:
    if ear.strong is not None and ear.strong.available():
        judged = ear.strong.judge(audio, line.text, ear.hints())
        verdict = judge_strong(line.text, judged, ear.strong.second_opinion(judged), strictness, ear.names)
        return LineGrade(line_number, line, verdict, ear.strong.name, audio)
    hearing, heard = hear(ear, audio)
    verdict = judge_reading(line.text, heard.text, heard.alternatives, strictness, ear.names)
    return LineGrade(line_number, line, verdict, hearing, audio)


def grade_tape(
    ear: Ear,
    audio: Audio,
    lines: Sequence[Line],
    strictness: Strictness = "default",
    progress: bool | None = None,
    on_grade: Callable[[LineGrade], None] = lambda graded: None,
) -> list[LineGrade]:
    """Grade a self-tape that runs a role's lines in order, each line judged on the words heard for it.

    The tape's speech is transcribed with word times to find where each line was said; then each line's
    stretch of audio is heard again on its own, as a single take is (with the recognizer's alternatives,
    or Whisper's fit of the line). progress: None shows a bar on a terminal once grading has taken two
    seconds. on_grade is told of each line as soon as it is judged, so a long tape's history is kept line by
    line and Ctrl-C loses only the line being heard.
    """
    from tqdm import tqdm

    audio = audio.to_rate(SPEECH_RATE)
    regions = speech_regions(audio)
    batches = _batches(regions)
    bar = tqdm(total=len(batches) + len(lines), desc="grading", unit="step", delay=2.0, leave=False,
               disable=None if progress is None else not progress)
    with bar:
        words: list[Word] = []
        hearing = ear.live.name
        for batch in batches:
            start, end = batch[0].start, batch[-1].end
            piece = Audio(audio.samples[int(start * SPEECH_RATE) : int(end * SPEECH_RATE)], SPEECH_RATE)
            hearing, heard = hear(ear, piece, words=True)
            words += [Word(w.text, w.start + start, w.end + start, w.confidence) for w in heard.words]
            bar.update(1)
        segments = split_by_lines(words, [line.text for line in lines])
        grades = []
        for number, (line, said) in enumerate(zip(lines, segments), start=1):
            if not said:
                grades.append(LineGrade(number, line, check_line(line.text, "", strictness, ear.names), hearing))
            else:
                start = max(0.0, said[0].start - _MARGIN_SECONDS)
                end = said[-1].end + _MARGIN_SECONDS
                stretch = Audio(audio.samples[int(start * audio.rate) : int(end * audio.rate)], audio.rate)
                grades.append(grade_line(ear, stretch, line, number, strictness))
            on_grade(grades[-1])
            bar.update(1)
    return grades


def _batches(regions: Sequence[Region]) -> list[list[Region]]:
    """Neighbouring stretches of speech grouped so that each group spans at most _BATCH_SECONDS."""
    batches: list[list[Region]] = []
    for region in regions:
        if batches and region.end - batches[-1][0].start <= _BATCH_SECONDS:
            batches[-1].append(region)
        else:
            batches.append([region])
    return batches


def split_by_lines(heard: Sequence[Word], expected_lines: Sequence[str]) -> list[list[Word]]:
    """Share the heard words out among the expected lines by aligning the whole tape against the whole role.

    Words the alignment inserts between two lines belong to neither: on a self-tape that is usually the
    reader's cue or the actor's aside, and pinning it on a line would fail a line that was said right.
    """
    expected: list[str] = []
    owner: list[int] = []  # which line each expected word belongs to
    for index, text in enumerate(expected_lines):
        words = normalise_words(text)
        expected.extend(words)
        owner.extend([index] * len(words))

    heard_norm: list[str] = []
    heard_origin: list[int] = []  # which heard Word each normalised word came from
    for index, word in enumerate(heard):
        for piece in normalise_words(word.text):
            heard_norm.append(piece)
            heard_origin.append(index)

    assigned: dict[int, int] = {}  # heard Word index -> line index
    for tag, e_start, e_end, h_start, h_end in Levenshtein.opcodes(expected, heard_norm):
        if tag == "insert":
            line = _inserted_owner(owner, e_start)
            if line is None:
                continue
            for h in range(h_start, h_end):
                assigned.setdefault(heard_origin[h], line)
            continue
        for offset, h in enumerate(range(h_start, h_end)):
            e = min(e_start + offset, e_end - 1)
            assigned.setdefault(heard_origin[h], owner[e])

    segments: list[list[Word]] = [[] for _ in expected_lines]
    for word_index, line in sorted(assigned.items()):
        segments[line].append(heard[word_index])
    return segments


def _inserted_owner(owner: Sequence[int], position: int) -> int | None:
    """The line an inserted word sits inside, or None when it falls between two lines (or outside them all)."""
    if position == 0 or position >= len(owner):
        return None
    before, after = owner[position - 1], owner[position]
    return before if before == after else None
