"""One in-memory audio type for the whole program, and the conversions every engine needs."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.errors import CallbackError

#: Every recognizer listens at this rate; audio is converted once, at the edge.
SPEECH_RATE = 16000


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit samples at a known rate."""

    samples: np.ndarray  # int16, one channel
    rate: int

    @classmethod
    def from_float(cls, samples: np.ndarray, rate: int) -> "Audio":
        # NaN and +/-inf are not sound but damage (a glitch in whatever wrote the file): they become silence,
        # as a dropout sounds. A full-scale click instead would reach the recognizer as a consonant.
        finite = np.nan_to_num(np.asarray(samples, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        clipped = np.clip(finite, -1.0, 1.0)
        return cls((clipped * 32767).astype(np.int16), rate)

    @classmethod
    def silence(cls, seconds: float, rate: int = SPEECH_RATE) -> "Audio":
        return cls(np.zeros(int(round(seconds * rate)), dtype=np.int16), rate)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    def to_rate(self, rate: int) -> "Audio":
        if rate == self.rate or len(self.samples) == 0:
            return Audio(self.samples, rate)
        # Polyphase resampling keeps the speech band clean; plain interpolation aliases at 48k -> 16k.
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, self.rate)
        out = resample_poly(self.samples.astype(np.float32), rate // g, self.rate // g)
        return Audio(np.clip(out, -32768, 32767).astype(np.int16), rate)

    def __add__(self, other: "Audio") -> "Audio":
        other = other.to_rate(self.rate)
        return Audio(np.concatenate([self.samples, other.samples]), self.rate)

    def pcm(self) -> bytes:
        return self.samples.astype("<i2").tobytes()

    def chunks(self, seconds: float = 0.1):
        """Yield PCM bytes in pieces, the way a microphone delivers them."""
        step = max(1, int(self.rate * seconds))
        for start in range(0, len(self.samples), step):
            yield self.samples[start : start + step].astype("<i2").tobytes()

    def write_wav(self, path: str | Path) -> None:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(self.pcm())


def read_wav(path: str | Path, on_notice: Callable[[str], None] = lambda message: None) -> Audio:
    """Read any PCM WAV (any rate, any channel count, 8/16/24/32-bit or float) as mono Audio.

    Raises CallbackError with a one-line message for a missing, empty or non-WAV file, a folder or a device,
    and for a recording that is not a take (recording_checks.py: cut short, an absurd rate, far too long).
    Float samples that are NaN or infinite are read as silence. Channels that cancel when mixed are graded
    one alone, and `on_notice` is told.
    """
    import soundfile

    from assistant.audio.recording_checks import check_complete, check_format, mix_down
    from assistant.plain_files import kind_of

    path = Path(path)
    kind = kind_of(path)
    if kind == "a folder":
        raise CallbackError(f"cannot read {path}: it is a folder, not a recording; give a WAV file")
    if kind == "missing":
        raise CallbackError(f"cannot read {path}: no such file")
    if kind is not None:
        raise CallbackError(f"cannot read {path}: it is {kind}, not a recording; give a WAV file")
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise CallbackError(f"cannot read {path}: not a WAV file this program can decode ({_first_line(exc)})") from None
    check_format(path, info.samplerate, info.frames, info.channels)
    check_complete(path)
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise CallbackError(f"cannot read {path}: the file is damaged ({_first_line(exc)})") from None
    if data.shape[0] == 0:
        raise CallbackError(f"cannot read {path}: the recording is empty")
    if not np.isfinite(data).any():
        # A few bad samples are a glitch, heard as silence; a file of nothing else is broken, and grading it
        # would only say "heard nothing", as if the microphone had been off.
        raise CallbackError(f"cannot read {path}: it holds no sound, only invalid samples (NaN or infinity)")
    data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    return Audio.from_float(mix_down(data, path, on_notice), rate)


def audio_from_wav_bytes(blob: bytes) -> Audio:
    import soundfile

    data, rate = soundfile.read(io.BytesIO(blob), dtype="float32", always_2d=True)
    return Audio.from_float(data.mean(axis=1), rate)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
