"""Running the real `callback` command in a child process, in a data folder of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: A plain two-character scene, as small as a script gets.
TWO_HANDER = "MAYA: I kept the light on for you.\nTHEO: Someone has to.\nMAYA: We lost the man in room nine.\n"


def callback(home: Path | str, *arguments: str, timeout: float = 120, cwd=None, env: dict | None = None,
             **popen) -> subprocess.CompletedProcess:
    """`callback ARGUMENTS` with CALLBACK_HOME=home and no user config files; returns the finished process."""
    environment = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(Path(home).parent / "config"),
                   **(env or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=environment, **popen)


def one_error(result: subprocess.CompletedProcess) -> str:
    """The single `callback: ...` line of a refused command, after checking it failed cleanly."""
    assert result.returncode != 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("callback: "), result.stderr
    return lines[0]


def two_hander(folder: Path) -> Path:
    script = folder / "scene.txt"
    script.write_text(TWO_HANDER, encoding="utf-8")
    return script


def read_only_prefix(folder: Path) -> list[str] | None:
    """What to run a command under so that `folder` is read-only to it, or None when this machine cannot.

    As a user, chmod is enough. Root writes through any permission, so it gets a read-only bind mount of the
    folder in a mount namespace of the command's own (nothing outside the command sees it)."""
    if os.geteuid() != 0:
        Path(folder).chmod(0o555)
        return []
    prefix = ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
              str(folder)]
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if probe.returncode == 0 else None


def callback_under(prefix: list[str], home: Path, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CALLBACK_HOME": str(home), "XDG_CONFIG_HOME": str(Path(home).parent / "config")}
    return subprocess.run([*prefix, sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=timeout, env=environment)


def keep_one_attempt(home: Path, script: Path, result: str = "ok") -> None:
    """A history holding one judged attempt at MAYA's first line, written as a session writes it."""
    from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
    from assistant.history import Store
    from assistant.history.recorder import HistoryRecorder, ScriptIdentity

    stream = EventStream()
    stream.subscribe(HistoryRecorder(Store(Path(home) / "callback.db"), ScriptIdentity.of_file(script)))
    stream.emit(SessionStart("run", script=str(script), role="MAYA"))
    stream.emit(Verdict(line=1, result=result, hearing="whisper", expected="I kept the light on for you.",
                        heard="i kept the light on for you", score=1.0))
    stream.emit(SessionEnd("run", Outcome.FINISHED))
    stream.close()
