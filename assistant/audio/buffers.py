"""Stand-ins for the speaker and the microphone, for tests, demos and headless runs.

These are the program's only substitutes, and they stand in for hardware only: everything above them (voices,
recognizers, the rehearsal) runs for real. They honour the same contracts as assistant.audio.devices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio, read_wav

CHUNK_SECONDS = 0.1


@dataclass(frozen=True)
class PlayedClip:
    """One play() call: where its audio sits in the track, and when it ran (time.monotonic())."""

    offset: float  # seconds into the track
    duration: float
    started: float
    ended: float
    cut: bool = False  # stopped before its end


class BufferSpeaker:
    """A speaker that records instead of sounding. realtime=True makes play() take as long as a real one."""

    def __init__(self, rate: int = SPEECH_RATE, realtime: bool = False) -> None:
        self.rate = rate
        self.realtime = realtime
        self.clips: list[PlayedClip] = []
        self._pieces: list[np.ndarray] = []
        self._samples = 0

    def play(self, audio: Audio) -> None:
        self.start(audio).wait()

    def start(self, audio: Audio) -> "_BufferPlayback":
        return _BufferPlayback(self, audio.to_rate(self.rate).samples, time.monotonic())

    def _played(self, samples: np.ndarray, started: float, cut: bool) -> None:
        offset = self._samples / self.rate
        self._pieces.append(samples)
        self._samples += len(samples)
        self.clips.append(PlayedClip(offset, len(samples) / self.rate, started, time.monotonic(), cut))

    @property
    def track(self) -> Audio:
        """Everything played so far, back to back."""
        if not self._pieces:
            return Audio(np.zeros(0, dtype=np.int16), self.rate)
        return Audio(np.concatenate(self._pieces), self.rate)

    def save(self, path: str | Path) -> None:
        self.track.write_wav(path)


class _BufferPlayback:
    """A clip on a BufferSpeaker: it "plays" from `started`; the track keeps what played before a stop()."""

    def __init__(self, speaker: BufferSpeaker, samples: np.ndarray, started: float) -> None:
        self._speaker = speaker
        self._samples = samples
        self._started = started
        self._done = False
        #: When its last sample "sounded" (monotonic), once finished: in real time as the clock says, else
        #: when it was waited on or stopped (time does not pass for a speaker that is not real time).
        self.ended_at: float | None = None

    def wait(self) -> None:
        if self._done:
            return
        if self._speaker.realtime:
            self.ended_at = self._started + len(self._samples) / self._speaker.rate
            _sleep_until(self.ended_at)
        self._finish(self._samples, cut=False)

    def stop(self) -> None:
        if self._done:
            return
        # Without real time nothing has sounded yet; in real time, what the clock says has.
        heard = int((time.monotonic() - self._started) * self._speaker.rate) if self._speaker.realtime else 0
        self._finish(self._samples[: min(heard, len(self._samples))], cut=heard < len(self._samples))

    def _finish(self, samples: np.ndarray, cut: bool) -> None:
        self._done = True
        if self.ended_at is None or cut:
            self.ended_at = time.monotonic()
        self._speaker._played(samples, self._started, cut)


class WavMicrophone:
    """A microphone that "hears" a recording: 16 kHz mono int16 chunks of exactly 0.1 s.

    The recording starts the moment the microphone is created, as a room would. With realtime=True each
    chunk becomes available only once its 0.1 s have passed, so audio piles up while nobody reads and drain()
    throws it away, as with a real device. With realtime=False chunks come as fast as they are read and time
    never passes, so there is never anything to drain. After the recording come trailing_silence seconds of
    silence (None: silence forever, like a quiet room), then the chunks end.
    """

    def __init__(
        self, source: str | Path | Audio, realtime: bool = True, trailing_silence: float | None = 1.0
    ) -> None:
        audio = source if isinstance(source, Audio) else read_wav(source)
        self._samples = audio.to_rate(SPEECH_RATE).samples
        self._chunk = int(SPEECH_RATE * CHUNK_SECONDS)
        recording = -(-len(self._samples) // self._chunk)  # whole chunks, the last one padded with silence
        silence = None if trailing_silence is None else int(round(trailing_silence / CHUNK_SECONDS))
        self._total = None if silence is None else recording + silence
        self.realtime = realtime
        self._opened = time.monotonic()
        self._next = 0  # index of the next chunk to deliver
        self._closed = False

    def chunks(self) -> Iterator[bytes]:
        while not self._closed and (self._total is None or self._next < self._total):
            if self.realtime:
                _sleep_until(self._opened + (self._next + 1) * CHUNK_SECONDS)
            chunk = self._chunk_at(self._next)
            self._next += 1
            yield chunk

    def drain(self) -> None:
        if self.realtime:
            captured = int((time.monotonic() - self._opened) / CHUNK_SECONDS)
            self._next = max(self._next, captured if self._total is None else min(captured, self._total))

    def close(self) -> None:
        self._closed = True

    @property
    def position(self) -> float:
        """Seconds of the recording (and the silence after it) delivered or drained so far."""
        return self._next * CHUNK_SECONDS

    def _chunk_at(self, index: int) -> bytes:
        piece = self._samples[index * self._chunk : (index + 1) * self._chunk]
        padded = np.zeros(self._chunk, dtype="<i2")
        padded[: len(piece)] = piece
        return padded.tobytes()


def _sleep_until(deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
