"""Where the audio of each attempt goes with --save-takes (`takes/` beside the history file), checked before a
session and written so that a failure costs the take only, never the judged attempt it belongs to."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from assistant.errors import HistoryError

#: Below this much free space a write that failed for no stated reason failed because the disk is full.
NEARLY_FULL_BYTES = 4 << 20


def check_takes_folder(folder: Path) -> None:
    """Make the takes folder now, before the first cue, or say in one line why it cannot be: a file where the
    folder should be, or a folder that cannot be written. Found mid-session, line 1 was judged and its take
    lost."""
    if folder.exists() and not folder.is_dir():
        raise HistoryError(f"cannot keep takes in {folder}: it is a file, not a folder "
                           "(move it aside, or leave out --save-takes)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HistoryError(f"cannot keep takes in {folder}: {exc.strerror or exc} (leave out --save-takes)") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise HistoryError(f"cannot keep takes in {folder}: the folder is read-only (leave out --save-takes)")


def write_take(path: Path, audio) -> str | None:
    """Write one take as FLAC; None when it was written, else why not, in a few words (and nothing half-written
    is left behind). Encoded in memory first (a take is seconds long) and written with Python's own file calls,
    so a full disk is said as the system says it ("No space left on device"), not as libsndfile's "System
    error" or "problem with initialization of the flac decoder"."""
    import soundfile

    encoded = io.BytesIO()
    try:
        soundfile.write(encoded, audio.samples, audio.rate, format="FLAC")
    except (RuntimeError, ValueError) as exc:
        return f"its audio could not be encoded: {_first_line(exc)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as file:
            file.write(encoded.getvalue())
        return None
    except OSError as exc:
        reason = exc.strerror or _first_line(exc)
    try:
        if path.is_symlink() or path.is_file():
            path.unlink()
    except OSError:
        pass
    if _nearly_full(path.parent):
        return "the disk is full"
    return reason


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
