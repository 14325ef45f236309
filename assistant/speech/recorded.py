"""A character's voice that plays a person's recording of a line where there is one (`callback record-cues`)
and the character's synthetic voice elsewhere. Sessions ask `voice_name(voice, text)` which it was, for the
`cue_start` event's `voice`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.audio.pcm import Audio
from assistant.speech.voice import Voice

RECORDED = "recorded"


@dataclass
class RecordedVoice:
    synthetic: Voice
    recordings: dict[str, Path]  # line text -> its recording
    _read: dict[str, Audio] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.synthetic.name

    def name_for(self, text: str) -> str:
        return RECORDED if text in self.recordings else self.synthetic.name

    def render(self, text: str) -> Audio:
        if text not in self.recordings:
            return self.synthetic.render(text)
        if text not in self._read:
            from assistant.history.cues import read_cue

            self._read[text] = read_cue(self.recordings[text])
        return self._read[text]


def voice_name(voice: Voice, text: str) -> str:
    """Which voice reads `text`: "recorded" for a person's recording, else the synthetic voice's name."""
    name_for = getattr(voice, "name_for", None)
    return name_for(text) if name_for is not None else getattr(voice, "name", "")


def with_recordings(voices: dict[str, Voice], recorded: dict) -> dict[str, Voice]:
    """Each character's voice, wrapped to play its recorded lines; `recorded` is CueBook.recorded()."""
    by_speaker: dict[str, dict[str, Path]] = {}
    for (speaker, text), cue in recorded.items():
        by_speaker.setdefault(speaker, {})[text] = cue.path
    return {speaker: RecordedVoice(voice, by_speaker[speaker]) if speaker in by_speaker else voice
            for speaker, voice in voices.items()}
