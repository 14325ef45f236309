"""`callback learn`: learn a role's lines by voice, the help taken away step by step (session/learn.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.commands.history_options import history_option, open_history
from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    events_option,
    finite_range,
    load_role,
    open_runtime,
    rate_option,
    strictness_option,
    timeout_option,
)
from assistant.commands.record_cues import with_recorded_cues
from assistant.commands.run import cast_voices
from assistant.commands.voices import ask_who_reads, chosen_voices, voice_option
from assistant.errors import CallbackError


@click.command()
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", required=True, help="The character you play.")
@click.option("--scene", type=click.IntRange(min=1), default=None, help="Only this scene (1-based).")
@click.option("--from", "start", type=click.IntRange(min=1), default=None, help="Start at your line N (1-based).")
@click.option("--to", "end", type=click.IntRange(min=1), default=None, help="End at your line N (1-based).")
@click.option("--chunk", type=click.IntRange(1, 10), default=2, show_default=True,
              help="Lines learned together before they are run in order.")
@click.option("--new", "new_lines", type=click.IntRange(min=0), default=None,
              help="At most this many lines never tried before (due reviews and lines begun always come).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line worked on.")
@click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
              help="Who speaks the role: you at the microphone, or the virtual actor (who learns as it hears).")
@click.option("--actor-mistakes", type=finite_range(0, 1), default=0.0,
              help="Share of the virtual actor's attempts said wrong even once it knows the line (0 to 1).")
@click.option("--seed", type=int, default=0, help="Seed for the virtual actor's mistakes.")
@rate_option
@timeout_option("Seconds of silence before callback gives the line.")
@events_option
@voice_option
@history_option
@actor_noise_option
@strictness_option
@engine_options
@device_options
def learn(script_path, role, scene, start, end, chunk, new_lines, as_json, actor_mistakes, timeout, **settings):
    """Learn your lines: the cue and the whole line, then the cue and its first words, then the cue alone.

    A line is learned once you say it word for word twice in a row from the cue alone. Lines come a few at a
    time and are run in order as they are learned. Progress is kept, so the next session starts with the lines
    due for review, then the ones not yet learned; say "line" whenever you need it.
    """
    from assistant.actor import LearnerPart
    from assistant.history.learning import LearningBook
    from assistant.script.model import canonical_name
    from assistant.session.learn import LearnOptions, LearnSession
    from assistant.session.listen import Timing
    from assistant.session.printer import TerminalPrinter
    from assistant.session.run import select_lines

    if actor_mistakes and settings["actor"] != "virtual":
        raise CallbackError("--actor-mistakes is the virtual actor's; add --actor virtual")
    script, _ = load_role(script_path, role)
    role = canonical_name(role)
    all_lines = _stretch(script, role, scene, script_path)
    lines, numbers = select_lines(all_lines, role, start, end)
    resolved = str(Path(script_path).resolve())

    # The history first: a data folder that cannot be written is said before anything is loaded or played.
    history = open_history(settings, script_path, getattr(script, "title", None))
    book = LearningBook(history.store if history is not None else None, resolved, role)
    try:
        chosen = chosen_voices(settings, script, script_path, history)
        voices, prompter = cast_voices(lines, role, settings["rate"], script=script, chosen=chosen)
        part = LearnerPart(actor_mistakes, settings["seed"])
        runtime = open_runtime(settings, part, names=list(script.roles()), script=script, history=history,
                               printer=None if as_json else TerminalPrinter(click.echo), voice=prompter)
        try:
            voices = ask_who_reads(runtime, settings, script, script_path, role, lines, chosen, voices)
            voices = with_recorded_cues(voices, settings, script_path, history)
        except BaseException:
            runtime.close()
            raise
        session = LearnSession(lines, numbers, voices, book,
                               LearnOptions(role, settings["strictness"], Timing(start_timeout=timeout), chunk,
                                            new_lines),
                               names=list(script.roles()), script=resolved)
        try:
            ran = runtime.run(session)
        finally:
            runtime.close()
    finally:
        book.close()
    result = ran.result
    if as_json:
        for line in result.lines:
            click.echo(json.dumps(line, ensure_ascii=False))
    else:
        click.echo("\n" + " ".join(result.sentences()))
    ran.raise_if_failed()


def _stretch(script, role: str, scene: int | None, script_path: str):
    """The lines of the chosen scene, or the whole script's."""
    if scene is None:
        return script.lines
    if not 1 <= scene <= len(script.scenes):
        raise CallbackError(f"{script_path} has {len(script.scenes)} scenes; --scene must be between 1 and "
                            f"{len(script.scenes)}")
    lines = list(script.scenes[scene - 1].lines)
    if not any(line.speaker == role for line in lines):
        raise CallbackError(f"{role} has no lines in scene {scene}")
    return lines


COMMANDS = [learn]
