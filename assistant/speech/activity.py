"""Telling speech from the room: Silero VAD (v6, shipped inside faster-whisper's wheel, run by onnxruntime).

Why not loudness. Until this module the live loop called a chunk speech when it was louder than about
-42 dBFS, and grading fed the recognizer everything. In a room with a fridge or a fan humming at -40 dBFS
every chunk is "loud", so a line never ended on silence; and the recognizers, fed the hiss before and after
a line, made words of it ("if you kept the light on for me"). Silero's network was trained to ignore hum,
hiss and clicks: measured on hibari speech with hum plus hiss at -40 dBFS, it gives speech a probability
above 0.9 and the room below 0.1, frame by frame.

Two ways in, one model:
* `SpeechActivity` streams: it takes chunks as a microphone delivers them and says, per chunk, whether any of
  its 32 ms frames held speech. The network's state (h, c) and the 64 samples of context it needs are carried
  from one call to the next, so chunk size does not change its answers.
* `speech_regions` takes a whole recording (grading), and returns where speech is, with faster-whisper's own
  segmentation rules (padding, minimum silence) on top of the same probabilities.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.errors import CallbackError

FRAME = 512  # samples per decision at 16 kHz: 32 ms (the model's fixed window)
CONTEXT = 64  # samples of the previous frame the v5/v6 models read before each frame
#: A frame above this is speech; once in speech, frames stay speech until they drop below NEGATIVE. The
#: gap keeps a soft consonant at the end of a word from flickering to silence (faster-whisper's defaults).
THRESHOLD = 0.5
NEGATIVE = 0.35
#: Where the first speech began, to the millisecond rather than the frame: the network calls a frame speech a
#: frame to three after the voice's first sound (pickups measured on whole frames ran 25 to 57 ms late against
#: the virtual actor's onsets, scripts/bench_pickup.py). So the frames before the first speech frame are kept,
#: and the onset is the first of two 4 ms windows in a row louder by ONSET_RISE_DB than the room in the older
#: frames, searched from ONSET_LOOKBACK frames before the speech frame to its end, above ONSET_HIGHPASS Hz: a
#: line's first sound is often soft (the "s" of "Someone", the "th" of "Then"), and under a fan's hum only
#: its upper band rises out of the room. Tuned on 198 onsets of the demo and kitchen lines (hibari, after 0.2
#: to 1 s of room): |error| p95 of 41 ms at -40 dBFS (88 ms broadband at 6 dB, looking back 2 frames), 16 ms
#: quiet, none early by more than 30 ms.
ONSET_WINDOW = 64
ONSET_RISE_DB = 3.0
ONSET_HIGHPASS = 1000.0
ONSET_LOOKBACK = 4
ONSET_HISTORY = 10  # frames kept: the lookback, and the room before it to measure


def model_path() -> Path:
    try:
        from faster_whisper.utils import get_assets_path
    except ImportError:
        raise CallbackError("speech detection needs faster-whisper: pip install faster-whisper") from None
    path = Path(get_assets_path()) / "silero_vad_v6.onnx"
    if not path.is_file():
        raise CallbackError(f"the speech detector {path} is missing; reinstall faster-whisper")
    return path


class _Model:
    """One onnxruntime session for the whole process (it is stateless; callers carry the state)."""

    _shared: "_Model | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        try:
            self.session = onnxruntime.InferenceSession(
                str(model_path()), providers=["CPUExecutionProvider"], sess_options=options
            )
        except Exception as exc:  # onnxruntime raises its own exception types for a damaged file
            raise CallbackError(f"the speech detector could not load ({str(exc).splitlines()[0]}); reinstall faster-whisper") from None
        self.lock = threading.Lock()

    @classmethod
    def get(cls) -> "_Model":
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared


@dataclass
class _State:
    h: np.ndarray
    c: np.ndarray
    context: np.ndarray

    @classmethod
    def fresh(cls) -> "_State":
        return cls(np.zeros((1, 1, 128), np.float32), np.zeros((1, 1, 128), np.float32), np.zeros(CONTEXT, np.float32))


def load() -> None:
    """Load the detector now, so a missing or damaged one is said before a session starts."""
    _Model.get()


class SpeechActivity:
    """Streaming speech detection: feed 16 kHz int16 PCM, learn whether each piece held speech."""

    def __init__(self, threshold: float = THRESHOLD, negative: float = NEGATIVE) -> None:
        self._model = _Model.get()
        self._threshold = threshold
        self._negative = negative
        self.reset()

    def reset(self) -> None:
        self._state = _State.fresh()
        self._pending = np.zeros(0, np.float32)
        self._in_speech = False
        self._frames_done = 0
        self._before = np.zeros(0, np.float32)  # the frames before the first speech, up to ONSET_HISTORY
        #: Where the first speech began, in samples since the last reset: the start of the first frame judged
        #: speech (None until one is). The live loop times a pickup from it (session/listen.py).
        self.first_speech_sample: int | None = None

    @property
    def speaking(self) -> bool:
        """Whether the last frame fed was speech (feed() says whether any frame of a piece was)."""
        return self._in_speech

    def feed(self, pcm: bytes | np.ndarray) -> bool:
        """Whether any whole frame completed by this piece was speech (False until a frame completes)."""
        samples = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, (bytes, bytearray)) else pcm
        self._pending = np.concatenate([self._pending, samples.astype(np.float32) / 32768.0])
        whole = len(self._pending) // FRAME * FRAME
        if whole == 0:
            return self._in_speech
        frames, self._pending = self._pending[:whole].reshape(-1, FRAME), self._pending[whole:]
        voiced = False
        for index, probability in enumerate(self._probabilities(frames)):
            if self.first_speech_sample is None:
                self._before = np.concatenate([self._before, frames[index]])[-ONSET_HISTORY * FRAME :]
            if probability >= self._threshold:
                self._in_speech = True
                if self.first_speech_sample is None:
                    # _before ends with this frame; it starts len(_before) samples before this frame's end.
                    start = (self._frames_done + 1) * FRAME - len(self._before)
                    self.first_speech_sample = start + _onset(self._before)
                    self._before = np.zeros(0, np.float32)
            elif probability < self._negative:
                self._in_speech = False
            voiced = voiced or self._in_speech
            self._frames_done += 1
        return voiced

    def _probabilities(self, frames: np.ndarray) -> np.ndarray:
        state = self._state
        contexts = np.concatenate([state.context[None, :], frames[:-1, -CONTEXT:]], axis=0)
        batch = np.concatenate([contexts, frames], axis=1).astype(np.float32)
        with self._model.lock:
            out, h, c = self._model.session.run(None, {"input": batch, "h": state.h, "c": state.c})
        self._state = _State(h, c, frames[-1, -CONTEXT:].copy())
        return np.asarray(out, dtype=np.float32).reshape(-1)


def _onset(samples: np.ndarray) -> int:
    """Where the voice starts in `samples`, whose last frame is the first the network called speech (see
    ONSET_RISE_DB): an index into `samples`; that frame's start when the room before cannot be measured or
    nothing rises above it."""
    frame_start = len(samples) - FRAME
    search_from = max(0, frame_start - ONSET_LOOKBACK * FRAME)
    windows = len(samples) // ONSET_WINDOW
    from scipy.signal import butter, sosfilt

    samples = sosfilt(butter(2, ONSET_HIGHPASS, "highpass", fs=SPEECH_RATE, output="sos"), samples)
    levels = np.sqrt(np.mean(samples[: windows * ONSET_WINDOW].reshape(windows, ONSET_WINDOW) ** 2, axis=1))
    room = levels[: search_from // ONSET_WINDOW]
    if len(room) < 4:
        return frame_start
    threshold = float(np.median(room)) * 10 ** (ONSET_RISE_DB / 20)
    loud = levels > threshold
    for window in range(search_from // ONSET_WINDOW, windows - 1):
        if loud[window] and loud[window + 1]:
            return window * ONSET_WINDOW
    return frame_start


@dataclass(frozen=True)
class Region:
    start: float  # seconds
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def speech_regions(audio: Audio, pad: float = 0.2, min_silence: float = 0.5, min_speech: float = 0.1) -> list[Region]:
    """Where a recording holds speech, padded by `pad` seconds each side; [] for noise and silence alone.

    Gaps shorter than `min_silence` stay inside a region, so a line's own pauses are not cut out of it.
    Speech shorter than `min_speech` (a click, a knock) is dropped. Costs about 1/300 of real time.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = audio.to_rate(SPEECH_RATE)
    if len(audio.samples) < FRAME:
        return []
    _Model.get()  # a missing model is a one-line error, not faster-whisper's RuntimeError
    options = VadOptions(
        threshold=THRESHOLD,
        neg_threshold=NEGATIVE,
        min_speech_duration_ms=int(min_speech * 1000),
        min_silence_duration_ms=int(min_silence * 1000),
        speech_pad_ms=int(pad * 1000),
    )
    found = get_speech_timestamps(audio.samples.astype(np.float32) / 32768.0, options, SPEECH_RATE)
    return [Region(item["start"] / SPEECH_RATE, item["end"] / SPEECH_RATE) for item in found]


def only_speech(audio: Audio, regions: list[Region]) -> Audio:
    """The regions of a recording joined end to end: the room between them is left out."""
    audio = audio.to_rate(SPEECH_RATE)
    pieces = [audio.samples[int(r.start * SPEECH_RATE) : int(r.end * SPEECH_RATE)] for r in regions]
    if not pieces:
        return Audio(np.zeros(0, np.int16), SPEECH_RATE)
    return Audio(np.concatenate(pieces), SPEECH_RATE)


def recording_time(seconds: float, regions: list[Region]) -> float:
    """A moment in the joined speech (only_speech) -> the same moment in the recording it came from."""
    elapsed = 0.0
    for region in regions:
        if seconds <= elapsed + region.duration:
            return round(region.start + max(0.0, seconds - elapsed), 3)
        elapsed += region.duration
    return round(regions[-1].end, 3) if regions else 0.0
