"""Grading recorded takes: one line, or a whole self-tape against a role's lines in order.

Nobody waits for a grade, so it uses the strongest hearing there is (Whisper when a model is installed,
else the streaming engine heard twice). Either way only what the speech detector calls speech is heard:
the hiss before a take became "if" in front of a right line, and a ten-minute silent recording took four
minutes to hear through; now it is one pass of the detector, about 1/300 of real time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

from assistant.audio.denoise import clean_speech
from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.linecheck import Strictness, Verdict, check_line
from assistant.script.model import Line
from assistant.speech.activity import Region, recording_time, speech_regions
from assistant.speech.engines import SpeechEngine
from assistant.speech.hearing import Ear
from assistant.speech.recognizer import Transcript, Word
from assistant.verdict import judge_reading, judge_strong

if TYPE_CHECKING:
    from assistant.tape import Placement

#: A little room tone on both sides helps a recognizer settle in and close the last word, as in a real room.
_PADDING_SECONDS = 0.3


@dataclass(frozen=True)
class LineGrade:
    line_number: int  # 1-based among the role's lines
    line: Line
    verdict: Verdict  # for a skipped line, the line check of nothing heard: no verdict was made on it
    hearing: str = ""  # the engine whose transcript the verdict was made on
    # The stretch of recording the verdict was made on (a take worth keeping); None for a line never said.
    audio: Audio | None = field(default=None, compare=False, repr=False)
    # Where a self-tape had the line (tape.py); None for a take graded on its own.
    placement: "Placement | None" = field(default=None, compare=False)

    @property
    def skipped(self) -> bool:
        """A line of a self-tape that has no take of it: not an attempt, so not a miss."""
        return self.placement is not None and self.placement.skipped

    @property
    def status(self) -> str:
        """The verdict, or "skipped"."""
        return "skipped" if self.skipped else self.verdict.verdict

    def to_dict(self) -> dict:
        head = {"line": self.line_number, "source_line": self.line.source_line}
        if self.skipped:
            return {**head, "verdict": "skipped", "expected": self.line.text, "heard": "", "hearing": self.hearing,
                    **self.placement.to_dict()}
        return {**head, **self.verdict.to_dict(), "hearing": self.hearing,
                **(self.placement.to_dict() if self.placement is not None else {})}


#: Whisper hears a tape in batches of this much recording at most (its window is 30 s). Measured on ten minutes
#: of varied speech (scripts/bench_tape.py): in 24 s batches it left out a sentence and wrote a sentence said
#: twice once (one batch of 26 read at 0.85 of the truth), in 12 s batches every batch read at 0.94 or better
#: (mean 0.98), in the same time: a window's cost is mostly the words it writes.
_BATCH_SECONDS = 12.0


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
    """Grade a self-tape that runs a role's lines in order, each line judged on its own stretch of audio.

    The tape's speech is transcribed with word times, in batches of at most _BATCH_SECONDS (a decode that
    loops costs one batch at most: see WhisperBackend.transcribe); assistant/tape.py finds where each line
    was said (a skipped line, a line said again, the reader's cues); then each line's stretch is heard again
    on its own, as a single take is (with the recognizer's alternatives, or Whisper's fit of the line). A line
    with no take on the tape is skipped: no verdict is made on it. progress: None shows a bar on a terminal
    once grading has taken two seconds. on_grade is told of each line as soon as it is judged, so a long
    tape's history is kept line by line and Ctrl-C loses only the line being heard.
    """
    from tqdm import tqdm

    from assistant.tape import place_lines

    audio = audio.to_rate(SPEECH_RATE)
    regions = speech_regions(audio)
    batches = _batches(regions)
    bar = tqdm(total=len(batches) + len(lines), desc="grading", unit="step", delay=2.0, leave=False,
               disable=None if progress is None else not progress)
    with bar:
        words: list[Word] = []
        hearing = ear.strong.name if ear.strong is not None else ear.live.name
        for start, end in batches:
            inside = [Region(max(r.start, start), min(r.end, end)) for r in regions if r.start < end and start < r.end]
            hearing, heard = _hear_batch(ear, audio, inside, start, end)
            words += heard
            bar.update(1)
        placements = place_lines(words, regions, [line.text for line in lines])
        grades = []
        for number, (line, placed) in enumerate(zip(lines, placements), start=1):
            take = placed.take
            if take is None:
                graded = LineGrade(number, line, check_line(line.text, "", strictness, ear.names), hearing,
                                   placement=placed)
            else:
                start, end = _with_room_around(take, regions)
                stretch = Audio(audio.samples[int(start * audio.rate) : int(end * audio.rate)], audio.rate)
                graded = replace(grade_line(ear, stretch, line, number, strictness), placement=placed)
            grades.append(graded)
            on_grade(graded)
            bar.update(1)
    return grades


#: Room kept around a line's take when it is graded, as a single take has it: Whisper heard the end of "You
#: kept the light on for me" as "from" when the stretch ended 0.2 s after the voice, and the verdict no longer
#: lets its fit put the words back. Never into other speech.
_ROOM_SECONDS = 0.5


def _with_room_around(take, regions: Sequence[Region]) -> tuple[float, float]:
    before = max((r.end for r in regions if r.end <= take.start), default=0.0)
    after = min((r.start for r in regions if r.start >= take.end), default=float("inf"))
    return max(before, take.start - _ROOM_SECONDS), min(after, take.end + _ROOM_SECONDS)


def _hear_batch(ear: Ear, audio: Audio, regions: Sequence[Region], start: float, end: float) -> tuple[str, list[Word]]:
    """(hearing, words with times in the recording) of one batch of a tape (`regions`: its speech); a region
    the batch's reading gave no word or too few (tape.thinly_heard) is heard again on its own, and its own
    reading kept. Measured (scripts/bench_tape.py): none on the 12-line self-tape or on ten minutes of varied
    speech, 2 regions in ten minutes of one line said over and over."""
    from assistant.tape import thinly_heard

    def heard_in(begin: float, finish: float) -> tuple[str, list[Word]]:
        piece = Audio(audio.samples[int(begin * SPEECH_RATE) : int(finish * SPEECH_RATE)], SPEECH_RATE)
        hearing, heard = hear(ear, piece, words=True)
        return hearing, [Word(w.text, w.start + begin, w.end + begin, w.confidence) for w in heard.words]

    hearing, words = heard_in(start, end)
    for index in thinly_heard(words, regions):
        region = regions[index]
        words = [w for w in words if not region.start <= (w.start + w.end) / 2 <= region.end]
        words += heard_in(region.start, region.end)[1]
    return hearing, sorted(words, key=lambda w: w.start)


def _batches(regions: Sequence[Region], seconds: float = _BATCH_SECONDS) -> list[tuple[float, float]]:
    """(start, end) of neighbouring regions of speech grouped so that each group spans at most `seconds`; a
    region longer than that (speech with no half-second pause, or a noise the detector took for speech) is cut
    into pieces of `seconds`."""
    batches: list[tuple[float, float]] = []
    for region in regions:
        start = region.start
        while region.end - start > seconds:
            batches.append((start, start + seconds))
            start += seconds
        if batches and region.end - batches[-1][0] <= seconds and start == region.start:
            batches[-1] = (batches[-1][0], region.end)
        else:
            batches.append((start, region.end))
    return batches
