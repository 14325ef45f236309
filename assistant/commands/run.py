"""`callback run` and `callback demo`: run a scene hands-free, with a microphone or the virtual actor."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from assistant.commands.history_options import history_option, open_history
from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    finite_range,
    load_role,
    open_runtime,
    strictness_option,
    timeout_option,
)
from assistant.commands.voices import ask_who_reads, chosen_voices, voice_option
from assistant.errors import CallbackError
from assistant.history.priorities import PICKUP_GOAL

DEMO_ROLE = "MAYA"
DEMO_SEED = 7  # the virtual actor slips on a line and asks for one: the demo shows both


def _demo_script() -> Path:
    return Path(str(resources.files("assistant") / "data" / "demo_scene.txt"))


def _common_options(command, with_actor: bool):
    options = [
        click.option("--events", "events_path", type=click.Path(path_type=str),
                     help="Write every event as JSON lines (appends to an earlier log)."),
    ]
    if with_actor:
        options += [
            click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
                         help="Who speaks the role: you at the microphone, or the virtual actor."),
            click.option("--actor-mistakes", type=finite_range(0, 1), default=0.0,
                         help="Share of the virtual actor's lines said wrong (0 to 1)."),
            click.option("--actor-commands", is_flag=True, help="Let the virtual actor use voice commands."),
            click.option("--actor-stubborn", is_flag=True,
                         help="The virtual actor ignores directors' notes and says the line the same way again."),
            click.option("--actor-pickup", type=finite_range(0, 10), default=None, metavar="SECONDS",
                         help="The virtual actor's pause between a cue's end and its first word."),
        ]
    options += [
        click.option("--seed", type=int, default=None, help="Seed for the virtual actor's choices."),
        click.option("--on-miss", type=click.Choice(["prompt", "repeat", "note"]), default="prompt", show_default=True,
                     help="After a missed line: correct and move on, correct and go again, or only record it."),
        click.option("--rate", type=int, default=None, help="Cue speech rate in words per minute."),
        click.option("--natural-cues", is_flag=True, hidden=True,
                     help="Kept so older command lines still work: natural cue voices are the default now."),
        click.option("--read-directions", is_flag=True, help="Also read parentheticals aloud."),
        timeout_option("Seconds of silence before callback offers the line."),
        click.option("--save-takes", is_flag=True, help="Keep each attempt's audio beside the practice history."),
        click.option("--no-refresh", is_flag=True,
                     help="Never say \"find something new\" when a line comes again the same as before."),
        click.option("--redirect-rate", type=finite_range(0, 1), default=0.0, show_default=True,
                     help="After a right line, the chance of a director's note and the line again (0 to 1)."),
        click.option("--kinds", default=None, metavar="LIST",
                     help="With --redirect-rate: only these kinds of note (pace, loudness, pauses, pitch, "
                          "qualitative, ...)."),
    ]
    for option in reversed(options):
        command = option(command)
    command = voice_option(command)
    command = history_option(command)
    command = actor_noise_option(strictness_option(engine_options(command)))
    if with_actor:
        return device_options(command)
    # The demo has no microphone to choose: only the speaker, and the hidden pacing switch for tests.
    command = click.option("--output-device", default=None, help="Speaker (index or name; see `callback devices`).")(command)
    return click.option("--realtime/--fast", default=True, hidden=True)(command)


def rehearsal_options(command):
    return _common_options(command, with_actor=True)


def _demo_options(command):
    return _common_options(command, with_actor=False)


@click.command()
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", required=True, help="The character you play.")
@click.option("--scene", type=click.IntRange(min=1), default=None, help="Only this scene (1-based).")
@click.option("--from", "start", type=click.IntRange(min=1), default=None, help="Start at your line N (1-based).")
@click.option("--to", "end", type=click.IntRange(min=1), default=None, help="End at your line N (1-based).")
@click.option("--loop", is_flag=True, help="Go round again until you say stop.")
@click.option("--my-scenes/--all-scenes", "my_scenes", default=None,
              help="Only the scenes you are in, each from your first cue to your last line (the default when "
                   "you are not in every scene), or every scene in full.")
@click.option("--focus", type=click.Choice(["weak"]), default=None,
              help="weak: only the exchanges around your weakest lines, from your practice history.")
@click.option("--count", type=click.IntRange(min=1), default=3, show_default=True,
              help="With --focus weak: how many lines.")
@click.option("--no-recorded-cues", is_flag=True,
              help="Read every cue in a synthetic voice, even those recorded with record-cues.")
@click.option("--speed-through", is_flag=True,
              help="Cues quicker, no corrections during the run; slips and slow pickups summed up at the end.")
@click.option("--pickup-goal", type=finite_range(0, 10), default=None, metavar="SECONDS",
              help=f"With --speed-through: a pickup (cue's end to your first word) slower than this is named at the "
                   f"end.  [default: {PICKUP_GOAL}]")
@rehearsal_options
def run(script_path, role, scene, start, end, loop, my_scenes, focus, count, speed_through, pickup_goal, **settings):
    """Run lines: callback speaks the other parts and listens to yours."""
    if pickup_goal is not None and not speed_through:
        raise click.UsageError("--pickup-goal sets the goal a speed-through holds pickups to; add --speed-through")
    settings.update(speed_through=speed_through, pickup_goal=PICKUP_GOAL if pickup_goal is None else pickup_goal)
    _rehearse(script_path, role, scene, start, end, loop, settings, focus=count if focus == "weak" else None,
              my_scenes=my_scenes)


@click.command()
@click.option("--mistakes", type=finite_range(0, 1), default=0.25, show_default=True,
              help="Share of lines the virtual actor gets wrong.")
@_demo_options
def demo(mistakes, **settings):
    """Run the built-in scene with the virtual actor playing MAYA (no microphone needed)."""
    settings.update(actor="virtual", actor_mistakes=mistakes, actor_commands=True, actor_stubborn=False,
                    input_device=None)
    if settings["seed"] is None:
        settings["seed"] = DEMO_SEED
    click.echo("callback demo: the virtual actor plays MAYA in 'The Night Shift'; callback reads THEO.")
    _rehearse(str(_demo_script()), DEMO_ROLE, None, None, None, False, settings)


def _rehearse(script_path, role, scene, start, end, loop, settings, focus: int | None = None,
              my_scenes: bool | None = False) -> None:
    if settings["seed"] is None:
        settings["seed"] = 0
    from assistant.script.model import canonical_name
    from assistant.session.listen import Timing
    from assistant.session.printer import TerminalPrinter
    from assistant.session.run import Rehearsal, RunOptions, select_exchanges
    from assistant.session.scenes import in_every_scene, select_my_scenes, select_stretch

    script, _ = load_role(script_path, role)
    role = canonical_name(role)
    if scene is not None:
        if not 1 <= scene <= len(script.scenes):
            raise CallbackError(f"{script_path} has {len(script.scenes)} scenes; --scene must be between 1 and {len(script.scenes)}")
        scenes = [script.scenes[scene - 1]]
        if not any(line.speaker == role for line in scenes[0].lines):
            raise CallbackError(f"{role} has no lines in scene {scene}")
    else:
        scenes = list(script.scenes)
    all_lines = [line for chosen in scenes for line in chosen.lines]
    scene_labels = None
    if focus is not None:
        if start is not None or end is not None or scene is not None:
            raise CallbackError("--focus weak picks the lines itself, from the whole script; leave out --scene, "
                                "--from and --to")
        if my_scenes:
            raise CallbackError("--focus weak already plays only the exchanges around your weakest lines; "
                                "leave out --my-scenes")
        lines, numbers = select_exchanges(all_lines, role, _weakest(script_path, role, focus))
    else:
        if my_scenes is None:  # the default: sit through no scene the role is not in
            my_scenes = not in_every_scene(scenes, role)
        chosen = (select_my_scenes if my_scenes else select_stretch)(scenes, role, start, end)
        lines, numbers, scene_labels = chosen.lines, chosen.numbers, chosen.scenes

    notes = ()
    if settings["redirect_rate"] > 0 or settings["kinds"]:
        from assistant.redirections import choose_kinds, load_redirections

        notes = choose_kinds(load_redirections(), settings["kinds"])
    # The history first: a data folder that cannot be written is said before anything is loaded or played.
    history = open_history(settings, script_path, getattr(script, "title", None), settings["save_takes"])
    chosen = chosen_voices(settings, script, script_path, history)
    voices, prompter = cast_voices(lines, role, settings["rate"], script=script, chosen=chosen)
    runtime = open_runtime(settings, _actor_part(settings), names=list(script.roles()), script=script,
                           history=history, voice=prompter,
                           printer=TerminalPrinter(click.echo, role_lines=sum(l.speaker == role for l in all_lines)))
    try:
        voices = ask_who_reads(runtime, settings, script, script_path, role, lines, chosen, voices)
        from assistant.commands.record_cues import with_recorded_cues

        voices = with_recorded_cues(voices, settings, script_path, history)
    except BaseException:
        runtime.close()
        raise
    options = RunOptions(
        role=role,
        on_miss=settings["on_miss"],
        strictness=settings["strictness"],
        read_directions=settings["read_directions"],
        loop=loop,
        timing=Timing(start_timeout=settings["timeout"]),
        redirect_rate=settings["redirect_rate"],
        redirections=notes,
        refresh=not settings["no_refresh"],
        seed=settings["seed"],
        speed_through=settings.get("speed_through", False),
        pickup_goal=settings.get("pickup_goal", PICKUP_GOAL),
    )
    rehearsal = Rehearsal(lines, voices, options, names=list(script.roles()), line_numbers=numbers,
                          script=str(Path(script_path).resolve()), scenes=scene_labels)
    try:
        ran = runtime.run(rehearsal)
    finally:
        runtime.close()
    ran.raise_if_failed()


def _weakest(script_path, role, count: int) -> list[int]:
    """The role's weakest lines by the practice history, or a one-line error when there is none yet."""
    from assistant.commands.stats import load_role_history
    from assistant.history.practice import line_stats, weakest_lines

    history = load_role_history(script_path, role)
    chosen = weakest_lines(line_stats(history.texts, history.attempts), count)
    if not chosen:
        raise CallbackError(f"no practice kept yet for {role} in {script_path}; run it once without --focus first")
    return chosen


def cast_voices(lines, role, rate=None, natural_cues: bool = False, script=None, chosen=None):
    """A voice for each other character in `lines` (of the right kind, natural first: commands/voices.py), and
    callback's own voice, never the same as theirs. natural_cues: ignored, natural voices are the default."""
    from assistant.commands.voices import character_voices, prompter_for

    voices = character_voices(lines, role, rate, script, chosen)
    return voices, prompter_for(voices, rate)


def _actor_part(settings):
    from assistant.actor import ScenePart

    if settings["actor_stubborn"] and settings["actor"] != "virtual":
        raise CallbackError("--actor-stubborn is the virtual actor's; add --actor virtual")
    return ScenePart(settings["actor_mistakes"], settings["actor_commands"], settings["seed"],
                     stubborn=settings["actor_stubborn"])


COMMANDS = [run, demo]
