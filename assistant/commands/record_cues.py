"""`callback record-cues`: a friend (or you) reads the other parts once; callback keeps each line's recording
and plays it in runs, learn mode and drills (session/record_cues.py)."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.commands.history_options import open_history
from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    events_option,
    finite_range,
    load_role,
    open_runtime,
    rate_option,
    timeout_option,
)
from assistant.errors import CallbackError


@click.command("record-cues")
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", required=True, help="The character you play: every other part is recorded.")
@click.option("--scene", type=click.IntRange(min=1), default=None, help="Only this scene's cues (1-based).")
@click.option("--again", is_flag=True, help="Record every cue again, not only the ones not yet recorded.")
@click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
              help="Who reads: a person at the microphone, or the virtual actor.")
@click.option("--actor-mistakes", type=finite_range(0, 1), default=0.0,
              help="Share of lines the virtual reader misreads the first time (0 to 1).")
@click.option("--seed", type=int, default=0, help="Seed for the virtual reader's mistakes.")
@rate_option
@timeout_option("Seconds of silence before callback asks for the line again.")
@events_option
@actor_noise_option
@engine_options
@device_options
def record_cues(script_path, role, scene, again, actor_mistakes, seed, timeout, **settings):
    """Record the other parts in a person's voice, once: callback names each cue's speaker and first words,
    checks the reading against the script (a misread line is asked again) and keeps it. Runs, learn mode and
    drills then play these recordings; lines edited in the script since go back to a synthetic voice.
    Say "skip", "go back", "again", "line" or "stop" at any time."""
    from assistant.actor import ScenePart
    from assistant.history.cues import CueBook
    from assistant.script.model import canonical_name
    from assistant.session.listen import Timing
    from assistant.session.printer import TerminalPrinter
    from assistant.session.record_cues import Cue, RecordCuesSession

    if actor_mistakes and settings["actor"] != "virtual":
        raise CallbackError("--actor-mistakes is the virtual reader's; add --actor virtual")
    script, _ = load_role(script_path, role)
    role = canonical_name(role)
    if scene is not None and not 1 <= scene <= len(script.scenes):
        raise CallbackError(f"{script_path} has {len(script.scenes)} scenes; --scene must be between 1 and "
                            f"{len(script.scenes)}")
    lines = script.scenes[scene - 1].lines if scene is not None else script.lines
    settings.update(seed=seed, save_takes=False, no_history=False, actor_commands=False, actor_stubborn=False)
    history = open_history(settings, script_path, getattr(script, "title", None))
    book = CueBook(history.store, str(Path(script_path).resolve()))
    done = set() if again else set(book.recorded())
    wanted = [line for line in lines if line.speaker != role and line.text.strip()]
    todo = list(dict.fromkeys((line.speaker, line.text) for line in wanted if (line.speaker, line.text) not in done))
    if not todo:
        click.echo(f"Every cue for {role} is recorded already ({len(done)}); --again records them anew.")
        return
    by_key = {(line.speaker, line.text): line for line in wanted}
    cues = [Cue(number, by_key[key]) for number, key in enumerate(todo, start=1)]
    part = ScenePart(actor_mistakes, False, seed)
    runtime = open_runtime(settings, part, names=list(script.roles()), script=script, history=history,
                           printer=TerminalPrinter(click.echo, role_lines=len(cues)))
    session = RecordCuesSession(cues, book, names=list(script.roles()), timing=Timing(start_timeout=timeout),
                                script=str(Path(script_path).resolve()))
    try:
        ran = runtime.run(session)
    finally:
        runtime.close()
    click.echo("\n" + " ".join(ran.result.sentences()) + f" Kept in {book.folder}.")
    ran.raise_if_failed()


COMMANDS = [record_cues]


def with_recorded_cues(voices: dict, settings, script_path: str, history) -> dict:
    """The characters' voices, playing the lines recorded with record-cues (not with --no-recorded-cues, nor
    without a history to find them in)."""
    from assistant.history.cues import CueBook
    from assistant.speech.recorded import with_recordings

    if history is None or settings.get("no_recorded_cues"):
        return voices
    return with_recordings(voices, CueBook(history.store, str(Path(script_path).resolve())).recorded())
