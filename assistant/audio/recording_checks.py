"""Whether a recording given to `callback grade` is a take at all, checked before it is heard.

Each of these was graded and stored as misses, as if the actor had said nothing right:
* a WAV whose data chunk was cut short (a copy or an upload that broke off): libsndfile quietly reads the frames
  that are there, so the header's own count of the data is compared with what the file holds;
* an absurd sample rate (1 Hz): no speech fits under 8 kHz, the telephone band;
* stereo whose channels are the same take with one phase-inverted (a miswired interface, a wrong cable): mixed
  down to mono they cancel to silence. Either channel alone is the take, so the louder one is used, and said;
* a recording far longer than a self-tape, which would only fill memory (samples are held as 32-bit floats).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.errors import CallbackError

#: The telephone band's rate: below it, speech cannot be told apart.
MIN_RATE = 8000
#: A whole self-tape runs minutes; 30 minutes of 48 kHz stereo is already 700 MB of samples in memory.
MAX_MINUTES = 30
#: Channels that mix down to a tenth (-20 dB) of the louder one's level cancel: real stereo of one voice
#: mixes to about the level of each channel.
CANCELLED_RATIO = 0.1
#: Below this RMS (about -70 dBFS) a channel is silence, and there is nothing to cancel.
SILENT_RMS = 3e-4
#: RIFF chunks walked to find the data chunk; a real WAV has a handful.
MAX_CHUNKS = 64


def check_format(path: Path, rate: int, frames: int, channels: int) -> None:
    """Refuse a rate no speech fits in, or a length no self-tape has, before the samples are read."""
    if rate < MIN_RATE:
        raise CallbackError(f"cannot use {path}: its sample rate is {rate} Hz; a recording of speech needs "
                            f"{MIN_RATE} Hz or more (re-export it at 16000 Hz or higher)")
    minutes = frames / rate / 60
    if minutes > MAX_MINUTES:
        raise CallbackError(f"cannot use {path}: it is {minutes:.0f} minutes long; a take or a self-tape is at "
                            f"most {MAX_MINUTES} minutes (cut it into scenes)")


def check_complete(path: Path) -> None:
    """Refuse a WAV whose data chunk holds less than its header says: the file was cut short."""
    shortfall = data_shortfall(path)
    if shortfall is not None:
        declared, held = shortfall
        raise CallbackError(f"cannot use {path}: the file is damaged (cut short: its header promises {declared} "
                            f"bytes of sound, it holds {held}); copy or export it again")


def data_shortfall(path: Path) -> tuple[int, int] | None:
    """(bytes the data chunk declares, bytes the file holds after it) when it holds fewer, else None. Only RIFF
    WAVE files are looked at; a size of 0 or 0xFFFFFFFF means "unknown" (a stream's writer) and passes."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as wav:
            if wav.read(12)[:4] != b"RIFF":
                return None
            offset = 12
            for _ in range(MAX_CHUNKS):
                wav.seek(offset)
                header = wav.read(8)
                if len(header) < 8:
                    return None
                name, length = header[:4], struct.unpack("<I", header[4:])[0]
                if name == b"data":
                    held = size - offset - 8
                    if length in (0, 0xFFFFFFFF) or length <= held + 1:  # a missing pad byte is no damage
                        return None
                    return length, held
                offset += 8 + length + (length & 1)
    except OSError:
        return None
    return None


def mix_down(data: np.ndarray, path: Path, on_notice: Callable[[str], None]) -> np.ndarray:
    """Mono samples of `data` (frames x channels): the channels' mean, or the loudest channel alone when the
    mean cancels to silence (one channel phase-inverted), which is said on `on_notice`."""
    mixed = data.mean(axis=1)
    if data.shape[1] < 2:
        return mixed
    levels = np.sqrt(np.mean(np.square(data, dtype=np.float64), axis=0))
    loudest = int(np.argmax(levels))
    if levels[loudest] < SILENT_RMS:
        return mixed
    if np.sqrt(np.mean(np.square(mixed, dtype=np.float64))) < CANCELLED_RATIO * levels[loudest]:
        on_notice(f"the channels of {path} cancel out when mixed (one is phase-inverted); grading channel "
                  f"{loudest + 1} alone")
        return data[:, loudest]
    return mixed
