"""Options several commands share, declared once so they read the same everywhere."""

from __future__ import annotations

import click

from assistant.errors import CallbackError


def engine_options(command):
    command = click.option(
        "--model",
        type=click.Path(path_type=str),
        default=None,
        help="Vosk model folder (else VOSK_MODEL_PATH, ./models, ~/.cache/vosk).",
    )(command)
    command = click.option(
        "--engine",
        type=click.Choice(["auto", "vosk", "pocketsphinx", "whisper"]),
        default="auto",
        show_default=True,
        help="Speech recognizer. auto: Vosk (else the built-in PocketSphinx) follows you live, and Whisper "
             "hears again what it rejects and grades takes.",
    )(command)
    return command


def device_options(command):
    """Which microphone and speaker, and (hidden, for tests) whether stand-ins keep real time."""
    for option in (
        click.option("--realtime/--fast", default=True, hidden=True,
                     help="Pace the virtual actor and a missing speaker in real time (--fast for tests)."),
        click.option("--output-device", default=None, help="Speaker (index or name; see `callback devices`)."),
        click.option("--input-device", default=None, help="Microphone (index or name; see `callback devices`)."),
    ):
        command = option(command)
    return command


def strictness_option(command):
    return click.option(
        "--strict",
        "strictness",
        flag_value="strict",
        help="Every word must be right, even 'the' and 'a'.",
    )(
        click.option(
            "--lenient",
            "strictness",
            flag_value="lenient",
            help="The gist is enough: most content words present.",
        )(click.option("--default-strictness", "strictness", flag_value="default", default=True, hidden=True)(command))
    )


def open_engine(engine: str, model: str | None):
    """Load the chosen engine once, telling the user in one line on stderr when auto falls back."""
    from assistant.speech.engines import load_engine

    return load_engine(engine, model, on_notice=lambda message: click.echo(f"callback: {message}", err=True))


def open_hearing(engine: str, model: str | None, names=(), purpose: str = "live"):
    """The ear a session hears with: the live engine loaded, the second hearing loading in the background."""
    from assistant.speech.hearing import open_ear

    return open_ear(engine, model, names, purpose,
                    on_notice=lambda message: click.echo(f"callback: {message}", err=True))


def load_role(script_path: str, role: str):
    """The script and the role's lines, or a one-line error naming the real characters."""
    from assistant.script import load_script

    script = load_script(script_path)
    lines = script.lines_of(role)
    if not lines:
        raise CallbackError(f"{role} has no lines in {script_path}")
    return script, lines


def open_speaker(settings):
    """The speaker asked for; with the virtual actor and no device, a stand-in that keeps the timing."""
    from assistant.audio.buffers import BufferSpeaker
    from assistant.audio.devices import SoundDeviceSpeaker

    if settings["actor"] == "virtual" and settings["output_device"] is None:
        try:
            return SoundDeviceSpeaker(None)
        except CallbackError:
            click.echo("callback: no speaker found; speech is timed as if played", err=True)
            return BufferSpeaker(realtime=settings["realtime"])
    return SoundDeviceSpeaker(settings["output_device"])


def actor_noise_option(command):
    return click.option(
        "--actor-noise", type=click.FloatRange(-90, -10), default=None, metavar="DBFS",
        help="With --actor virtual: put the actor in a room humming and hissing at this level, e.g. -40.",
    )(command)


def open_microphone(settings, events, part):
    """The microphone, or the virtual actor speaking `part` where the microphone would be."""
    noise = settings.get("actor_noise")
    if noise is not None and settings["actor"] != "virtual":
        raise CallbackError("--actor-noise is the virtual actor's room; add --actor virtual")
    if settings["actor"] == "virtual":
        from assistant.audio.rooms import RoomNoise
        from assistant.audio.virtual_actor import VirtualActor
        from assistant.speech.voices import NaturalVoice

        seed = settings.get("seed") or 0
        room = RoomNoise(noise, seed=seed) if noise is not None else None
        return VirtualActor(NaturalVoice(), part, events, realtime=settings["realtime"], room=room, seed=seed)
    from assistant.audio.devices import SoundDeviceMicrophone

    return SoundDeviceMicrophone(settings["input_device"])
