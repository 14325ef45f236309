"""`callback run` and `callback demo`: run a scene hands-free, with a microphone or the virtual actor."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    load_role,
    open_hearing,
    open_microphone,
    open_speaker,
    strictness_option,
)
from assistant.errors import CallbackError

DEMO_ROLE = "MAYA"
DEMO_SEED = 7  # the virtual actor slips on a line and asks for one: the demo shows both
_PROMPTER = "CALLBACK"  # not a name a script would give a character


def _demo_script() -> Path:
    return Path(str(resources.files("assistant") / "data" / "demo_scene.txt"))


def rehearsal_options(command):
    options = [
        click.option("--events", "events_path", type=click.Path(dir_okay=False), help="Write every event as JSON lines."),
        click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
                     help="Who speaks the role: you at the microphone, or the virtual actor."),
        click.option("--actor-mistakes", type=click.FloatRange(0, 1), default=0.0,
                     help="Share of the virtual actor's lines said wrong (0 to 1)."),
        click.option("--actor-commands", is_flag=True, help="Let the virtual actor use voice commands."),
        click.option("--seed", type=int, default=None, help="Seed for the virtual actor's choices."),
        click.option("--on-miss", type=click.Choice(["prompt", "repeat", "note"]), default="prompt", show_default=True,
                     help="After a missed line: correct and move on, correct and go again, or only record it."),
        click.option("--rate", type=int, default=None, help="Cue speech rate in words per minute."),
        click.option("--natural-cues", is_flag=True, help="Speak cues in the natural (hibari) voice."),
        click.option("--read-directions", is_flag=True, help="Also read parentheticals aloud."),
        click.option("--timeout", type=float, default=8.0, show_default=True,
                     help="Seconds of silence before callback offers the line."),
    ]
    for option in reversed(options):
        command = option(command)
    return actor_noise_option(device_options(strictness_option(engine_options(command))))


@click.command()
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", required=True, help="The character you play.")
@click.option("--scene", type=int, default=None, help="Only this scene (1-based).")
@click.option("--from", "start", type=int, default=None, help="Start at your line N (1-based).")
@click.option("--to", "end", type=int, default=None, help="End at your line N (1-based).")
@click.option("--loop", is_flag=True, help="Go round again until you say stop.")
@rehearsal_options
def run(script_path, role, scene, start, end, loop, **settings):
    """Run lines: callback speaks the other parts and listens to yours."""
    _rehearse(script_path, role, scene, start, end, loop, settings)


@click.command()
@click.option("--mistakes", type=click.FloatRange(0, 1), default=0.25, show_default=True,
              help="Share of lines the virtual actor gets wrong.")
@rehearsal_options
def demo(mistakes, **settings):
    """Run the built-in scene with the virtual actor playing MAYA (no microphone needed)."""
    settings["actor"] = "virtual"
    settings["actor_mistakes"] = settings["actor_mistakes"] or mistakes
    settings["actor_commands"] = True
    if settings["seed"] is None:
        settings["seed"] = DEMO_SEED
    click.echo("callback demo: the virtual actor plays MAYA in 'The Night Shift'; callback reads THEO.")
    _rehearse(str(_demo_script()), DEMO_ROLE, None, None, None, False, settings)


def _rehearse(script_path, role, scene, start, end, loop, settings) -> None:
    if settings["seed"] is None:
        settings["seed"] = 0
    from assistant.script.model import canonical_name
    from assistant.session.events import EventLog
    from assistant.session.listen import Timing
    from assistant.session.run import Rehearsal, RunOptions, select_lines

    script, _ = load_role(script_path, role)
    role = canonical_name(role)
    if scene is not None:
        if not 1 <= scene <= len(script.scenes):
            raise CallbackError(f"{script_path} has {len(script.scenes)} scenes; --scene must be between 1 and {len(script.scenes)}")
        all_lines = list(script.scenes[scene - 1].lines)
        if not any(line.speaker == role for line in all_lines):
            raise CallbackError(f"{role} has no lines in scene {scene}")
    else:
        all_lines = script.lines
    lines, numbers = select_lines(all_lines, role, start, end)

    events = EventLog(settings["events_path"])
    ear = open_hearing(settings["engine"], settings["model"], list(script.roles()))
    voices, prompter = _voices(lines, role, settings)
    speaker = open_speaker(settings)
    microphone = open_microphone(settings, events, _actor_part(settings))
    options = RunOptions(
        role=role,
        on_miss=settings["on_miss"],
        strictness=settings["strictness"],
        read_directions=settings["read_directions"],
        loop=loop,
        timing=Timing(start_timeout=settings["timeout"]),
    )
    rehearsal = Rehearsal(lines, ear, voices, prompter, speaker, microphone, events, options,
                          names=list(script.roles()), on_line=click.echo, line_numbers=numbers)
    try:
        rehearsal.prepare()
        summary = rehearsal.run()
    except KeyboardInterrupt:
        _report(rehearsal.summary_so_far(), None)
        raise
    except CallbackError as exc:
        # A device lost mid-run: keep what was rehearsed, then say what went wrong.
        summary = rehearsal.summary_so_far()
        events.emit("session_end", **summary.to_dict(), error=str(exc))
        _report(summary, None)
        raise
    finally:
        events.close()
        microphone.close()
    _report(summary, lambda text: speaker.play(prompter.render(text)))


def _report(summary, speak) -> None:
    sentences = summary.sentences()
    click.echo("\n" + " ".join(sentences))
    if speak is not None:
        speak(" ".join(sentences))


def _voices(lines, role, settings):
    from assistant.speech.voices import NaturalVoice, cue_voices

    others = sorted({line.speaker for line in lines if line.speaker != role})
    # Assigned together, so callback's own voice never doubles as a character's.
    voices = cue_voices([*others, _PROMPTER], rate=settings["rate"])
    prompter = voices.pop(_PROMPTER)
    if settings["natural_cues"]:
        natural = NaturalVoice()
        voices = {name: natural for name in others}
    return voices, prompter


def _actor_part(settings):
    from assistant.session.virtual_part import ScenePart

    return ScenePart(settings["actor_mistakes"], settings["actor_commands"], settings["seed"])


COMMANDS = [run, demo]
