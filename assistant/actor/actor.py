"""The virtual actor: a microphone stand-in that speaks, in a natural voice, when the session listens.

It reads the session's event stream like anyone else: on each `ListenStart` it asks its part what to say,
renders it, and delivers it chunk by chunk at real-time pace, exactly as a microphone in a room would, with
silence before (a human's reaction time) and after. The session never learns the microphone is virtual.

The actor stands in a room (audio/rooms.py): by default a quiet one (hiss at -64 dBFS), or with
`--actor-noise DBFS` a humming, hissing one at that level, heard around and under the voice, which sits at
the level a voice has at arm's length from a laptop (-26 dBFS).
"""

from __future__ import annotations

import time
from typing import Iterator

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.audio.rooms import VOICE_DBFS, RoomNoise, at_level, hiss
from assistant.actor.delivery import Delivery
from assistant.actor.parts import Part, Spoken
from assistant.events import ActorSays, ActorSpeechEnd, CueEnd, Event, EventStream, ListenStart, PromptEnd
from assistant.speech.voice import Voice

# Below this level (int16 amplitude) a chunk counts as silence when the speech end is measured.
_VOICED_LEVEL = 300


class VirtualActor:
    """A Microphone whose room holds one actor who speaks their part on cue."""

    def __init__(
        self,
        voice: Voice,
        part: Part,
        events: EventStream,
        chunk_seconds: float = 0.05,
        reaction_seconds: float = 0.3,
        realtime: bool = True,
        room: RoomNoise | None = None,
        seed: int = 0,
        pickup: float | None = None,
    ):
        """pickup: seconds between the end of what it answers (a cue, or callback's voice) and its first sound,
        instead of a fixed reaction time counted from when listening began; so the pickup callback measures
        can be checked against a known one (scripts/bench_pickup.py)."""
        self._voice = voice
        self._part = part
        self._events = events
        self._chunk = int(SPEECH_RATE * chunk_seconds)
        self._chunk_seconds = chunk_seconds
        self._reaction = Audio.silence(reaction_seconds)
        self._realtime = realtime
        self._room_noise = room
        self._seed = seed
        self._chunks_made = 0
        self._deliveries = 0
        self._speech: np.ndarray = np.zeros(0, dtype=np.int16)
        self._speech_text = ""
        self._voiced_end = 0  # index in _speech just past the last voiced sample
        self._position = 0
        self._room = np.zeros(0, dtype=np.int16)  # other sound reaching the microphone: the cues, say
        self._anchor = time.monotonic()
        self._delivered = 0
        self._pickup = pickup
        self._answering: float | None = None  # when the last cue or prompt it heard ended (monotonic)
        #: When each delivery's first voiced sample reaches the microphone (monotonic): the truth a measured
        #: pickup is checked against. The synthesizer's own lead-in silence is cut before this (say()).
        self.onsets: list[float] = []
        events.subscribe(self._on_event)

    @property
    def realtime(self) -> bool:
        return self._realtime

    def _on_event(self, event: Event) -> None:
        hear = getattr(self._part, "hear", None)  # a part that learns what it hears (actor/learner.py)
        if hear is not None:
            hear(event)
        if isinstance(event, (CueEnd, PromptEnd)) and not getattr(event, "cut", False):
            self._answering = event.t
        if not isinstance(event, ListenStart):
            return
        said = self._part(event)
        if isinstance(said, Spoken):
            self.say(said.text, said.delivery)
        elif said:
            self.say(said)

    def say(self, text: str, delivery: Delivery | None = None) -> None:
        """Start speaking `text` after a human's reaction time; with a `delivery` (a director's note obeyed, or
        ignored), rendered that way and with a take's natural variation, a new one each time."""
        level = VOICE_DBFS
        if delivery is None:
            spoken = self._voice.render(text)
        else:
            from assistant.actor.delivery import deliver

            self._deliveries += 1
            spoken = deliver(self._voice, text, delivery, seed=self._seed * 1009 + self._deliveries)
            level += delivery.loudness_db
        spoken = spoken.to_rate(SPEECH_RATE)
        voiced = np.flatnonzero(np.abs(spoken.samples.astype(np.int32)) > _VOICED_LEVEL)
        if len(voiced) == 0:
            return
        spoken = Audio(np.clip(at_level(spoken.samples, level), -32768, 32767).astype(np.int16), spoken.rate)
        voiced = np.flatnonzero(np.abs(spoken.samples.astype(np.int32)) > _VOICED_LEVEL)
        # The synthesizer's lead-in silence goes (the reaction time stands for it); its natural release stays,
        # because a word cut at its last loud sample loses the soft consonant that ends it.
        reaction = self._reaction
        if self._pickup is not None and self._answering is not None:
            # Counted from the end of what it answers; the stream it speaks into began at the last drain.
            reaction = Audio.silence(max(0.0, self._pickup - (self._anchor - self._answering)))
        self._speech = (reaction + Audio(spoken.samples[voiced[0] :], spoken.rate)).samples
        self._voiced_end = len(reaction.samples) + int(voiced[-1] - voiced[0]) + 1
        first_sound = int(np.flatnonzero(np.abs(self._speech.astype(np.int32)) > _VOICED_LEVEL)[0])
        self.onsets.append(self._anchor + self._delivered * self._chunk_seconds + first_sound / SPEECH_RATE)
        self._speech_text = text
        self._position = 0
        self._events.emit(ActorSays(text))

    def hear(self, audio: Audio) -> None:
        """Sound from elsewhere in the room reaches the microphone too: a speaker playing cues, for one."""
        self._room = np.concatenate([self._room, audio.to_rate(SPEECH_RATE).samples])

    def chunks(self) -> Iterator[bytes]:
        while True:
            self._wait_for_next_chunk()
            yield self._next_chunk().astype("<i2").tobytes()

    def drain(self) -> None:
        """Forget what the room held while nobody listened, and start the clock afresh."""
        self._anchor = time.monotonic()
        self._delivered = 0
        self._room = np.zeros(0, dtype=np.int16)

    def close(self) -> None:
        pass

    def _wait_for_next_chunk(self) -> None:
        # A real microphone hands over a chunk only once it has been recorded; late readers catch up at once.
        if self._realtime:
            due = self._anchor + (self._delivered + 1) * self._chunk_seconds
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self._delivered += 1

    def _next_chunk(self) -> np.ndarray:
        if self._room_noise is not None:
            room = self._room_noise.chunk(self._chunk)
        else:
            room = hiss(-64.0, self._chunk, seed=self._seed * 100003 + self._chunks_made)
        self._chunks_made += 1
        if len(self._room):
            echo, self._room = self._room[: self._chunk], self._room[self._chunk :]
            room[: len(echo)] += echo
        if self._position < len(self._speech):
            piece = self._speech[self._position : self._position + self._chunk]
            start = self._position
            self._position += len(piece)
            room[: len(piece)] += piece
            if start < self._voiced_end <= self._position:
                late_by = (start + self._chunk - self._voiced_end) / SPEECH_RATE
                self._events.emit(ActorSpeechEnd(self._speech_text, round(late_by, 4)))
        return np.clip(room, -32768, 32767).astype(np.int16)
