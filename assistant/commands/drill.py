"""`callback drill`: redirection drills on a role's lines, by voice."""

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
    load_role,
    open_runtime,
    rate_option,
    strictness_option,
    timeout_option,
)
from assistant.commands.record_cues import with_recorded_cues
from assistant.commands.run import cast_voices
from assistant.commands.voices import chosen_voices, voice_option
from assistant.errors import CallbackError


def actor_stubborn_option(command):
    return click.option("--actor-stubborn", is_flag=True,
                        help="The virtual actor ignores the notes and gives the same delivery again.")(command)


@click.command()
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", required=True, help="The character you play.")
@click.option("--line", "line_number", type=click.IntRange(min=1), default=None,
              help="Drill only this line of the role (1-based).")
@click.option("--rounds", type=click.IntRange(min=1, max=100), default=4, show_default=True,
              help="How many notes to take.")
@click.option("--kinds", default=None, metavar="LIST",
              help="Only these kinds of note, comma-separated: pace, loudness, pauses, pitch, qualitative, or "
                   "a kind by name (grounded, stakes, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print each note's result as JSON.")
@click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
              help="Who speaks the role: you at the microphone, or the virtual actor.")
@actor_stubborn_option
@click.option("--seed", type=int, default=0, help="Seed for the choice of notes and the virtual actor.")
@rate_option
@timeout_option("Seconds of silence before callback offers the line.")
@events_option
@voice_option
@history_option
@actor_noise_option
@strictness_option
@engine_options
@device_options
def drill(script_path, role, line_number, rounds, kinds, as_json, actor_stubborn, timeout, **settings):
    """Take a director's note and deliver the line again: callback measures whether it changed.

    Notes on pace, loudness, pauses and pitch range are measured on your two takes ("eighteen percent faster,
    good"); the others (more grounded, raise the stakes) you rate yourself, one to five. Your own notes go in
    ~/.config/callback/redirections.toml (see the built-in assistant/data/redirections.toml).
    """
    from assistant.actor import ScenePart
    from assistant.redirections import choose_kinds, load_redirections
    from assistant.script.model import canonical_name
    from assistant.session.drill import DrillOptions, DrillSession, drill_order
    from assistant.session.listen import Timing
    from assistant.session.printer import TerminalPrinter

    if actor_stubborn and settings["actor"] != "virtual":
        raise CallbackError("--actor-stubborn is the virtual actor's; add --actor virtual")
    script, lines = load_role(script_path, role)
    role = canonical_name(role)
    if line_number is not None and line_number > len(lines):
        raise CallbackError(f"{role} has {len(lines)} lines; --line must be between 1 and {len(lines)}")
    notes = choose_kinds(load_redirections(), kinds)
    order = drill_order([line.text for line in lines], weakest_lines_of(script_path, role), line_number)

    history = open_history(settings, script_path, getattr(script, "title", None))
    voices, prompter = cast_voices(script.lines, role, settings["rate"], script=script,
                                   chosen=chosen_voices(settings, script, script_path, history))
    voices = with_recorded_cues(voices, settings, script_path, history)
    part = ScenePart(seed=settings["seed"], stubborn=actor_stubborn)
    runtime = open_runtime(settings, part, names=list(script.roles()), script=script, history=history,
                           printer=None if as_json else TerminalPrinter(click.echo), voice=prompter)
    session = DrillSession(script.lines, role, order, voices, notes,
                           DrillOptions(rounds, settings["strictness"], Timing(start_timeout=timeout),
                                        settings["seed"]),
                           names=list(script.roles()), script=str(Path(script_path).resolve()))
    try:
        ran = runtime.run(session)
    finally:
        runtime.close()
    results = ran.result.redirections
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False))
    else:
        measured = [r for r in results if r.measure is not None]
        click.echo(f"\n{len(results)} notes taken; {sum(bool(r.changed) for r in measured)} of {len(measured)} "
                   "measured changes heard.")
    ran.raise_if_failed()


def weakest_lines_of(script_path, role) -> list[int]:
    """The role's lines weakest first by the practice history ([] when there is none, or none kept)."""
    from assistant.commands.stats import load_role_history
    from assistant.history.practice import line_stats, weakest_lines

    history = load_role_history(script_path, role)
    stats = line_stats(history.texts, history.attempts)
    return weakest_lines(stats, len(stats))


COMMANDS = [drill]
