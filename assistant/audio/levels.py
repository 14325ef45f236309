"""How loud the voice and the room are in one recording, in dBFS as audio/rooms.py measures them.

The recording is split by the speech detector (speech/activity.py), not by loudness: in a humming room every
frame is loud. The room is what the microphone heard before the first word (when the actor started talking
at once, the quiet after the last word stands in for it); the voice is the speech itself, measured as
rooms.at_level sets it (RMS over the samples louder than 5 % of the peak, so the gaps between words do not
pull it down). A virtual actor's voice set at VOICE_DBFS (-26) reads back within a dB of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.audio.rooms import FULL_SCALE, rms, voiced_rms

#: What the level of digital silence is shown as (a muted microphone sends zeros: log of 0).
FLOOR_DBFS = -96.0
#: The room needs this much sound of its own to be measured; less before the first word, and the quiet
#: after the last word is used as well.
MIN_ROOM_SECONDS = 0.15
#: The room is taken from this far before the detector's first speech (and after its last): the detector
#: places a region's start on the onset, not before it, and the first 32 samples of a -26 dBFS voice read
#: as a -55 dBFS room in a -64 one (measured on the virtual actor's check).
ROOM_GUARD_SECONDS = 0.1
#: Speech detector regions are padded this much each side: enough for a soft first consonant to count as
#: voice, little enough that the room before the first word is not eaten by the padding.
PAD_SECONDS = 0.05
#: The room's level is taken frame by frame, over frames this long (see room_level).
ROOM_FRAME_SECONDS = 0.02
#: Samples at or past this share of full scale are clipped (the input gain is too high).
CLIP_LEVEL = 0.99


@dataclass(frozen=True)
class Levels:
    voice_dbfs: float | None  # None: no speech in the recording
    room_dbfs: float | None  # None: no room to measure (speech from the first sample to the last)
    speech_seconds: float
    clipped: float  # share of the speech's samples at full scale

    @property
    def margin_db(self) -> float | None:
        """How far the voice stands above the room."""
        if self.voice_dbfs is None or self.room_dbfs is None:
            return None
        return self.voice_dbfs - self.room_dbfs

    def to_dict(self) -> dict:
        return {
            "voice_dbfs": _rounded(self.voice_dbfs),
            "room_dbfs": _rounded(self.room_dbfs),
            "margin_db": _rounded(self.margin_db),
            "speech_seconds": round(self.speech_seconds, 2),
            "clipped": round(self.clipped, 4),
        }


def dbfs(level: float) -> float:
    """An RMS (int16 scale) in dBFS, never below FLOOR_DBFS."""
    return max(FLOOR_DBFS, 20 * math.log10(level / FULL_SCALE)) if level > 0 else FLOOR_DBFS


def measure(recording: Audio) -> Levels:
    """The voice's and the room's levels in a recording of one utterance with the room around it."""
    from assistant.speech.activity import speech_regions

    recording = recording.to_rate(SPEECH_RATE)
    samples = recording.samples.astype(np.float64)
    regions = speech_regions(recording, pad=PAD_SECONDS)
    if not regions:
        return Levels(None, room_level(samples) if len(samples) else None, 0.0, 0.0)
    at = lambda seconds: min(len(samples), max(0, int(seconds * SPEECH_RATE)))  # noqa: E731
    speech = np.concatenate([samples[at(r.start) : at(r.end)] for r in regions])
    room = samples[: at(regions[0].start - ROOM_GUARD_SECONDS)]
    if len(room) < MIN_ROOM_SECONDS * SPEECH_RATE:
        room = np.concatenate([room, samples[at(regions[-1].end + ROOM_GUARD_SECONDS) :]])
    clipped = float(np.mean(np.abs(speech) >= CLIP_LEVEL * FULL_SCALE)) if len(speech) else 0.0
    return Levels(
        voice_dbfs=dbfs(voiced_rms(speech)),
        room_dbfs=room_level(room) if len(room) else None,
        speech_seconds=sum(r.duration for r in regions),
        clipped=clipped,
    )


def room_level(room: np.ndarray) -> float:
    """The room's level: the median of its 20 ms frames' levels, not one RMS over all of it. A soft first
    syllable the detector places after its true onset (a voice at -50 dBFS) then counts for a frame or two,
    not for the whole: over one RMS it read a -64 dBFS room as -58 (measured, the check's virtual actor at
    -50). For steady hum and hiss the median reads within a dB of the RMS."""
    frame = int(ROOM_FRAME_SECONDS * SPEECH_RATE)
    if len(room) < 2 * frame:
        return dbfs(rms(room))
    frames = room[: len(room) // frame * frame].reshape(-1, frame)
    return dbfs(float(np.median(np.sqrt(np.mean(np.square(frames), axis=1)))))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
