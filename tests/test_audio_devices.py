"""The hardware edge: the buffer stand-ins, the streaming resampler, and real-device errors on this machine."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.buffers import BufferSpeaker, WavMicrophone
from assistant.audio import devices
from assistant.audio.devices import SoundDeviceMicrophone, SoundDeviceSpeaker, _StreamResampler, list_devices
from assistant.audio.pcm import SPEECH_RATE, Audio, read_wav
from assistant.errors import CallbackError

REPO = Path(__file__).resolve().parents[1]
CHUNK_BYTES = int(SPEECH_RATE * 0.1) * 2


def _tone(seconds: float, rate: int = SPEECH_RATE, hz: float = 440.0) -> Audio:
    t = np.arange(int(seconds * rate)) / rate
    return Audio.from_float(0.5 * np.sin(2 * np.pi * hz * t), rate)


def _ramp(seconds: float) -> Audio:
    """Distinct sample values, so a chunk shows exactly which part of the recording it is."""
    n = int(seconds * SPEECH_RATE)
    return Audio((np.arange(n) % 30000).astype(np.int16), SPEECH_RATE)


def _has_real_device(kind: str) -> bool:
    try:
        import sounddevice

        sounddevice.query_devices(kind=kind)
        return True
    except Exception:
        return False


# --- BufferSpeaker ---------------------------------------------------------------------------------------


def test_buffer_speaker_keeps_the_track_and_the_timing(tmp_path: Path) -> None:
    speaker = BufferSpeaker()
    speaker.play(_tone(0.5))
    speaker.play(_tone(0.25, rate=24000))  # converted to the track's rate
    assert speaker.track.duration == pytest.approx(0.75, abs=0.01)
    assert [clip.offset for clip in speaker.clips] == pytest.approx([0.0, 0.5], abs=0.01)
    first, second = speaker.clips
    assert first.started <= first.ended <= second.started <= second.ended
    speaker.save(tmp_path / "cues.wav")
    assert read_wav(tmp_path / "cues.wav").duration == pytest.approx(0.75, abs=0.01)


def test_realtime_buffer_speaker_takes_as_long_as_the_audio() -> None:
    fast, real = BufferSpeaker(), BufferSpeaker(realtime=True)
    started = time.monotonic()
    fast.play(_tone(0.4))
    assert time.monotonic() - started < 0.2
    started = time.monotonic()
    real.play(_tone(0.4))
    assert 0.9 < (time.monotonic() - started) / 0.4 < 2.0


def test_a_clip_started_and_stopped_keeps_only_what_played() -> None:
    speaker = BufferSpeaker(realtime=True)
    playing = speaker.start(_tone(2.0))
    time.sleep(0.3)
    started = time.monotonic()
    playing.stop()
    assert time.monotonic() - started < 0.2  # stopping does not wait for the rest
    clip = speaker.clips[-1]
    assert clip.cut and 0.25 < clip.duration < 1.5  # what had played when it was stopped
    speaker.start(_tone(0.2)).wait()
    assert not speaker.clips[-1].cut and speaker.clips[-1].duration == pytest.approx(0.2, abs=0.01)


# --- WavMicrophone ---------------------------------------------------------------------------------------


def test_wav_microphone_delivers_the_recording_then_the_silence(tmp_path: Path) -> None:
    recording = _ramp(0.35)
    mic = WavMicrophone(recording, realtime=False, trailing_silence=0.5)
    chunks = list(mic.chunks())
    assert all(len(chunk) == CHUNK_BYTES for chunk in chunks)  # 0.1 s of 16 kHz int16
    assert len(chunks) == 4 + 5  # 0.35 s rounds up to 4 chunks, then 0.5 s of silence
    heard = np.frombuffer(b"".join(chunks), dtype="<i2")
    assert np.array_equal(heard[: len(recording.samples)], recording.samples)
    assert not heard[len(recording.samples) :].any()


def test_wav_microphone_reads_files_at_any_rate(tmp_path: Path) -> None:
    _tone(0.5, rate=44100).write_wav(tmp_path / "take.wav")
    chunks = list(WavMicrophone(tmp_path / "take.wav", realtime=False, trailing_silence=0).chunks())
    assert len(chunks) == 5 and all(len(chunk) == CHUNK_BYTES for chunk in chunks)


def test_wav_microphone_without_a_limit_keeps_producing_silence() -> None:
    mic = WavMicrophone(_ramp(0.2), realtime=False, trailing_silence=None)
    chunks = list(itertools.islice(mic.chunks(), 50))
    assert len(chunks) == 50 and not any(np.frombuffer(b"".join(chunks[2:]), dtype="<i2"))


def test_wav_microphone_paces_itself_like_a_real_one() -> None:
    mic = WavMicrophone(_ramp(1.0), realtime=True)
    started = time.monotonic()
    list(itertools.islice(mic.chunks(), 5))
    assert 0.8 < (time.monotonic() - started) / 0.5 < 2.0


def test_drain_drops_what_piled_up_while_nobody_listened() -> None:
    recording = _ramp(2.0)
    mic = WavMicrophone(recording, realtime=True)
    time.sleep(0.35)  # a cue plays; the room audio keeps arriving
    mic.drain()
    assert mic.position >= 0.3
    first = np.frombuffer(next(mic.chunks()), dtype="<i2")
    index = int(round(mic.position / 0.1)) - 1
    assert np.array_equal(first, recording.samples[index * 1600 : (index + 1) * 1600])
    assert index >= 3


def test_drain_is_a_no_op_when_time_does_not_pass() -> None:
    mic = WavMicrophone(_ramp(1.0), realtime=False)
    mic.drain()
    assert mic.position == 0.0
    mic.close()
    assert list(mic.chunks()) == []


# --- the microphone's resampler ---------------------------------------------------------------------------


@pytest.mark.parametrize("source_rate", [48000, 44100, 22050])
def test_stream_resampling_matches_resampling_in_one_piece(source_rate: int) -> None:
    recording = _tone(1.5, rate=source_rate, hz=300.0)
    resampler = _StreamResampler(source_rate, SPEECH_RATE)
    block = int(source_rate * 0.1)
    streamed = b"".join(resampler.feed(chunk) for chunk in recording.chunks(0.1))
    streamed_samples = np.frombuffer(streamed, dtype="<i2").astype(np.float64)
    whole = recording.to_rate(SPEECH_RATE).samples.astype(np.float64)
    assert len(streamed_samples) > len(whole) - 2 * block  # only the unfinished tail is held back
    assert np.max(np.abs(streamed_samples - whole[: len(streamed_samples)])) <= 2  # rounding only: no seams


# --- real devices -------------------------------------------------------------------------------------------


@pytest.mark.skipif(_has_real_device("input"), reason="this machine has a microphone")
def test_opening_a_missing_microphone_is_a_one_line_error() -> None:
    with pytest.raises(CallbackError) as caught:
        SoundDeviceMicrophone()
    message = str(caught.value)
    assert "\n" not in message and "--actor virtual" in message and "microphone" in message


@pytest.mark.skipif(_has_real_device("output"), reason="this machine has a speaker")
def test_opening_a_missing_speaker_is_a_one_line_error() -> None:
    with pytest.raises(CallbackError) as caught:
        SoundDeviceSpeaker()
    assert "\n" not in str(caught.value) and "--actor virtual" in str(caught.value)


def test_a_device_that_does_not_exist_is_a_one_line_error() -> None:
    for make in (lambda: SoundDeviceMicrophone(987), lambda: SoundDeviceMicrophone("no such device anywhere")):
        with pytest.raises(CallbackError) as caught:
            make()
        assert "\n" not in str(caught.value) and "callback devices" in str(caught.value)


def test_callback_devices_lists_or_says_there_are_none() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "devices"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if list_devices():
        assert "microphones:" in result.stdout and "speakers:" in result.stdout
    else:
        assert result.stdout.strip() == "no audio devices found (rehearse without them with --actor virtual)"


NULL_ALSA_CONFIG = """</usr/share/alsa/alsa.conf>
pcm.callback_null { type null hint { show on description "silent test device" } }
"""

NULL_DEVICE_SESSION = """
import itertools
from assistant.audio.devices import SoundDeviceMicrophone, SoundDeviceSpeaker, list_devices
from assistant.audio.pcm import Audio

assert any(d.name == "callback_null" and d.inputs and d.outputs for d in list_devices())
SoundDeviceSpeaker("callback_null").play(Audio.silence(0.3, rate=22050))
SoundDeviceSpeaker("callback_null").start(Audio.silence(3.0, rate=22050)).stop()  # a cue cut short
mic = SoundDeviceMicrophone("callback_null")
sizes = [len(chunk) for chunk in itertools.islice(mic.chunks(), 3)]
mic.drain()
mic.close()
assert list(mic.chunks()) == []
print(sizes)
"""


@pytest.mark.skipif(not Path("/usr/share/alsa/alsa.conf").is_file(), reason="needs ALSA's configuration")
def test_real_streams_open_play_and_capture_on_alsas_null_device(tmp_path: Path) -> None:
    # ALSA's "null" plugin is a real PortAudio device that discards playback and captures silence (with no
    # real-time clock, so only the plumbing is tested here, not the pacing). PortAudio reads the ALSA
    # configuration once per process, hence the subprocess.
    config = tmp_path / "asound.conf"
    config.write_text(NULL_ALSA_CONFIG)
    env = {**os.environ, "ALSA_CONFIG_PATH": str(config)}
    result = subprocess.run(
        [sys.executable, "-c", NULL_DEVICE_SESSION], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    block = int(SPEECH_RATE * devices.CHUNK_SECONDS) * 2  # a microphone block: 50 ms of 16 kHz int16
    assert result.stdout.strip() == f"[{block}, {block}, {block}]"
