"""`callback takes`: the takes kept in a real practice history, listed through the CLI and played back."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile

from assistant.audio.buffers import BufferSpeaker
from assistant.audio.pcm import Audio
from assistant.commands.takes import kept_takes, play_takes
from assistant.events import EventStream, SessionEnd, SessionStart, Verdict
from assistant.history.database import Store
from assistant.history.recorder import HistoryRecorder, ScriptIdentity

SCRIPT = """\
THEO: You look exhausted.
MAYA: I haven't slept since Tuesday.
THEO: Somebody had to.
MAYA: You kept the light on for me.
"""
LINES = {1: "I haven't slept since Tuesday.", 2: "You kept the light on for me."}


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CALLBACK_HOME", str(home))
    return home


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "kitchen.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def take_audio(seed: int, seconds: float = 0.4) -> Audio:
    """A distinct stand-in for a recorded line: noise no two takes share."""
    samples = np.random.default_rng(seed).integers(-8000, 8000, int(seconds * 16000), dtype=np.int16)
    return Audio(samples, 16000)


def keep_session(script, attempts, keep_takes: bool = True) -> None:
    """One grading session written through the recorder as `callback grade` writes it: (line, heard, audio)."""
    recorder = HistoryRecorder(Store(), ScriptIdentity.of_file(script), keep_takes=keep_takes)
    stream = EventStream()
    stream.subscribe(recorder)
    stream.emit(SessionStart(kind="grade", script=str(script), role="MAYA", history=str(recorder.store.path)))
    for line, heard, audio in attempts:
        right = heard == LINES[line]
        stream.emit(Verdict(line=line, result="ok" if right else "missed", hearing="whisper", expected=LINES[line],
                            heard=heard, score=1.0 if right else 0.5, audio=audio))
    stream.emit(SessionEnd(kind="grade"))
    stream.close()


@pytest.fixture
def kept(home, script):
    """Two sessions with takes kept (the older one missed line 1), and one that kept no audio."""
    audios = [take_audio(1), take_audio(2), take_audio(3)]
    keep_session(script, [(1, "I haven't slept.", audios[0]), (2, LINES[2], audios[1])])
    keep_session(script, [(1, LINES[1], audios[2])])
    keep_session(script, [(2, "You kept the light.", take_audio(4))], keep_takes=False)
    return audios


def takes(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "takes", *arguments],
                          capture_output=True, text=True, timeout=60)


def test_the_kept_takes_are_listed_oldest_first_with_what_was_heard(kept, script):
    result = takes(str(script), "--role", "maya")
    assert result.returncode == 0, result.stderr
    records = [a for a in Store().attempts("MAYA") if a.take_path]
    assert len(records) == 3  # the session that kept no audio has no take to list
    out = result.stdout
    positions = [out.index(record.take_path) for record in records]
    assert positions == sorted(positions)  # the newest session last
    assert "You kept the light." not in out
    first = out.splitlines()[0]
    when = datetime.fromisoformat(records[0].at).astimezone().strftime("%Y-%m-%d %H:%M")
    assert first.startswith("line 1") and when in first and "missed" in first and "I haven't slept." in first
    assert out.count("line 1 ") == 2 and out.count("line 2 ") == 1


def test_line_narrows_the_list_to_one_line(kept, script):
    result = takes(str(script), "--role", "MAYA", "--line", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(".flac") == 1 and "line-002" in result.stdout and "line-001" not in result.stdout


def test_a_take_gone_from_disk_is_said_and_the_rest_still_listed(kept, script):
    first, *others = [a.take_path for a in Store().attempts("MAYA") if a.take_path]
    Path(first).unlink()
    result = takes(str(script), "--role", "MAYA")
    assert result.returncode == 0, result.stderr
    assert f"missing from disk: {first}" in result.stdout
    assert all(path in result.stdout for path in others)


def test_no_takes_says_how_to_keep_them(home, script):
    result = takes(str(script), "--role", "MAYA")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 and "--save-takes" in result.stdout
    assert not home.exists()  # looking did not create a history


def test_takes_of_another_script_are_not_listed(kept, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(SCRIPT + "MAYA: One more line.\n", encoding="utf-8")
    result = takes(str(other), "--role", "MAYA")
    assert result.returncode == 0 and ".flac" not in result.stdout and "--save-takes" in result.stdout


def test_play_without_a_speaker_is_one_line_before_anything_plays(kept, script):
    from assistant.audio.devices import list_devices
    from assistant.errors import CallbackError

    try:
        if any(device.outputs for device in list_devices()):
            pytest.skip("this machine has a speaker")
    except CallbackError:
        pass  # no PortAudio at all: as device-less as it gets
    result = takes(str(script), "--role", "MAYA", "--play")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "speaker" in lines[0] and "--play" in lines[0], result.stderr
    assert result.stdout == ""  # no take was announced, so none was half played


def test_playback_plays_each_take_exactly_as_kept(kept, script):
    records = kept_takes(str(script), "MAYA")
    speaker = BufferSpeaker(rate=16000)
    said: list[str] = []
    assert play_takes(records, speaker, say=said.append, gap_seconds=0) == 3
    on_disk = [soundfile.read(record.take_path, dtype="int16")[0] for record in records]
    assert np.array_equal(speaker.track.samples, np.concatenate(on_disk))
    # FLAC is lossless: what plays back is what was recorded, in the order it was recorded.
    assert np.array_equal(speaker.track.samples, np.concatenate([a.samples for a in kept]))
    assert len(said) == 3 and all(s.startswith("line ") for s in said)


def test_playback_skips_a_missing_take_and_plays_the_rest(kept, script):
    records = kept_takes(str(script), "MAYA")
    missing = records[1].take_path
    Path(missing).unlink()
    speaker = BufferSpeaker(rate=16000)
    said: list[str] = []
    assert play_takes(records, speaker, say=said.append, gap_seconds=0) == 2
    assert sum(missing in s for s in said) == 1
    assert np.array_equal(speaker.track.samples, np.concatenate([kept[0].samples, kept[2].samples]))
