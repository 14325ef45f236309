"""Benchmark grading a whole tape: ten minutes of varied speech, of one line said over and over, of room hiss,
and a 12-line self-tape with one line skipped and one said twice.

The voices are the take corpus's (scripts/take_corpus.py: hibari and Piper's joe); the actor is hibari, the
reader who gives the cues is joe. Synthesizing the four tapes takes about a minute, so every utterance and
every tape is cached (as .npy and .wav) in a folder outside git: $CALLBACK_BENCH_CACHE, else
<temp dir>/callback-bench-tape. Prints seconds and the real-time factor (seconds of grading per second of
audio) for each tape, and for the self-tape where each line was found and how it was graded.

    python scripts/bench_tape.py [--only varied,repeating,silence,selftape] [--minutes 10]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import take_corpus  # noqa: E402

from assistant.audio.pcm import SPEECH_RATE, Audio  # noqa: E402

ACTOR = "hibari"
READER = "joe"
ROOM_DBFS = -50.0


@dataclass(frozen=True)
class Said:
    """A stretch of a tape: `text` in `voice` (or room alone when text is ""), then `pause` seconds of room."""

    text: str
    pause: float = 1.0
    voice: str = ACTOR
    pace: float = 1.0
    line: int | None = None  # the role's line this is an attempt at (1-based), for checking where it was found


def cache_folder() -> Path:
    folder = Path(os.environ.get("CALLBACK_BENCH_CACHE") or Path(tempfile.gettempdir()) / "callback-bench-tape")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Studio:
    """Speaks utterances with the corpus's voices at 16 kHz and the usual voice level, each one cached."""

    def __init__(self, cache: Path | None = None) -> None:
        self.cache = cache or cache_folder()
        self._voices = take_corpus.Voices()

    def speech(self, text: str, voice: str = ACTOR, pace: float = 1.0) -> np.ndarray:
        """The utterance as float samples at 16 kHz, int16 scale, its voiced part at VOICE_DBFS."""
        from assistant.audio.rooms import VOICE_DBFS, at_level

        key = hashlib.sha1(f"{voice}|{pace}|{text}".encode()).hexdigest()[:16]
        path = self.cache / f"say-{key}.npy"
        if path.is_file():
            return np.load(path)
        samples, rate = self._voices.speak(voice, text, pace, seed=1)
        samples = Audio.from_float(samples, rate).to_rate(SPEECH_RATE).samples.astype(np.float64)
        samples = at_level(samples, VOICE_DBFS)
        np.save(path, samples)
        return samples

    def tape(self, parts: list[Said], lead: float = 1.0, room_dbfs: float = ROOM_DBFS, seed: int = 0) -> "Tape":
        """The parts one after another in a room with hiss at `room_dbfs`, `lead` seconds of room first."""
        from assistant.audio.rooms import FULL_SCALE, hiss

        pieces = [np.zeros(int(lead * SPEECH_RATE))]
        places: list[tuple[int | None, float, float]] = []
        at = lead
        for part in parts:
            if part.text:
                speech = self.speech(part.text, part.voice, part.pace)
                pieces.append(speech)
                places.append((part.line, at, at + len(speech) / SPEECH_RATE))
                at += len(speech) / SPEECH_RATE
            pieces.append(np.zeros(int(part.pause * SPEECH_RATE)))
            at += int(part.pause * SPEECH_RATE) / SPEECH_RATE
        signal = np.concatenate(pieces)
        signal = signal + hiss(room_dbfs, len(signal), seed=seed)
        audio = Audio.from_float(np.clip(signal / FULL_SCALE, -1.0, 1.0), SPEECH_RATE)
        return Tape(audio, places)


@dataclass(frozen=True)
class Tape:
    audio: Audio
    places: list[tuple[int | None, float, float]]  # (role line or None, start, end) of each utterance

    def said(self, line: int) -> list[tuple[float, float]]:
        """Where the tape has attempts at `line`, in order."""
        return [(start, end) for number, start, end in self.places if number == line]


def varied(studio: Studio, minutes: float, seed: int = 0) -> list[Said]:
    """`minutes` of different sentences: every line of the corpus's role with its slips and paraphrases, and
    every cue, in both voices and at three paces, in a shuffled order with 0.4 to 2 s between them."""
    rng = np.random.default_rng(seed)
    texts = [text for line in take_corpus.LINES for text in line.values()] + take_corpus.CUES
    texts += [take_corpus.with_fillers(line["text"]) for line in take_corpus.LINES]
    options = [(text, voice, pace) for text in texts for voice in (ACTOR, READER) for pace in (0.8, 1.0, 1.25)]
    parts, seconds = [], 1.0
    while seconds < minutes * 60:
        for index in rng.permutation(len(options)):
            text, voice, pace = options[index]
            pause = float(rng.uniform(0.4, 2.0))
            parts.append(Said(text, pause, voice, pace))
            seconds += pause + len(studio.speech(text, voice, pace)) / SPEECH_RATE
            if seconds >= minutes * 60:
                break
    return parts


def repeating(studio: Studio, minutes: float, seed: int = 0) -> list[Said]:
    """One line said over and over, the very same recording each time, 0.6 to 1.0 s apart."""
    rng = np.random.default_rng(seed)
    line = take_corpus.LINES[2]["text"]
    count = int(minutes * 60 / (len(studio.speech(line)) / SPEECH_RATE + 0.8))
    return [Said(line, float(rng.uniform(0.6, 1.0)), line=3) for _ in range(count)]


def self_tape(skip: int = 5, twice: int = 8) -> list[Said]:
    """The role's twelve lines, each after its cue read by the reader; line `skip` left out (its cue read, then
    a wait, then the next cue) and line `twice` said with a slip, then again as written."""
    parts = []
    for number, (cue, line) in enumerate(zip(take_corpus.CUES, take_corpus.LINES), start=1):
        parts.append(Said(cue, 0.9, READER))
        if number == skip:
            parts[-1] = Said(cue, 2.5, READER)
            continue
        if number == twice:
            parts.append(Said(line["swapped"], 1.2, line=number))
        parts.append(Said(line["text"], 1.1, line=number))
    return parts


def cached_tape(studio: Studio, name: str, parts: list[Said], room_dbfs: float = ROOM_DBFS) -> Tape:
    """The tape, from the cache when it was made before with the same parts."""
    import json

    key = hashlib.sha1(repr((parts, room_dbfs)).encode()).hexdigest()[:12]
    wav, places = studio.cache / f"tape-{name}-{key}.wav", studio.cache / f"tape-{name}-{key}.json"
    if wav.is_file() and places.is_file():
        from assistant.audio.pcm import read_wav

        return Tape(read_wav(wav), [tuple(p) for p in json.loads(places.read_text())])
    tape = studio.tape(parts, room_dbfs=room_dbfs)
    tape.audio.write_wav(wav)
    places.write_text(json.dumps(tape.places))
    return tape


def silence(minutes: float) -> list[Said]:
    return [Said("", minutes * 60)]


def run(name: str, tape: Tape, ear, lines) -> tuple[float, list]:
    """Grade the tape in-process (the models already loaded), and print what it cost: seconds, seconds of CPU,
    the real-time factor, and how many readings of the tape's speech there were (one a batch, and one for each
    region of speech a batch's reading left thin and that was heard again on its own)."""
    from assistant import grading
    from assistant.speech.activity import speech_regions

    readings = []
    hear = grading.hear
    grading.hear = lambda *args, **kwargs: readings.append(1) or hear(*args, **kwargs)
    load = os.getloadavg()[0]
    try:
        started, cpu = time.perf_counter(), time.process_time()
        graded = grading.grade_tape(ear, tape.audio, lines, progress=False)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        grading.hear = hear
    batches = len(grading._batches(speech_regions(tape.audio)))
    found = sum(not g.skipped for g in graded)
    print(f"{name:<10} {tape.audio.duration:6.1f} s of audio  {seconds:6.1f} s ({cpu:6.1f} s of CPU)  "
          f"{seconds / tape.audio.duration:.3f}x real time  {batches} batches + {len(readings) - batches} regions "
          f"heard again  {found:>2} of {len(graded)} lines found  (load {load:.1f} on {os.cpu_count()} cores)")
    return seconds, graded


def placed_right(tape: Tape, graded) -> bool:
    """Print each line's placement against where the tape has it; whether every line was placed right: a
    line with no take on the tape skipped, and every other one found on its last take (most of what was
    found lies in that take, and under 0.3 s of it in any other utterance)."""
    right = True
    for grade in graded:
        said = tape.said(grade.line_number)
        take = grade.placement.take
        if not said:
            ok = take is None
            where = "not on the tape"
        else:
            start, end = said[-1]  # the last take is the one that counts
            ok = take is not None and _overlap(take.start, take.end, start, end) >= 0.6 * (take.end - take.start)
            others = [(s, e) for _, s, e in tape.places if (s, e) != (start, end)]
            ok = ok and all(_overlap(take.start, take.end, s, e) < 0.3 for s, e in others)
            where = f"said at {start:.1f}-{end:.1f} s" + (f" ({len(said)} takes)" if len(said) > 1 else "")
        found = grade.placement.describe() if take is not None else "nothing"
        right &= ok
        verdict = "right" if ok else "WRONG"
        print(f"  line {grade.line_number:>2}: {where:<29} found {found:<37} {grade.status:<8} {verdict}")
    return right


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="varied,repeating,silence,selftape")
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    chosen = args.only.split(",")

    from assistant.script import load_script
    from assistant.speech.hearing import open_ear

    studio = Studio()
    script = studio.cache / "takes_script.txt"
    script.write_text(take_corpus.script_text(), encoding="utf-8")
    lines = load_script(script).lines_of(take_corpus.ROLE)
    tapes = {
        "varied": lambda: cached_tape(studio, "varied", varied(studio, args.minutes)),
        "repeating": lambda: cached_tape(studio, "repeating", repeating(studio, args.minutes)),
        "silence": lambda: cached_tape(studio, "silence", silence(args.minutes), room_dbfs=-45.0),
        "selftape": lambda: cached_tape(studio, "selftape", self_tape()),
    }
    made = {}
    for name in chosen:
        started = time.perf_counter()
        made[name] = tapes[name]()
        print(f"{name}: {made[name].audio.duration:.0f} s of tape ready in {time.perf_counter() - started:.0f} s "
              f"(cache {studio.cache})")
    started = time.perf_counter()
    ear = open_ear("auto", names=["MAYA", "THEO"], purpose="grading")
    ear.strong.wait()
    print(f"hearing: {ear.description} (loaded in {time.perf_counter() - started:.1f} s); "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    for name in chosen:
        seconds, graded = run(name, made[name], ear, lines)
        if name == "selftape":
            everything = placed_right(made[name], graded)
            print(f"  every line placed right: {'yes' if everything else 'NO'}")


if __name__ == "__main__":
    main()
