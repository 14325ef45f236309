"""What every speech synthesizer looks like to the rest of the program."""

from __future__ import annotations

from typing import Protocol

from assistant.audio.pcm import Audio


class Voice(Protocol):
    """Renders text to audio in memory, so the caller knows exactly when playback starts and ends."""

    name: str

    def render(self, text: str) -> Audio: ...
