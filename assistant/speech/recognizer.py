"""What every speech recognizer looks like to the rest of the program.

The rehearsal logic talks to a Recognizer and never learns which engine is behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds since the utterance (the last reset) began
    end: float
    confidence: float = 1.0


@dataclass(frozen=True)
class Transcript:
    """What the engine has heard of the current utterance so far.

    A final transcript's `text` is its `words` joined by spaces. In a partial, `words` may cover less than
    `text`: Vosk times words only in the segments it has already finalised (its word-level partials lag).
    """

    text: str
    words: tuple[Word, ...] = field(default_factory=tuple)
    final: bool = False
    # The engine's next-best readings of a final transcript, best first (not including `text`). The line
    # check may accept a line the recognizer nearly heard; it never steers what the recognizer hears.
    alternatives: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text.strip()


class Recognizer(Protocol):
    """Turns a stream of 16 kHz 16-bit mono PCM into partial and final transcripts.

    An utterance is everything fed since the last `finish()` or `reset()`. Engines that end utterances on their
    own (Vosk's endpointer) keep what they finalised, so `partial()` and `finish()` always cover the whole of it.
    """

    engine: str  # "vosk" or "pocketsphinx"
    sample_rate: int

    def feed(self, pcm: bytes) -> Transcript:
        """Add audio; return the running transcript (final=True when the engine itself saw the end of speech).

        Vosk ends speech with its own endpointer; PocketSphinx with its voice-activity endpointer.
        """
        ...

    def finish(self) -> Transcript:
        """Close the utterance and return its final transcript with word timings; ready for the next one."""
        ...

    def reset(self) -> None:
        """Forget everything fed so far (used after a cue, so the program never hears itself)."""
        ...


class RecognizerFactory(Protocol):
    def __call__(self, vocabulary: Sequence[str] | None = None) -> Recognizer: ...
