"""Grading recorded takes: one line, or a whole self-tape against a role's lines in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.linecheck import Strictness, Verdict, check_heard, check_line, normalise_words
from assistant.script.model import Line
from assistant.speech.engines import SpeechEngine
from assistant.speech.recognizer import Transcript, Word

#: A little room tone on both sides helps a recognizer settle in and close the last word, as in a real room.
_PADDING_SECONDS = 0.3
_MARGIN_SECONDS = 0.2


@dataclass(frozen=True)
class LineGrade:
    line_number: int  # 1-based among the role's lines
    line: Line
    verdict: Verdict

    def to_dict(self) -> dict:
        return {"line": self.line_number, "source_line": self.line.source_line, **self.verdict.to_dict()}


def transcribe(engine: SpeechEngine, audio: Audio) -> Transcript:
    """Stream a recording through a fresh recognizer exactly as a microphone would deliver it.

    The take is heard twice and the second hearing kept: a live recognizer adapts to the room's sound as it
    goes, so on a fresh one the first words of a noisy take come out wrong (measured: PocketSphinx heard
    "flee lost the man" the first time and "we lost the man" the second, on 6 of 12 noisy takes).
    """
    recognizer = engine.recognizer()
    audio = audio.to_rate(SPEECH_RATE)
    padding = room_tone(audio, _PADDING_SECONDS)
    speech = padding + audio + padding
    for _ in range(2):
        for chunk in speech.chunks(0.1):
            recognizer.feed(chunk)
        heard = recognizer.finish()
    return heard


def room_tone(audio: Audio, seconds: float) -> Audio:
    """Padding that sounds like the take's own quietest moment.

    Digital silence next to a noisy take makes a step the recognizer hears as a consonant (measured:
    PocketSphinx heard "pink" and "pity" at the start of noisy takes padded with zeros, and the words right
    when padded with noise of the take's own level).
    """
    window = int(0.05 * audio.rate)
    pieces = [audio.samples[i : i + window] for i in range(0, len(audio.samples) - window + 1, window)]
    if not pieces:
        return Audio.silence(seconds, audio.rate)
    floor = min(float(np.sqrt(np.mean(piece.astype(np.float32) ** 2))) for piece in pieces)
    noise = np.random.default_rng(0).normal(0.0, floor, int(seconds * audio.rate))
    return Audio(np.clip(noise, -32768, 32767).astype(np.int16), audio.rate)


def grade_line(
    engine: SpeechEngine,
    audio: Audio,
    line: Line,
    line_number: int,
    strictness: Strictness = "default",
    names: Sequence[str] = (),
) -> LineGrade:
    heard = transcribe(engine, audio)
    return LineGrade(line_number, line, check_heard(line.text, heard.text, heard.alternatives, strictness, names))


def grade_tape(
    engine: SpeechEngine,
    audio: Audio,
    lines: Sequence[Line],
    strictness: Strictness = "default",
    names: Sequence[str] = (),
) -> list[LineGrade]:
    """Grade a self-tape that runs a role's lines in order, each line judged on the words heard for it.

    The whole tape is transcribed once to find where each line was said; then each line's stretch of audio
    is heard again on its own, so the line gets the recognizer's alternatives like a single take does.
    """
    audio = audio.to_rate(SPEECH_RATE)
    heard = transcribe(engine, audio)
    segments = split_by_lines(heard.words, [line.text for line in lines])
    grades = []
    for number, (line, words) in enumerate(zip(lines, segments), start=1):
        if not words:
            grades.append(LineGrade(number, line, check_line(line.text, "", strictness, names)))
            continue
        # Word times count from the start of the padded tape; keep a little of the room on either side.
        start = max(0.0, words[0].start - _PADDING_SECONDS - _MARGIN_SECONDS)
        end = words[-1].end - _PADDING_SECONDS + _MARGIN_SECONDS
        stretch = Audio(audio.samples[int(start * audio.rate) : int(end * audio.rate)], audio.rate)
        grades.append(grade_line(engine, stretch, line, number, strictness, names))
    return grades


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
