"""The real microphone and speaker, through sounddevice (PortAudio).

sounddevice raises OSError at import when the PortAudio library is missing, so it is imported only inside
the functions that touch a real device; headless runs never load it. Every PortAudio failure becomes a
one-line CallbackError that points at the headless way to rehearse.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from math import gcd
from typing import Any, Iterator, Protocol

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.errors import DeviceError

#: The flag that lets a rehearsal run without audio hardware; every device error suggests it.
HEADLESS_HINT = "run with --actor virtual to rehearse without one"
#: A microphone block: the live loop notices a pause, or a second hearing's answer, only when a block
#: arrives, so every block's length is added (half of it on average) to the gap before the next cue. 50 ms,
#: as the virtual actor speaks in, so bench_turns.py measures what an actor at a real microphone gets.
CHUNK_SECONDS = 0.05
#: A live input stream delivers a block every 50 ms; this much silence from it means the device is gone.
STALL_SECONDS = 2.0


class Playback(Protocol):
    """A clip that has started playing."""

    def wait(self) -> None:
        """Return once the last sample has left the speaker."""
        ...

    def stop(self) -> None:
        """Cut the clip short now (a cue started before the verdict on the line before it was in)."""
        ...


class Speaker(Protocol):
    def play(self, audio: Audio) -> None:
        """Return only once the last sample has left the speaker, so the microphone can open right after."""
        ...

    def start(self, audio: Audio) -> Playback:
        """Start playing and return at once; play() is start().wait()."""
        ...


class Microphone(Protocol):
    def chunks(self) -> Iterator[bytes]:
        """16 kHz mono int16 PCM in pieces of about 50 ms, blocking, in real time, for as long as it is open."""
        ...

    def drain(self) -> None:
        """Drop whatever was captured but not yet read (e.g. the cue the speaker just played)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    inputs: int  # channels
    outputs: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # sounddevice's way of saying the PortAudio library is missing
        raise DeviceError(
            f"audio devices need PortAudio ({exc}): apt-get install libportaudio2; or {HEADLESS_HINT}"
        ) from None
    return sounddevice


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio sees; an empty list on a machine without sound hardware."""
    sd = _sounddevice()
    try:
        devices = list(sd.query_devices())
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices ({_first_line(exc)}); {HEADLESS_HINT}") from None
    default_input, default_output = _default_index(sd, "input"), _default_index(sd, "output")
    return [
        DeviceInfo(
            index=int(device["index"]),
            name=str(device["name"]),
            inputs=int(device["max_input_channels"]),
            outputs=int(device["max_output_channels"]),
            default_rate=float(device["default_samplerate"]),
            is_default_input=device["index"] == default_input,
            is_default_output=device["index"] == default_output,
        )
        for device in devices
    ]


def _default_index(sd: Any, kind: str) -> int | None:
    try:
        return int(sd.query_devices(kind=kind)["index"])
    except (sd.PortAudioError, ValueError):
        return None


def _find_device(sd: Any, device: int | str | None, kind: str) -> dict[str, Any]:
    """The PortAudio description of the chosen (or default) input or output device, or a CallbackError."""
    what = "microphone" if kind == "input" else "speaker"
    if isinstance(device, str) and device.strip().isdigit():
        device = int(device)  # as typed on the command line
    try:
        info = sd.query_devices(device, kind=kind)
    except sd.PortAudioError:  # PortAudio only says "Error querying device N"
        if device is None:
            raise DeviceError(f"no {what} found (PortAudio sees no {kind} device); {HEADLESS_HINT}") from None
        raise DeviceError(f"no {what} with index {device}; see `callback devices`, or {HEADLESS_HINT}") from None
    except ValueError as exc:  # no name matches, several do, or the device lacks that direction
        raise DeviceError(f"no {what} matches {device!r} ({_first_line(exc)}); see `callback devices`, or {HEADLESS_HINT}") from None
    if int(info[f"max_{kind}_channels"]) < 1:
        raise DeviceError(f"{info['name']!r} is not a {what}; see `callback devices`, or {HEADLESS_HINT}")
    return dict(info)


class SoundDeviceSpeaker:
    """Plays cue audio on a real output device, blocking until it has been heard."""

    def __init__(self, device: int | str | None = None) -> None:
        self._sd = _sounddevice()
        info = _find_device(self._sd, device, "output")
        self.index = int(info["index"])
        self.name = str(info["name"])
        self._default_rate = int(info["default_samplerate"])

    def play(self, audio: Audio) -> None:
        self.start(audio).wait()

    def start(self, audio: Audio) -> "_DevicePlayback":
        sd = self._sd
        rate = self._rate_for(audio.rate)
        samples = audio.to_rate(rate).samples
        playback = _DevicePlayback(self.name)
        position = 0

        def feed(outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
            nonlocal position
            if playback.cut:
                outdata[:] = 0
                raise sd.CallbackAbort
            piece = samples[position : position + frames]
            outdata[: len(piece), 0] = piece
            outdata[len(piece) :, 0] = 0
            position += len(piece)
            if position >= len(samples):
                raise sd.CallbackStop  # PortAudio plays out what it has, then stops

        try:
            stream = sd.OutputStream(
                device=self.index, samplerate=rate, channels=1, dtype="int16",
                callback=feed, finished_callback=playback.on_finished,
            )
            # Some host APIs report "finished" when the last block is handed over, not when it has sounded;
            # padding with one output latency of silence makes "finished" mean "heard" everywhere.
            samples = np.concatenate([samples, np.zeros(int(stream.latency * rate) + 1, dtype=np.int16)])
            playback.begin(stream, len(samples) / rate, sd.PortAudioError)
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot play on {self.name!r} ({_first_line(exc)}); {HEADLESS_HINT}") from None
        return playback

    def _rate_for(self, rate: int) -> int:
        try:
            self._sd.check_output_settings(device=self.index, samplerate=rate, channels=1, dtype="int16")
            return rate
        except (self._sd.PortAudioError, ValueError):
            return self._default_rate


class _DevicePlayback:
    """One clip on a real output stream; the stream is closed by wait() (stop() ends it early)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.finished = threading.Event()
        self.ended_at: float | None = None  # monotonic, when PortAudio said the stream had played out
        self.cut = False
        self._stream: Any = None
        self._seconds = 0.0
        self._error: Any = Exception

    def on_finished(self) -> None:
        self.ended_at = time.monotonic()
        self.finished.set()

    def begin(self, stream: Any, seconds: float, error: Any) -> None:
        self._stream, self._seconds, self._error = stream, seconds, error
        stream.start()

    def wait(self) -> None:
        if self._stream is None:
            return
        try:
            if not self.finished.wait(timeout=self._seconds + STALL_SECONDS):
                raise DeviceError(f"the speaker {self.name!r} stopped playing; {HEADLESS_HINT}")
        finally:
            stream, self._stream = self._stream, None
            try:
                stream.close()
            except self._error:
                pass  # the device went away mid-clip; the error above (or the next clip) says so

    def stop(self) -> None:
        self.cut = True
        self.wait()


class SoundDeviceMicrophone:
    """Captures the actor from a real input device as 16 kHz mono int16, through a queue fed by PortAudio."""

    def __init__(self, device: int | str | None = None) -> None:
        sd = self._sd = _sounddevice()
        info = _find_device(sd, device, "input")
        self.index = int(info["index"])
        self.name = str(info["name"])
        self.rate = self._capture_rate(int(info["default_samplerate"]))
        self._resampler = _StreamResampler(self.rate, SPEECH_RATE)
        self._blocks: queue.Queue[bytes] = queue.Queue()
        self._closed = False
        self._last_arrival = time.monotonic()
        try:
            self._stream = sd.RawInputStream(
                device=self.index, samplerate=self.rate, channels=1, dtype="int16",
                blocksize=int(self.rate * CHUNK_SECONDS), callback=self._on_block,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(f"cannot open the microphone {self.name!r} ({_first_line(exc)}); {HEADLESS_HINT}") from None

    def _capture_rate(self, default_rate: int) -> int:
        # Capturing at 16 kHz spares a resampling step; many devices only offer 44.1 or 48 kHz.
        try:
            self._sd.check_input_settings(device=self.index, samplerate=SPEECH_RATE, channels=1, dtype="int16")
            return SPEECH_RATE
        except (self._sd.PortAudioError, ValueError):
            return default_rate

    def _on_block(self, indata: Any, _frames: int, _time: Any, _status: Any) -> None:
        # Runs on PortAudio's thread: copy and hand over, nothing else. An overflow status only means
        # some audio was lost, which the recognizer tolerates.
        self._last_arrival = time.monotonic()
        self._blocks.put(bytes(indata))

    def chunks(self) -> Iterator[bytes]:
        while not self._closed:
            try:
                block = self._blocks.get(timeout=0.5)
            except queue.Empty:
                if self._closed:
                    return
                if not self._stream.active or time.monotonic() - self._last_arrival > STALL_SECONDS:
                    raise DeviceError(f"lost the microphone {self.name!r}: it stopped sending audio; {HEADLESS_HINT}") from None
                continue
            pcm = self._resampler.feed(block)
            if pcm:
                yield pcm

    def drain(self) -> None:
        while True:
            try:
                self._blocks.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        self._closed = True
        try:
            self._stream.close()
        except self._sd.PortAudioError:
            pass  # already gone with its device; there is nothing left to release

    def __enter__(self) -> "SoundDeviceMicrophone":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _StreamResampler:
    """Resamples an endless stream block by block with the same result as resampling it in one piece.

    Each block is resampled together with some input before it, and only the outputs whose filter support
    lies entirely in known input are emitted; so block edges leave no clicks for the recognizer to hear.
    """

    def __init__(self, source_rate: int, target_rate: int) -> None:
        g = gcd(source_rate, target_rate)
        self.up, self.down = target_rate // g, source_rate // g
        # scipy's default filter spans 10 * max(up, down) taps either side at the upsampled rate.
        self.margin = 10 * max(self.up, self.down) // self.up + 2
        self._history = np.zeros(0, dtype=np.float32)
        self._history_start = 0  # index, in the whole input stream, of _history[0]
        self._received = 0
        self._emitted = 0

    def feed(self, pcm: bytes) -> bytes:
        if self.up == self.down:
            return pcm
        from scipy.signal import resample_poly

        block = np.frombuffer(pcm, dtype="<i2").astype(np.float32)

        self._history = np.concatenate([self._history, block])
        self._received += len(block)
        # Outputs up to here have their whole filter inside received input.
        ready = (self._received - self.margin) * self.up // self.down
        if ready <= self._emitted:
            return b""
        out = resample_poly(self._history, self.up, self.down)
        first = self._emitted - self._history_start * self.up // self.down
        pcm_out = np.clip(np.round(out[first : first + ready - self._emitted]), -32768, 32767).astype("<i2").tobytes()
        self._emitted = ready
        self._trim()
        return pcm_out

    def _trim(self) -> None:
        # Keep 2 margins of input before the next output, starting on a multiple of `down` so that output
        # indices stay whole numbers.
        keep_from = max(0, (self._emitted * self.down // self.up - 2 * self.margin) // self.down * self.down)
        if keep_from > self._history_start:
            self._history = self._history[keep_from - self._history_start :]
            self._history_start = keep_from


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
