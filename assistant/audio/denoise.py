"""Taking a steady room noise out of the stream before the streaming recognizer hears it.

PocketSphinx was trained on quiet speech. In a room humming and hissing at -40 dBFS it heard 4 of 12
natural-voice lines right; with this spectral subtraction in front, 6 of 12 (measured offline on the take
corpus lines, noise learned from the first 0.4 s). The noise of a fridge, a fan or a laptop is steady, so
its spectrum, learned from the chunks the speech detector calls silence, can be subtracted frame by frame.
Whisper, trained on noisy audio, hears the untouched signal: the subtraction's "musical" residue is a new
kind of noise to it.

Streaming overlap-add: 32 ms frames every 8 ms under a square-root Hann window on both sides (the windows
multiply to a Hann, which sums to 2 at this overlap), so with no noise learned the output is the input,
32 ms later.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.speech.activity import Region, only_speech

FRAME = 512
HOP = 128
#: How many samples late the output is.
LAG = FRAME
#: How much of the noise's power is taken out, and the least of a bin that is kept (no holes, less residue).
OVER_SUBTRACTION = 2.0
FLOOR = 0.1
#: How quickly the noise estimate follows the room (per frame of silence).
LEARNING = 0.05


class Denoiser:
    """Feed int16 chunks; get int16 chunks of the same length back, cleaned and 24 ms late."""

    def __init__(self) -> None:
        self._window = np.sqrt(np.hanning(FRAME + 1)[:FRAME])
        self._input = np.zeros(FRAME - HOP)  # the last samples of the previous frame
        self._output = np.zeros(FRAME)  # overlap-add accumulator
        self._noise: np.ndarray | None = None  # power per bin
        # One hop of silence ahead of the output: frames complete in hops, chunks come in any size, and the
        # output must never run short of a chunk's length (it would need a gap of zeros mid-speech).
        self._pending_out = np.zeros(HOP)

    def process(self, chunk: bytes, silent: bool) -> bytes:
        """Clean a chunk; when the speech detector says it is silence, learn the room from it as well."""
        samples = np.frombuffer(chunk, dtype="<i2").astype(np.float64)
        stream = np.concatenate([self._input, samples])
        produced = []
        start = 0
        while start + FRAME <= len(stream):
            spectrum = np.fft.rfft(stream[start : start + FRAME] * self._window)
            power = np.abs(spectrum) ** 2
            if silent:
                self._noise = power if self._noise is None else (1 - LEARNING) * self._noise + LEARNING * power
            if self._noise is not None:
                gain = np.sqrt(np.maximum(1 - OVER_SUBTRACTION * self._noise / np.maximum(power, 1e-9), FLOOR**2))
                spectrum = spectrum * gain
            frame = np.fft.irfft(spectrum, FRAME) * self._window / 2.0
            self._output += frame
            produced.append(self._output[:HOP].copy())
            self._output = np.concatenate([self._output[HOP:], np.zeros(HOP)])
            start += HOP
        self._input = stream[start:]
        out = np.concatenate([self._pending_out, *produced])
        self._pending_out = out[len(samples):]
        return np.clip(out[: len(samples)], -32768, 32767).astype("<i2").tobytes()


def clean_speech(audio: Audio, regions: Sequence[Region], padding: float) -> Audio:
    """The speech a streaming engine should hear from a recording: the room's steady noise taken out, only the
    stretches the speech detector marked, and `padding` seconds of the room's own tone either side."""
    cleaned = denoised(audio, regions)
    tone = room_tone(cleaned, padding)
    return tone + only_speech(cleaned, regions) + tone


def denoised(audio: Audio, regions: Sequence[Region]) -> Audio:
    """The recording with its steady room noise taken out, the noise learned where nobody speaks."""
    cleaner = Denoiser()
    step = int(0.1 * SPEECH_RATE)
    pieces = []
    for start in range(0, len(audio.samples), step):
        chunk = audio.samples[start : start + step]
        middle = (start + len(chunk) / 2) / SPEECH_RATE
        silent = not any(r.start <= middle <= r.end for r in regions)
        pieces.append(cleaner.process(chunk.astype("<i2").tobytes(), silent))
    out = np.frombuffer(b"".join(pieces), dtype="<i2")
    return Audio(np.concatenate([out[LAG:], np.zeros(LAG, np.int16)]), SPEECH_RATE)


def room_tone(audio: Audio, seconds: float) -> Audio:
    """Padding that sounds like the take's own quietest moment.

    Digital silence next to a noisy take makes a step the recognizer hears as a consonant (measured:
    PocketSphinx heard "pink" and "pity" at the start of noisy takes padded with zeros, and the words right
    when padded with noise of the take's own level).
    """
    window = int(0.05 * audio.rate)
    pieces = [audio.samples[i : i + window] for i in range(0, len(audio.samples) - window + 1, window)]
    if not pieces:
        return Audio.silence(seconds, audio.rate)
    floor = min(float(np.sqrt(np.mean(piece.astype(np.float32) ** 2))) for piece in pieces)
    noise = np.random.default_rng(0).normal(0.0, floor, int(seconds * audio.rate))
    return Audio(np.clip(noise, -32768, 32767).astype(np.int16), audio.rate)
