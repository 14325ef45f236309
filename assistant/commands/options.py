"""Options several commands share, declared once so they read the same everywhere."""

from __future__ import annotations

import math

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
    """--strict or --lenient (or neither, the default); both at once is refused rather than the last winning."""
    command = click.option("--lenient", is_flag=True, expose_value=False, callback=_strictness,
                           help="The gist is enough: most content words present.")(command)
    return click.option("--strict", is_flag=True, expose_value=False, callback=_strictness,
                        help="Every word must be right, even 'the' and 'a'.")(command)


def _strictness(ctx: click.Context, param: click.Parameter, given: bool):
    # Both flags fill the one `strictness` argument the commands take; whichever is processed second sees the
    # first one's choice.
    chosen = ctx.params.get("strictness")
    if not given:
        ctx.params.setdefault("strictness", "default")
        return
    if chosen not in (None, "default", param.name):
        raise click.UsageError("--strict and --lenient cannot be used together; choose one", ctx)
    ctx.params["strictness"] = param.name


class FiniteRange(click.FloatRange):
    """click.FloatRange that also refuses nan, which compares false with both bounds and so passes them.
    A nan --timeout never ends a wait; a nan --actor-mistakes or --actor-noise spoils the virtual actor's take."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


def finite_range(min: float | None = None, max: float | None = None, **bounds) -> FiniteRange:
    return FiniteRange(min, max, **bounds)


#: The longest wait for a line or an answer worth asking for: ten minutes of silence is nobody there.
MAX_TIMEOUT_SECONDS = 600.0


def events_option(command):
    return click.option("--events", "events_path", type=click.Path(path_type=str), default=None, metavar="FILE",
                        help="Write every event as JSON lines (appends to an earlier log).")(command)


def rate_option(command):
    return click.option("--rate", type=int, default=None,
                        help="Speech rate of callback's voice, in words per minute.")(command)


def timeout_option(help: str):
    return click.option("--timeout", type=finite_range(0.5, MAX_TIMEOUT_SECONDS), default=8.0, show_default=True,
                        help=help)


def open_engine(engine: str, model: str | None):
    """Load the chosen engine once, telling the user in one line on stderr when auto falls back."""
    from assistant.speech.engines import load_engine

    return load_engine(engine, model, on_notice=lambda message: click.echo(f"callback: {message}", err=True))


def open_hearing(engine: str, model: str | None, names=(), purpose: str = "live", script=None):
    """The ear a session hears with: the live engine loaded, the second hearing loading in the background.
    With the script, its proper nouns and rare words are hints to the strong hearing (script/vocabulary.py)."""
    from assistant.script.vocabulary import hint_words
    from assistant.speech.hearing import open_ear

    ear = open_ear(engine, model, names, purpose,
                   on_notice=lambda message: click.echo(f"callback: {message}", err=True))
    if script is not None:
        ear.script_words = hint_words(script)
    return ear


def load_role(script_path: str, role: str):
    """The script and the role's lines, or a one-line error naming the real characters."""
    from assistant.script import load_script

    # A scan read by OCR says so (and how sure it is) on stderr, as every notice does.
    script = load_script(script_path, on_notice=lambda message: click.echo(f"callback: {message}", err=True))
    lines = script.lines_of(role)
    if not lines:
        raise CallbackError(f"{role} has no lines in {script_path}")
    return script, lines


def open_speaker(settings):
    """The speaker asked for; with the virtual actor and no device, a stand-in that keeps the timing."""
    from assistant.audio.buffers import BufferSpeaker
    from assistant.audio.devices import HEADLESS_HINT, SoundDeviceSpeaker
    from assistant.errors import DeviceError

    if settings["actor"] == "virtual" and settings["output_device"] is None:
        try:
            return SoundDeviceSpeaker(None)
        except CallbackError:
            click.echo("callback: no speaker found; speech is timed as if played", err=True)
            return BufferSpeaker(realtime=settings["realtime"])
    try:
        return SoundDeviceSpeaker(settings["output_device"])
    except DeviceError as exc:
        if settings["actor"] != "virtual":
            raise
        # The usual advice (run with --actor virtual) is already taken: the device named is the problem.
        message = str(exc).replace(f", or {HEADLESS_HINT}", "").replace(f"; {HEADLESS_HINT}", "")
        raise DeviceError(f"{message}; or leave out --output-device to time speech as if played") from None


def actor_noise_option(command):
    return click.option(
        "--actor-noise", type=finite_range(-90, -10), default=None, metavar="DBFS",
        help="Put the virtual actor in a room humming and hissing at this level, e.g. -40 (dBFS).",
    )(command)


def open_runtime(settings, part, *, names=(), history=None, printer=None, voice=None, script=None):
    """The session runtime for a CLI command, opened in the order things fail cheapest first: the event log
    file, the speaker and microphone, then the engine (seconds to load). The history is opened by the caller
    before this, so an unwritable data folder is said before anything else is tried."""
    from assistant.events import EventFile
    from assistant.session.runtime import ActorSetup, build_runtime

    noise = settings.get("actor_noise")
    if noise is not None and settings["actor"] != "virtual":
        raise CallbackError("--actor-noise is the virtual actor's room; add --actor virtual")
    if settings.get("actor_pickup") is not None and settings["actor"] != "virtual":
        raise CallbackError("--actor-pickup is the virtual actor's pause; add --actor virtual")
    log = EventFile(settings["events_path"]) if settings.get("events_path") else None
    try:
        speaker = open_speaker(settings)
        actor = microphone = None
        if settings["actor"] == "virtual":
            from assistant.audio.rooms import RoomNoise

            seed = settings.get("seed") or 0
            room = RoomNoise(noise, seed=seed) if noise is not None else None
            actor = ActorSetup(part, room=room, realtime=settings["realtime"], seed=seed,
                               pickup=settings.get("actor_pickup"))
        else:
            from assistant.audio.devices import SoundDeviceMicrophone

            microphone = SoundDeviceMicrophone(settings["input_device"])
        ear = open_hearing(settings["engine"], settings["model"], names, script=script)
    except BaseException:
        if log is not None:
            log.close()
        raise
    if voice is None:
        from assistant.speech.voices import EspeakVoice

        voice = EspeakVoice("en-us", **({"rate": settings["rate"]} if settings.get("rate") else {}))
    return build_runtime(ear=ear, speaker=speaker, voice=voice, microphone=microphone, actor=actor, log=log,
                         history=history, printer=printer)
