"""Rooms for the virtual actor and the take corpus: the hum, hiss and echo real rehearsal rooms have.

Every level is the RMS of the signal relative to a full-scale sine-free square (dBFS as audio tools show it
for noise): -50 dBFS is a quiet flat with a laptop's own hiss, -40 a fridge or a fan in the room. A voice
recorded at arm's length sits around -26 dBFS (VOICE_DBFS), so -40 dBFS of noise is 14 dB under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, lfilter, lfilter_zi

#: Where a speaking voice sits at the microphone (RMS over the voiced part), before raising or lowering.
VOICE_DBFS = -26.0
FULL_SCALE = 32767.0


def dbfs_to_rms(dbfs: float) -> float:
    return FULL_SCALE * 10 ** (dbfs / 20)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples.astype(np.float64))))) if len(samples) else 0.0


@dataclass
class RoomNoise:
    """Continuous room noise, chunk after chunk without seams: a fan-like hum (mains harmonics and a
    low whoosh that swells at the blade rate) under broadband hiss, `hum_share` of the power in the hum."""

    level_dbfs: float
    rate: int = 16000
    seed: int = 0
    hum_share: float = 0.6
    mains_hz: float = 60.0
    _rng: np.random.Generator = field(init=False, repr=False)
    _t: int = field(default=0, init=False, repr=False)
    _whoosh: tuple = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        b, a = butter(2, 400 / (self.rate / 2), btype="low")
        self._whoosh = (b, a, lfilter_zi(b, a) * 0.0)
        # Filtered noise loses power with the band it loses: measure it once, so the whoosh has unit RMS.
        sample = lfilter(b, a, np.random.default_rng(self.seed + 1).normal(0, 1, self.rate * 4))
        self._whoosh_gain = 1.0 / rms(sample[self.rate // 10 :])

    def chunk(self, n: int) -> np.ndarray:
        """The next n samples of the room (float, int16 scale)."""
        t = (self._t + np.arange(n)) / self.rate
        self._t += n
        mains = sum(np.sin(2 * np.pi * self.mains_hz * k * t + k) / k for k in (1, 2, 3, 4))
        mains /= 0.8539  # unit RMS: sqrt of the four harmonics' powers, 1/2 * (1 + 1/4 + 1/9 + 1/16)
        b, a, state = self._whoosh
        whoosh, state = lfilter(b, a, self._rng.normal(0, 1, n), zi=state)
        self._whoosh = (b, a, state)
        whoosh *= self._whoosh_gain * (1 + 0.3 * np.sin(2 * np.pi * 8.0 * t)) / 1.022  # blades at 8 Hz
        hum = np.sqrt(0.3) * mains + np.sqrt(0.7) * whoosh
        hiss = self._rng.normal(0, 1, n)
        level = dbfs_to_rms(self.level_dbfs)
        return level * (np.sqrt(self.hum_share) * hum + np.sqrt(1 - self.hum_share) * hiss)


def hiss(level_dbfs: float, n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, dbfs_to_rms(level_dbfs), n)


def at_level(voice: np.ndarray, dbfs: float) -> np.ndarray:
    """The voice scaled so its voiced part sits at `dbfs` (silences do not count toward the level)."""
    voice = voice.astype(np.float64)
    level = voiced_rms(voice)
    return voice * (dbfs_to_rms(dbfs) / level) if level else voice


def voiced_rms(voice: np.ndarray) -> float:
    """A voice's level: the RMS of its samples louder than 5 % of its peak, so the gaps between words (and the
    silence around them) do not count. at_level sets it; audio/levels.py measures it back."""
    voice = voice.astype(np.float64)
    if not len(voice):
        return 0.0
    loud = np.abs(voice) > 0.05 * (np.max(np.abs(voice)) or 1.0)
    return rms(voice[loud]) if loud.any() else rms(voice)


def reverberant(voice: np.ndarray, rate: int, rt60: float = 0.6, wet: float = 0.5, seed: int = 0) -> np.ndarray:
    """The voice in a bare room: an exponentially decaying noise tail (RT60 seconds) mixed in at `wet`."""
    from scipy.signal import fftconvolve

    length = int(rt60 * rate)
    t = np.arange(length) / rate
    tail = np.random.default_rng(seed).normal(0, 1, length) * np.exp(-6.9 * t / rt60)
    tail[: int(0.005 * rate)] = 0.0  # the direct sound comes first; reflections a few ms later
    tail /= np.sqrt(np.sum(tail**2)) or 1.0
    wet_signal = fftconvolve(voice, tail)[: len(voice) + length]
    wet_signal = np.pad(wet_signal, (0, len(voice) + length - len(wet_signal)))
    dry = np.concatenate([voice, np.zeros(length)])
    mixed = (1 - wet) * dry + wet * wet_signal * (rms(dry) / (rms(wet_signal) or 1.0))
    return mixed
