"""Cue lines read aloud by a person (`callback record-cues`), kept beside the practice history.

The audio is in a `cues/` folder next to the history file, one FLAC file per line (16 kHz mono: a cue of three
seconds is about 50 kB), and each is indexed in the history's `recorded_cues` table by the script's path, the
speaker and the line's text. Looked up by text, a script edited after recording keeps the recordings of the
lines that did not change and loses only those of the lines that did: their text no longer matches.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.pcm import Audio
from assistant.errors import CallbackError
from assistant.history.database import Store
from assistant.audio.pcm import SPEECH_RATE


@dataclass(frozen=True)
class RecordedCue:
    speaker: str
    text: str
    path: Path
    seconds: float


class CueBook:
    """The recorded cues of one script."""

    def __init__(self, store: Store, script_path: str):
        self.store = store
        self.script_path = script_path
        self.folder = store.path.parent / "cues"

    def recorded(self) -> dict[tuple[str, str], RecordedCue]:
        """Every recording of this script whose file is still there, by (speaker, line text)."""
        found = {}
        for speaker, text, path, seconds in self.store.recorded_cues(self.script_path):
            if Path(path).is_file():
                found[(speaker, text)] = RecordedCue(speaker, text, Path(path), seconds)
        return found

    def keep(self, speaker: str, text: str, audio: Audio) -> RecordedCue:
        """Write the recording and index it (replacing an earlier one of the same line)."""
        import soundfile

        audio = audio.to_rate(SPEECH_RATE)
        key = hashlib.sha256(f"{self.script_path}\n{speaker}\n{text}".encode()).hexdigest()[:16]
        path = self.folder / f"{key}.flac"
        encoded = io.BytesIO()
        soundfile.write(encoded, audio.samples, audio.rate, format="FLAC")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(encoded.getvalue())
            partial.replace(path)
        except OSError as exc:
            raise CallbackError(f"cannot keep the recording in {self.folder}: {exc.strerror or exc}") from None
        self.store.keep_recorded_cue(self.script_path, speaker, text, str(path), round(audio.duration, 3))
        return RecordedCue(speaker, text, path, audio.duration)


def read_cue(path: Path) -> Audio:
    import soundfile

    try:
        samples, rate = soundfile.read(path, dtype="int16")
    except (RuntimeError, OSError) as exc:
        raise CallbackError(f"cannot read the recorded cue {path}: {exc}") from None
    if samples.ndim > 1:
        samples = samples[:, 0]
    return Audio(samples, rate)
