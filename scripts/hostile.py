#!/usr/bin/env python3
"""Use callback as a hostile but ordinary user would, and print what each case did.

    .venv/bin/python scripts/hostile.py            # every case (about three minutes on two cores)
    .venv/bin/python scripts/hostile.py --quick    # only the cases that load no speech engine
    .venv/bin/python scripts/hostile.py -k events  # only cases whose name holds "events"

Bad files, bad options, kills, full disks and damaged models, each against the real CLI in a fresh
CALLBACK_HOME of its own. A case passes when callback does the right thing: refuses in one `callback:` line
with a non-zero exit, loses nothing already kept, never hangs (every child has a timeout and a 4 GB memory
ceiling), never prints a traceback. A full disk is a file whose path leads to /dev/full, or a file size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored so the write fails as on a full disk); a read-only folder is a read-only
bind mount for root, chmod for anyone else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SCENE = REPO / "assistant" / "data" / "demo_scene.txt"
TWO_HANDER = "MAYA: I kept the light on for you.\nTHEO: Someone has to.\nMAYA: We lost the man in room nine.\n"
VIRTUAL = ["--actor", "virtual", "--fast", "--engine", "pocketsphinx"]
MEMORY = 4 << 30


@dataclass
class Outcome:
    code: int | None
    said: str
    passed: bool


@dataclass
class Case:
    name: str
    run: Callable[[Path], Outcome]
    engine: bool  # loads a speech engine (seconds), left out by --quick


CASES: list[Case] = []


def case(name: str, engine: bool = False):
    def register(function):
        CASES.append(Case(name, function, engine))
        return function
    return register


# -- running callback ---------------------------------------------------------------------------------------


def limits(file_size: int | None = None):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def callback(home: Path, *arguments, env=None, timeout=60, prefix=(), file_size=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(home.parent / "config"),
                   "XDG_CACHE_HOME": str(home.parent / "cache"), **(env or {})}
    command = [*prefix, sys.executable, "-m", "assistant", *map(str, arguments)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment,
                              preexec_fn=limits(file_size))
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, None, "", f"(still running after {timeout} s: a hang)")


def said(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("callback: ")
             and "PocketSphinx" not in line and "no speaker found" not in line]
    if "Traceback" in result.stderr:
        return "TRACEBACK: " + result.stderr.strip().splitlines()[-1]
    if lines:
        return lines[-1]
    if result.stderr.strip():
        return result.stderr.strip().splitlines()[-1]
    out = result.stdout.strip().splitlines()
    return out[-1] if out else "(nothing)"


def refused(result, *words: str) -> Outcome:
    """Refused cleanly: non-zero, one `callback:` line holding every word, no traceback."""
    errors = [line for line in result.stderr.strip().splitlines() if line]
    ok = (result.returncode not in (0, None) and "Traceback" not in result.stderr and len(errors) == 1
          and errors[0].startswith("callback: ") and all(word in errors[0] for word in words))
    return Outcome(result.returncode, said(result), ok)


def kept(home: Path, query: str):
    path = home / "callback.db"
    if not path.exists():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def two_hander(folder: Path) -> Path:
    script = folder / "scene.txt"
    script.write_text(TWO_HANDER)
    return script


def spoken(folder: Path, text: str = "I kept the light on for you.") -> Path:
    take = folder / "take.wav"
    subprocess.run(["espeak-ng", "-w", str(take), text], check=True, timeout=60, capture_output=True)
    return take


def practised(folder: Path) -> tuple[Path, Path]:
    """A home with one attempt kept at MAYA's first line of the two-hander."""
    sys.path.insert(0, str(REPO))
    from assistant.events import EventStream, Outcome as Ended, SessionEnd, SessionStart, Verdict
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder, ScriptIdentity

    home, script = folder / "home", two_hander(folder)
    stream = EventStream()
    stream.subscribe(HistoryRecorder(Store(home / "callback.db"), ScriptIdentity.of_file(script)))
    stream.emit(SessionStart("run", script=str(script), role="MAYA"))
    stream.emit(Verdict(line=1, result="ok", hearing="whisper", expected="I kept the light on for you.",
                        heard="i kept the light on for you", score=1.0))
    stream.emit(SessionEnd("run", Ended.FINISHED))
    stream.close()
    return home, script


def signalled(home: Path, arguments: list, log: Path, ready, number: int, timeout: float = 240):
    environment = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(home.parent / "config")}
    process = subprocess.Popen([sys.executable, "-m", "assistant", *map(str, arguments), "--events", str(log)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                               preexec_fn=limits())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and ready([json.loads(line) for line in log.read_text().splitlines() if line.strip()]):
            break
        time.sleep(0.05)
    process.send_signal(number)
    out, err = process.communicate(timeout=120)
    events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    return subprocess.CompletedProcess(arguments, process.returncode, out, err), events


def read_only_prefix(folder: Path) -> list[str] | None:
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    prefix = ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
              str(folder)]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def whisper_copy(folder: Path, damage: str) -> Path:
    """The packaged tiny.en, with a manifest of the true files, and model.bin cut short or one byte changed."""
    sys.path.insert(0, str(REPO))
    from assistant.speech.whisper_models import MANIFEST, package_model

    wheel = package_model().path
    folder.mkdir(parents=True)
    files = {}
    for source in wheel.iterdir():
        data = source.read_bytes()
        files[source.name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if source.name == "model.bin":
            data = data[: len(data) // 2] if damage == "truncated" else data[:1000] + b"\0" + data[1001:]
        (folder / source.name).write_bytes(data)
    (folder / MANIFEST).write_text(json.dumps({"files": files}))
    return folder


def wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


# -- data lost ----------------------------------------------------------------------------------------------


@case("report -o onto the history database")
def _(tmp):
    home, script = practised(tmp)
    before = (home / "callback.db").read_bytes()
    result = callback(home, "report", script, "--role", "MAYA", "-o", home / "callback.db")
    outcome = refused(result, "practice history")
    outcome.passed &= (home / "callback.db").read_bytes() == before
    return outcome


@case("report -o onto the script")
def _(tmp):
    home, script = practised(tmp)
    result = callback(home, "report", script, "--role", "MAYA", "-o", script)
    outcome = refused(result, "the script")
    outcome.passed &= script.read_text() == TWO_HANDER
    return outcome


@case("report -o onto notes.txt")
def _(tmp):
    home, script = practised(tmp)
    (tmp / "notes.txt").write_text("mine\n")
    outcome = refused(callback(home, "report", script, "--role", "MAYA", "-o", tmp / "notes.txt"), "not a callback report")
    outcome.passed &= (tmp / "notes.txt").read_text() == "mine\n"
    return outcome


@case("report -o over its own earlier report")
def _(tmp):
    home, script = practised(tmp)
    callback(home, "report", script, "--role", "MAYA", "-o", tmp / "r.html")
    result = callback(home, "report", script, "--role", "MAYA", "-o", tmp / "r.html")
    return Outcome(result.returncode, said(result), result.returncode == 0)


@case("report -o on a full disk keeps the earlier report")
def _(tmp):
    home, script = practised(tmp)
    callback(home, "report", script, "--role", "MAYA", "-o", tmp / "r.html")
    before = (tmp / "r.html").read_bytes()
    # Room for SQLite's 32 KB -shm file, not for the page (about 50 KB here).
    result = callback(home, "report", script, "--role", "MAYA", "-o", tmp / "r.html", file_size=40_000)
    outcome = refused(result, "cannot write")
    outcome.passed &= (tmp / "r.html").read_bytes() == before
    return outcome


@case("takes path is a file, --save-takes")
def _(tmp):
    home = tmp / "home"
    home.mkdir()
    (home / "takes").write_text("x\n")
    result = callback(home, "run", two_hander(tmp), "--role", "MAYA", *VIRTUAL, "--save-takes")
    return refused(result, "not a folder")


@case("a take that cannot be written (/dev/full)", engine=True)
def _(tmp):
    home = tmp / "home"
    (home / "takes" / "session-1").mkdir(parents=True)
    (home / "takes" / "session-1" / "line-001-1.flac").symlink_to("/dev/full")
    result = callback(home, "grade", spoken(tmp), "--script", two_hander(tmp), "--role", "MAYA", "--line", "1",
                      "--save-takes", "--engine", "pocketsphinx")
    ok = (result.returncode == 0 and "not kept" in result.stderr
          and kept(home, "SELECT take_path FROM attempts") == [(None,)]
          and kept(home, "SELECT outcome FROM sessions") == [("finished",)])
    return Outcome(result.returncode, said(result), ok)


def _killed_run(tmp, number):
    home = tmp / "home"
    result, events = signalled(home, ["run", SCENE, "--role", "MAYA", *VIRTUAL], tmp / "run.jsonl",
                               lambda events: any(e["type"] == "verdict" for e in events), number)
    ok = (result.returncode == 128 + number and events and events[-1].get("outcome") == "interrupted"
          and kept(home, "SELECT outcome FROM sessions") == [("interrupted",)] and "right first time" in result.stdout
          and "Traceback" not in result.stderr)
    return Outcome(result.returncode, said(result), ok)


@case("SIGTERM mid-run", engine=True)
def _(tmp):
    return _killed_run(tmp, signal.SIGTERM)


@case("SIGHUP mid-run", engine=True)
def _(tmp):
    return _killed_run(tmp, signal.SIGHUP)


@case("SIGTERM mid-checklist, then --last", engine=True)
def _(tmp):
    home = tmp / "home"
    result, events = signalled(
        home, ["checklist", *VIRTUAL, "--answers", "yes,nope,not yet", "--timeout", "60"], tmp / "c.jsonl",
        lambda events: sum(e["type"] == "prompt_start" and e.get("kind") == "question" for e in events) >= 3,
        signal.SIGTERM)
    last = callback(home, "checklist", "--last")
    ok = result.returncode == 143 and last.returncode == 0 and "(interrupted)" in last.stdout
    return Outcome(result.returncode, said(result) + " / --last: " + last.stdout.splitlines()[0], ok)


@case("SIGTERM mid-drill", engine=True)
def _(tmp):
    home = tmp / "home"
    result, events = signalled(home, ["drill", two_hander(tmp), "--role", "MAYA", *VIRTUAL, "--rounds", "6"],
                               tmp / "d.jsonl", lambda events: any(e["type"] == "redirection" for e in events),
                               signal.SIGTERM)
    ok = result.returncode == 143 and kept(home, "SELECT outcome FROM sessions") == [("interrupted",)]
    return Outcome(result.returncode, said(result), ok)


# -- hangs and runaway memory -------------------------------------------------------------------------------


@case("--events /dev/full")
def _(tmp):
    return refused(callback(tmp / "home", "checklist", *VIRTUAL, "--answers", "yes", "--events", "/dev/full"),
                   "not a file")


@case("--events /dev/zero")
def _(tmp):
    return refused(callback(tmp / "home", "run", two_hander(tmp), "--role", "MAYA", *VIRTUAL, "--events",
                            "/dev/zero"), "not a file")


@case("--events onto a FIFO")
def _(tmp):
    os.mkfifo(tmp / "pipe")
    return refused(callback(tmp / "home", "checklist", *VIRTUAL, "--answers", "yes", "--events", tmp / "pipe"),
                   "FIFO")


@case("--events: an earlier log is appended to", engine=True)
def _(tmp):
    home = tmp / "home"
    log = tmp / "g.jsonl"
    for _ in range(2):
        result = callback(home, "ground", "--actor", "virtual", "--fast", "--minutes", "0.1", "--stop-after", "0",
                          "--engine", "pocketsphinx", "--events", log, timeout=120)
    starts = log.read_text().count('"session_start"') if log.exists() else 0
    return Outcome(result.returncode, f"{starts} sessions in one log", result.returncode == 0 and starts == 2)


@case("roles /dev/zero")
def _(tmp):
    return refused(callback(tmp / "home", "roles", "/dev/zero"), "character device")


@case("show a FIFO")
def _(tmp):
    os.mkfifo(tmp / "sides.txt")
    return refused(callback(tmp / "home", "show", tmp / "sides.txt"), "FIFO")


@case("roles of a 300 MB script")
def _(tmp):
    with open(tmp / "huge.txt", "wb") as file:
        file.truncate(300 << 20)
    return refused(callback(tmp / "home", "roles", tmp / "huge.txt"), "20 MB")


# -- tracebacks ---------------------------------------------------------------------------------------------


def _notes(tmp, content, *command):
    (tmp / "notes.toml").write_text(content)
    arguments = [two_hander(tmp) if a == "SCRIPT" else a for a in command]
    return callback(tmp / "home", *arguments, env={"CALLBACK_REDIRECTIONS": str(tmp / "notes.toml")})


@case("redirection = 5 (drill)")
def _(tmp):
    return refused(_notes(tmp, "redirection = 5\n", "drill", "SCRIPT", "--role", "MAYA", *VIRTUAL), "notes.toml")


@case("[redirection] single brackets (run --redirect-rate)")
def _(tmp):
    return refused(_notes(tmp, '[redirection]\nkind = "pace"\nsay = ["Faster."]\n', "run", "SCRIPT", "--role",
                          "MAYA", *VIRTUAL, "--redirect-rate", "0.5"), "use [[redirection]]")


@case("redirection without say (checklist --script)")
def _(tmp):
    return refused(_notes(tmp, '[[redirection]]\nkind = "pace"\n', "checklist", "--script", "SCRIPT", "--role",
                          "MAYA", *VIRTUAL, "--answers", "yes"), '"say"')


@case("checklist.json of the wrong shape")
def _(tmp):
    (tmp / "c.json").write_text('{"items": {"question": "Ready?"}}')
    return refused(callback(tmp / "home", "checklist", *VIRTUAL, "--answers", "yes",
                            env={"CALLBACK_CHECKLIST": str(tmp / "c.json")}), "must be a list")


# -- wrong results recorded ---------------------------------------------------------------------------------


@case("another program's SQLite file as the history")
def _(tmp):
    home = tmp / "home"
    home.mkdir()
    connection = sqlite3.connect(home / "callback.db")
    connection.executescript("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
    connection.close()
    before = (home / "callback.db").read_bytes()
    outcome = refused(callback(home, "checklist", *VIRTUAL, "--answers", "yes"), "another program")
    outcome.passed &= (home / "callback.db").read_bytes() == before and len(list(home.iterdir())) == 1
    return outcome


@case("read-only history folder")
def _(tmp):
    home = tmp / "home"
    home.mkdir()
    prefix = read_only_prefix(home)
    if prefix is None:
        return Outcome(None, "skipped: cannot make a folder read-only here", True)
    return refused(callback(home, "checklist", *VIRTUAL, "--answers", "yes", prefix=prefix), "read-only")


@case("stats with CALLBACK_HOME under a regular file")
def _(tmp):
    (tmp / "a-file").write_text("x")
    return refused(callback(tmp / "a-file" / "home", "stats"), "is a file, not a folder")


@case("model list with a garbage Vosk folder")
def _(tmp):
    garbage = tmp / "garbage"
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLG.fst"):
        (garbage / name).parent.mkdir(parents=True, exist_ok=True)
        (garbage / name).write_bytes(b"garbage " * 64)
    result = callback(tmp / "home", "model", "list", env={"VOSK_MODEL_PATH": str(garbage)})
    line = next((line for line in result.stdout.splitlines() if str(garbage) in line and "[" in line), "")
    return Outcome(result.returncode, line.strip(), "damaged" in line and "complete" not in line)


@case("model check with a damaged Whisper model", engine=True)
def _(tmp):
    model = whisper_copy(tmp / "whisper-mine", "one byte changed")
    result = callback(tmp / "home", "model", "check", "--engine", "pocketsphinx",
                      env={"CALLBACK_WHISPER_MODEL": str(model)})
    errors = [line for line in result.stderr.splitlines() if "PocketSphinx" not in line]
    ok = result.returncode not in (0, None) and len(errors) == 1 and "does not match" in errors[0]
    return Outcome(result.returncode, said(result), ok)


@case("grade with a damaged Whisper model", engine=True)
def _(tmp):
    model = whisper_copy(tmp / "whisper-mine", "one byte changed")
    home = tmp / "home"
    result = callback(home, "grade", spoken(tmp), "--script", two_hander(tmp), "--role", "MAYA",
                      env={"CALLBACK_WHISPER_MODEL": str(model)})
    ok = result.returncode not in (0, None) and "damaged" in said(result) and kept(home, "SELECT * FROM sessions") == []
    return Outcome(result.returncode, said(result), ok)


@case("grade phase-inverted stereo", engine=True)
def _(tmp):
    take = spoken(tmp)
    with wave.open(str(take)) as source:
        mono = np.frombuffer(source.readframes(source.getnframes()), "<i2").astype(np.int32)
        rate = source.getframerate()
    stereo = wav(tmp / "inverted.wav", np.stack([mono, -mono], axis=1).clip(-32768, 32767), rate, channels=2)
    result = callback(tmp / "home", "grade", stereo, "--script", two_hander(tmp), "--role", "MAYA", "--line", "1",
                      "--engine", "pocketsphinx")
    ok = result.returncode == 0 and "phase-inverted" in result.stderr and "(nothing)" not in result.stdout
    return Outcome(result.returncode, said(result), ok)


@case("grade a WAV cut short")
def _(tmp):
    data = spoken(tmp).read_bytes()
    (tmp / "cut.wav").write_bytes(data[: len(data) // 3])
    home = tmp / "home"
    outcome = refused(callback(home, "grade", tmp / "cut.wav", "--script", two_hander(tmp), "--role", "MAYA"),
                      "damaged")
    outcome.passed &= not (home / "callback.db").exists()
    return outcome


@case("grade a 1 Hz WAV")
def _(tmp):
    take = wav(tmp / "slow.wav", np.arange(200) * 100, 1)
    return refused(callback(tmp / "home", "grade", take, "--script", two_hander(tmp), "--role", "MAYA"), "8000 Hz")


@case("grade a silent whole tape")
def _(tmp):
    take = wav(tmp / "silence.wav", np.zeros(16000 * 30), 16000)
    home = tmp / "home"
    outcome = refused(callback(home, "grade", take, "--script", two_hander(tmp), "--role", "MAYA"), "no speech found")
    outcome.passed &= kept(home, "SELECT * FROM sessions") == []
    return outcome


# -- options ------------------------------------------------------------------------------------------------


def _option(tmp, *arguments, word):
    arguments = [two_hander(tmp) if a == "SCRIPT" else a for a in arguments]
    return refused(callback(tmp / "home", *arguments), word)


for _name, _arguments, _word in [
    ("--from 0", ["run", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--from", "0"], "--from"),
    ("--timeout nan", ["run", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--timeout", "nan"], "--timeout"),
    ("--redirect-rate nan", ["run", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--redirect-rate", "nan"], "--redirect-rate"),
    ("--actor-mistakes nan", ["run", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--actor-mistakes", "nan"],
     "--actor-mistakes"),
    ("--actor-noise nan", ["run", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--actor-noise", "nan"], "--actor-noise"),
    ("ground --minutes nan", ["ground", *VIRTUAL, "--minutes", "nan"], "--minutes"),
    ("--timeout inf (drill)", ["drill", "SCRIPT", "--role", "MAYA", *VIRTUAL, "--timeout", "inf"], "--timeout"),
    ("--strict --lenient", ["grade", "t.wav", "--script", "SCRIPT", "--role", "MAYA", "--strict", "--lenient"],
     "cannot be used together"),
]:
    case(_name)(lambda tmp, arguments=_arguments, word=_word: _option(tmp, *arguments, word=word))


# -- further cases, in the same spirit ----------------------------------------------------------------------


@case("a FIFO where the history goes")
def _(tmp):
    (tmp / "home").mkdir()
    os.mkfifo(tmp / "home" / "callback.db")
    return refused(callback(tmp / "home", "stats"), "FIFO")


@case("checklist.json nested 100 000 deep")
def _(tmp):
    (tmp / "c.json").write_text('{"items": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return refused(callback(tmp / "home", "checklist", *VIRTUAL, "--answers", "yes",
                            env={"CALLBACK_CHECKLIST": str(tmp / "c.json")}), "nested too deeply")


@case("redirections.toml nested 100 000 deep")
def _(tmp):
    return refused(_notes(tmp, "redirection = " + "[" * 100_000 + "]" * 100_000, "drill", "SCRIPT", "--role",
                          "MAYA", *VIRTUAL), "nested too deeply")


@case("a script name with a newline in it")
def _(tmp):
    return refused(callback(tmp / "home", "roles", tmp / "no\nsuch.txt"), "\\n")


@case("stdout closed after one line (| head -1)", engine=True)
def _(tmp):
    home = tmp / "home"
    environment = {**os.environ, "CALLBACK_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-m", "assistant", "run", SCENE, "--role", "MAYA", *VIRTUAL],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=240)
    ok = "Traceback" not in err and kept(home, "SELECT outcome FROM sessions") == [("finished",)]
    return Outcome(process.returncode, f"session kept: {kept(home, 'SELECT outcome FROM sessions')}", ok)


@case("--events log fills the disk mid-grade", engine=True)
def _(tmp):
    log = tmp / "big.jsonl"  # an earlier log, nearly as big as the disk allows
    log.write_text((json.dumps({"t": 0.0, "type": "session_start", "kind": "ground"}) + "\n") * 2000)
    home = tmp / "home"
    result = callback(home, "grade", spoken(tmp), "--script", two_hander(tmp), "--role", "MAYA", "--engine",
                      "pocketsphinx", "--events", log, file_size=log.stat().st_size + 300)
    ok = (result.returncode == 0 and "goes on without it" in result.stderr
          and kept(home, "SELECT outcome FROM sessions") == [("finished",)])
    return Outcome(result.returncode, said(result), ok)


@case("an FDX with a billion-laughs entity")
def _(tmp):
    entities = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    (tmp / "bomb.fdx").write_text(f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><FinalDraft><Content>'
                                  '<Paragraph Type="Character"><Text>MAYA</Text></Paragraph><Paragraph '
                                  'Type="Dialogue"><Text>&l9;</Text></Paragraph></Content></FinalDraft>')
    return refused(callback(tmp / "home", "roles", tmp / "bomb.fdx"), "document type")


@case("a script that is a symlink loop")
def _(tmp):
    (tmp / "a.txt").symlink_to(tmp / "b.txt")
    (tmp / "b.txt").symlink_to(tmp / "a.txt")
    return refused(callback(tmp / "home", "roles", tmp / "a.txt"), "symbolic links")


@case("grade /dev/zero as the take")
def _(tmp):
    return refused(callback(tmp / "home", "grade", "/dev/zero", "--script", two_hander(tmp), "--role", "MAYA"),
                   "character device")


@case("grade a 45-minute WAV")
def _(tmp):
    take = wav(tmp / "long.wav", np.zeros(8000), 8000)
    data = bytearray(take.read_bytes())
    at = data.index(b"data")
    frames = 8000 * 60 * 45
    data[at + 4: at + 8] = (frames * 2).to_bytes(4, "little")
    take.write_bytes(bytes(data))
    with open(take, "r+b") as file:
        file.truncate(at + 8 + frames * 2)
    return refused(callback(tmp / "home", "grade", take, "--script", two_hander(tmp), "--role", "MAYA"), "30 minutes")


@case("checklist --last with nothing kept creates nothing")
def _(tmp):
    outcome = refused(callback(tmp / "home", "checklist", "--last"), "no checklist saved yet")
    outcome.passed &= not (tmp / "home").exists()
    return outcome


@case("--scene 0, --to 0, takes --line 0")
def _(tmp):
    script = two_hander(tmp)
    results = [callback(tmp / "home", "run", script, "--role", "MAYA", *VIRTUAL, "--scene", "0"),
               callback(tmp / "home", "run", script, "--role", "MAYA", *VIRTUAL, "--to", "0"),
               callback(tmp / "home", "takes", script, "--role", "MAYA", "--line", "0")]
    outcomes = [refused(result, "range") for result in results]
    return Outcome(results[-1].returncode, outcomes[-1].said, all(o.passed for o in outcomes))


@case("--rate 0")
def _(tmp):
    return refused(callback(tmp / "home", "run", two_hander(tmp), "--role", "MAYA", *VIRTUAL, "--rate", "0"),
                   "speech rate")


# -- the table ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out the cases that load a speech engine")
    parser.add_argument("-k", dest="only", default=None, help="only cases whose name holds this text")
    chosen = parser.parse_args()
    cases = [c for c in CASES if not (chosen.quick and c.engine) and (chosen.only is None or chosen.only in c.name)]
    rows = []
    for one in cases:
        with tempfile.TemporaryDirectory(prefix="callback-hostile-") as folder:
            Path(folder).chmod(0o755)
            started = time.monotonic()
            try:
                outcome = one.run(Path(folder))
            except Exception as exc:  # the case itself broke: shown as a failure, the rest still run
                outcome = Outcome(None, f"case error: {type(exc).__name__}: {exc}", False)
            rows.append((one.name, outcome, time.monotonic() - started))
            print(f"{'pass' if outcome.passed else 'FAIL'}  {one.name}", file=sys.stderr, flush=True)
    width = max(len(name) for name, _, _ in rows)
    print(f"{'case':<{width}}  exit  {'seconds':>7}  result  outcome")
    for name, outcome, seconds in rows:
        code = "-" if outcome.code is None else str(outcome.code)
        text = outcome.said.replace("\n", " ")
        text = text if len(text) <= 110 else text[:109] + "…"
        print(f"{name:<{width}}  {code:>4}  {seconds:7.1f}  {'pass' if outcome.passed else 'FAIL':<6}  {text}")
    failed = sum(not outcome.passed for _, outcome, _ in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} cases behaved.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
