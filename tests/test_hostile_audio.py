"""Recordings that are not takes, given to `callback grade`: cut short, at 1 Hz, a device, far too long, or
without a word of speech. Each is refused in one line and nothing is stored; stereo whose channels cancel is
graded on one channel, and said."""

from __future__ import annotations

import sqlite3
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile

from assistant.audio.pcm import read_wav
from cli_helpers import callback, one_error, two_hander


def spoken(folder: Path) -> Path:
    take = folder / "take.wav"
    subprocess.run(["espeak-ng", "-w", str(take), "I kept the light on for you."], check=True, timeout=60)
    return take


def nothing_kept(home: Path) -> bool:
    if not (home / "callback.db").exists():
        return True
    return sqlite3.connect(home / "callback.db").execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def grade(home: Path, take, script: Path, *more: str):
    return callback(home, "grade", str(take), "--script", str(script), "--role", "MAYA", "--engine",
                    "pocketsphinx", *more)


def test_a_wav_cut_short_is_damaged(tmp_path):
    whole = spoken(tmp_path).read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) // 3])
    home = tmp_path / "home"
    error = one_error(grade(home, cut, two_hander(tmp_path)))
    assert str(cut) in error and "damaged" in error and "cut short" in error
    assert nothing_kept(home)


def test_a_wav_with_no_length_in_its_header_is_still_read(tmp_path):
    """A stream's writer leaves the data size 0 or 0xFFFFFFFF: that is no damage."""
    take = spoken(tmp_path)
    data = bytearray(take.read_bytes())
    at = data.index(b"data")
    data[at + 4: at + 8] = b"\xff\xff\xff\xff"
    take.write_bytes(bytes(data))
    assert read_wav(take).duration > 1.0


def test_an_absurd_sample_rate_is_refused(tmp_path):
    take = tmp_path / "one-hertz.wav"
    with wave.open(str(take), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(1)
        out.writeframes((np.random.default_rng(0).integers(-9000, 9000, 200)).astype("<i2").tobytes())
    home = tmp_path / "home"
    error = one_error(grade(home, take, two_hander(tmp_path)))
    assert "1 Hz" in error and "8000 Hz" in error
    assert nothing_kept(home)


def test_a_device_given_as_the_take_is_refused(tmp_path):
    error = one_error(grade(tmp_path / "home", "/dev/zero", two_hander(tmp_path)))
    assert "/dev/zero" in error and "character device" in error


def test_a_recording_far_longer_than_a_self_tape_is_refused_before_reading(tmp_path):
    take = tmp_path / "long.wav"
    with wave.open(str(take), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    frames = 8000 * 60 * 45  # 45 minutes, most of it a sparse file of zeros
    data = bytearray(take.read_bytes())
    at = data.index(b"data")
    data[at + 4: at + 8] = (frames * 2).to_bytes(4, "little")
    data[4:8] = (len(data) - 8 + frames * 2 - 16000).to_bytes(4, "little")
    take.write_bytes(bytes(data))
    with open(take, "r+b") as file:
        file.truncate(at + 8 + frames * 2)
    error = one_error(grade(tmp_path / "home", take, two_hander(tmp_path)))
    assert "45 minutes" in error and "30 minutes" in error


def test_a_tape_with_no_speech_is_refused_and_nothing_is_stored(tmp_path):
    tape = tmp_path / "tape.wav"
    hiss = np.random.default_rng(1).normal(0, 0.003, 16000 * 20).astype(np.float32)  # a quiet room, 20 s
    soundfile.write(tape, hiss, 16000)
    home = tmp_path / "home"
    error = one_error(grade(home, tape, two_hander(tmp_path), "--save-takes"))
    assert error == f"callback: no speech found in {tape}; nothing was graded or kept (is it the right recording, " \
                    "and was the microphone on?)"
    assert nothing_kept(home)
    assert not (home / "takes").exists()


def test_stereo_whose_channels_cancel_is_read_as_one_channel(tmp_path):
    take = spoken(tmp_path)
    mono, rate = soundfile.read(take, dtype="float32")
    inverted = tmp_path / "inverted.wav"
    soundfile.write(inverted, np.stack([mono, -mono], axis=1), rate, subtype="PCM_16")
    notices = []
    audio = read_wav(inverted, notices.append)
    assert np.array_equal(audio.samples, read_wav(take).samples)
    assert len(notices) == 1 and "phase-inverted" in notices[0]
    # Ordinary stereo (the same voice a little louder on the left) is mixed down as always, with no notice.
    soundfile.write(tmp_path / "stereo.wav", np.stack([mono, 0.7 * mono], axis=1), rate, subtype="PCM_16")
    assert read_wav(tmp_path / "stereo.wav", notices.append).samples.any() and len(notices) == 1


@pytest.mark.slow
def test_stereo_whose_channels_cancel_is_graded_as_its_channel_is(tmp_path):
    take = spoken(tmp_path)
    mono, rate = soundfile.read(take, dtype="float32")
    inverted = tmp_path / "inverted.wav"
    soundfile.write(inverted, np.stack([mono, -mono], axis=1), rate, subtype="PCM_16")
    script = two_hander(tmp_path)
    as_mono = grade(tmp_path / "one", take, script, "--line", "1", "--no-history")
    as_stereo = grade(tmp_path / "two", inverted, script, "--line", "1", "--no-history")
    assert as_stereo.returncode == 0, as_stereo.stderr
    assert as_stereo.stdout == as_mono.stdout and "(nothing)" not in as_stereo.stdout
    assert "phase-inverted" in as_stereo.stderr
