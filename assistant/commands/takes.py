"""`callback takes`: the takes kept of a role's lines (`callback grade --save-takes`), listed or played back.

An actor hears a take to learn what the verdict meant: the listing says what was heard and where the file is;
--play plays them in order, oldest first, so the last one heard is the latest.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

import click

from assistant.commands.options import load_role
from assistant.errors import CallbackError, DeviceError

#: Silence between two takes played back, so one take's last word is not heard as the next one's first.
GAP_SECONDS = 0.6


@click.command()
@click.argument("script", type=click.Path(path_type=str))  # existence is checked by load_script, in its words
@click.option("--role", required=True, help="The character whose takes to list.")
@click.option("--line", "line_number", type=click.IntRange(min=1), default=None, help="Only this line of the role (1-based).")
@click.option("--play", is_flag=True, help="Play the takes, oldest first, through the speaker.")
@click.option("--output-device", default=None, help="Speaker (index or name; see `callback devices`).")
def takes(script, role, line_number, play, output_device):
    """List (or --play) the takes kept of ROLE's lines in SCRIPT."""
    _, lines = load_role(script, role)
    role = lines[0].speaker  # as the history keeps it, whatever the case it was typed in
    if line_number is not None and not 1 <= line_number <= len(lines):
        raise CallbackError(f"{role} has {len(lines)} lines; --line must be between 1 and {len(lines)}")
    kept = kept_takes(script, role, line_number)
    if not kept:
        which = f"line {line_number} of {role}" if line_number is not None else f"{role}'s lines"
        click.echo(f"no takes kept of {which} in {script}; grade with --save-takes to keep them "
                   f"(callback grade TAKE.wav --script {script} --role {role} --save-takes)")
        return
    if play:
        play_takes(kept, open_speaker(output_device))
        return
    for take in kept:
        click.echo(heading(take))
        click.echo(f"    {take.take_path}" if Path(take.take_path).is_file() else f"    missing from disk: {take.take_path}")


def kept_takes(script_path: str, role: str, line_number: int | None = None) -> list:
    """The attempts at the role's lines that kept their audio, oldest first; this script's by its text or,
    if it was edited since, by its path."""
    from assistant.history.database import Store
    from assistant.history.recorder import ScriptIdentity

    store = Store().kept()
    if store is None:
        return []  # nothing was ever kept; reading must not create a history file
    script = ScriptIdentity.of_file(script_path)
    attempts = store.attempts(role, script_hash=script.content_hash, script_path=script.path)
    return [a for a in attempts
            if a.take_path and (line_number is None or a.line_number == line_number)]


def open_speaker(device):
    """The speaker, opened before anything plays: with none, a one-line error and nothing half played."""
    from assistant.audio.devices import HEADLESS_HINT, SoundDeviceSpeaker

    try:
        return SoundDeviceSpeaker(device)
    except DeviceError as exc:
        # The device layer's hint is about rehearsing; here the way out is to play the files some other way.
        reason = str(exc).removesuffix(f"; {HEADLESS_HINT}")
        raise DeviceError(f"{reason}; without --play, callback lists the take files to open in any player") from None


def play_takes(kept: Sequence, speaker, say: Callable[[str], None] = click.echo,
               gap_seconds: float = GAP_SECONDS) -> int:
    """Play each take in turn, naming it first; a take whose file is gone or unreadable is named and
    skipped. Returns how many were played."""
    played = 0
    for take in kept:
        say(heading(take))
        try:
            audio = read_take(take.take_path)
        except CallbackError as exc:
            say(f"    {exc}")
            continue
        if played:
            time.sleep(gap_seconds)
        speaker.play(audio)
        played += 1
    return played


def read_take(path: str | Path):
    """A kept take exactly as written: 16-bit samples at their own rate (the takes are FLAC, mono)."""
    import numpy as np
    import soundfile

    from assistant.audio.pcm import Audio

    path = Path(path)
    if not path.is_file():
        raise CallbackError(f"missing from disk: {path}")
    try:
        samples, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        reason = (str(exc).strip().splitlines() or ["damaged"])[0]
        raise CallbackError(f"cannot read {path} ({reason})") from None
    mono = samples[:, 0] if samples.shape[1] == 1 else samples.mean(axis=1).astype(np.int16)
    return Audio(np.ascontiguousarray(mono), int(rate))


def heading(take) -> str:
    heard = take.heard or "(nothing)"
    return f"line {take.line_number}  {local_time(take.at)}  {take.verdict:<6}  heard: {heard}"


def local_time(stamp: str) -> str:
    """A stored UTC timestamp as the actor's own clock shows it."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp  # an odd row should not hide the take


COMMANDS = [takes]
