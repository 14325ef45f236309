"""Listening for one utterance: open the microphone, follow the speech, and decide when it is over.

Waiting for a recognizer's own endpoint costs about a second after the last word (and a lone word sometimes
never endpoints), which is far slower than the ~200 ms people leave between turns. The session usually
knows what is about to be said, so it passes `is_complete`: once the running transcript says the utterance
is complete, a short silence ends it (a little longer when the transcript has only reached the word before
the last); otherwise only a long silence does, so a dramatic pause mid-line does not cut the actor off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from assistant.audio.pcm import SPEECH_RATE
from assistant.session.events import EventLog
from assistant.speech.recognizer import Recognizer, Transcript, Word


#: What `is_complete` answers: nothing yet, the word before the last heard (the transcript lags the voice by
#: a word), or the utterance's end heard. A plain bool works too: True counts as the word before the last.
NOT_YET, NEARLY, END_HEARD = 0, 1, 2


class Microphone(Protocol):
    def chunks(self): ...
    def drain(self) -> None: ...


@dataclass(frozen=True)
class Timing:
    short_silence: float = 0.1  # after a complete utterance: a breath, not a pause
    nearly_silence: float = 0.3  # when only the word before the last is in the transcript: longer than a gap between words
    long_silence: float = 1.5  # after one that never completed (wandered off, or unknown)
    command_silence: float = 0.5  # after a lone command word: longer than a breath, so "Stop right there" survives
    start_timeout: float = 8.0  # nobody started speaking
    max_utterance: float = 30.0  # a runaway room (music, television) still ends


@dataclass(frozen=True)
class Utterance:
    text: str
    words: tuple[Word, ...] = ()
    alternatives: tuple[str, ...] = ()  # the recognizer's next-best readings, best first
    commands: str = ""  # what the command recognizer heard, "" when it has no command vocabulary
    ended_by: str = "silence"  # "complete", "command", "silence", "timeout", "engine" or "limit"
    speech_seconds: float = 0.0
    ended_at: float = field(default=0.0)  # monotonic time the utterance was judged over

    @property
    def timed_out(self) -> bool:
        return self.ended_by == "timeout"


class VoiceActivity:
    """Tells voiced chunks from the room's own noise, learning the noise floor as it goes."""

    def __init__(self, minimum_level: float = 250.0, margin: float = 4.0):
        self._floor = minimum_level / margin
        self._minimum = minimum_level
        self._margin = margin

    def voiced(self, samples: np.ndarray) -> bool:
        level = float(np.sqrt(np.mean(samples.astype(np.float32) ** 2))) if len(samples) else 0.0
        threshold = max(self._minimum, self._floor * self._margin)
        if level < threshold:
            # Only quiet chunks teach the floor, so a long speech never raises it.
            self._floor = 0.95 * self._floor + 0.05 * level
            return False
        return True


def listen(
    microphone: Microphone,
    recognizer: Recognizer,
    events: EventLog,
    *,
    is_complete: Callable[[str], int] = lambda text: NOT_YET,
    commands: Recognizer | None = None,
    is_command: Callable[[str], bool] = lambda text: False,
    max_command_words: int | None = None,
    timing: Timing = Timing(),
    wait_for_engine: bool = False,
    **context: object,
) -> Utterance:
    """Hear one utterance. The microphone is drained and the recognizers reset first: never hear a cue.

    `context` goes into the `listen_start` event, so whoever follows the stream knows what is awaited.
    """
    microphone.drain()
    recognizer.reset()
    if commands is not None:
        commands.reset()
    activity = VoiceActivity()
    events.emit("listen_start", **context)

    heard_seconds = 0.0
    voiced_seconds = 0.0
    silence = 0.0
    started = False
    last_partial = ""
    ended_by = "limit"
    partial = Transcript("")
    for chunk in microphone.chunks():
        seconds = len(chunk) / 2 / SPEECH_RATE
        heard_seconds += seconds
        partial = recognizer.feed(chunk)
        if commands is not None:
            commands.feed(chunk)
        if activity.voiced(np.frombuffer(chunk, dtype="<i2")):
            started = True
            silence = 0.0
            voiced_seconds += seconds
        else:
            silence += seconds
        if partial.text != last_partial and partial.text:
            last_partial = partial.text
            events.emit("partial", text=partial.text)

        if not started and heard_seconds >= timing.start_timeout:
            ended_by = "timeout"
            break
        if not started:
            continue
        if wait_for_engine:
            if partial.final:
                ended_by = "engine"
                break
        elif silence >= timing.short_silence and (reached := int(is_complete(partial.text))) and (
            reached >= END_HEARD or silence >= timing.nearly_silence
        ):
            ended_by = "complete"
            break
        elif silence >= timing.command_silence and is_command(partial.text):
            ended_by = "command"
            break
        # Waiting for the engine, a lone word may never endpoint (measured on Vosk): a long silence still ends it.
        if silence >= (2 * timing.long_silence if wait_for_engine else timing.long_silence):
            ended_by = "silence"
            break
        if heard_seconds >= timing.max_utterance:
            break

    final = recognizer.finish()
    command_text = ""
    # Closing the command recognizer costs as much as closing dictation (measured: 90 to 200 ms on
    # PocketSphinx), time the next cue would wait. A caller that knows longer utterances cannot be commands
    # says so with max_command_words, and is spared that wait.
    if commands is not None and (max_command_words is None or len(final.text.split()) <= max_command_words):
        command_text = commands.finish().text
    return Utterance(
        text=final.text,
        words=final.words,
        alternatives=final.alternatives,
        commands=command_text,
        ended_by=ended_by,
        speech_seconds=voiced_seconds,
        ended_at=time.monotonic(),
    )
