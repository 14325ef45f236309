"""`callback check`: say one sentence, and learn whether callback hears you well enough to rehearse."""

from __future__ import annotations

import json

import click

from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    finite_range,
    open_runtime,
    timeout_option,
)
from assistant.errors import CallbackError


@click.command()
@click.option("--sentence", default=None, metavar="TEXT",
              help="Read this instead of the built-in sentence (a line of your own, say).")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"sentence", "heard", "hearing", "verdict", "levels": {"voice_dbfs", "room_dbfs", '
                   '"margin_db", "speech_seconds", "clipped"}, "ready", "problems": [{"kind", "reason"}]}.')
@timeout_option("Seconds to wait for you to start reading.")
@click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
              help="Who reads: you at the microphone, or the virtual actor.")
@click.option("--actor-level", type=finite_range(-90, 0), default=None, metavar="DBFS",
              help="With --actor virtual: how loud its voice reaches the microphone (arm's length is -26).")
@click.option("--rate", type=int, default=None, help="Speech rate of callback's voice, in words per minute.")
@click.option("--events", "events_path", type=click.Path(dir_okay=False), help="Write every event as JSON lines.")
@actor_noise_option
@device_options
@engine_options
def check(sentence, as_json, timeout, actor_level, **settings):
    """Check the ear before a first rehearsal: read one sentence aloud.

    callback says what it heard, how loud your voice and the room were (dBFS), and whether that is good
    enough to rehearse; if not, why (too quiet, too loud, the room too noisy, or heard differently). Run it
    where you will rehearse, with the microphone you will use (--input-device). Exits 1 when not ready.
    """
    from assistant.actor import CheckPart
    from assistant.session.check import SENTENCE, CheckSession
    from assistant.session.listen import Timing

    if actor_level is not None and settings["actor"] != "virtual":
        raise CallbackError("--actor-level is the virtual actor's voice; add --actor virtual")
    sentence = " ".join((sentence if sentence is not None else SENTENCE).split())
    if len(sentence.split()) < 5:
        raise CallbackError("--sentence needs a few words to measure a voice by; give a sentence of five or more")
    show = (lambda text: None) if as_json else click.echo
    runtime = open_runtime(settings, CheckPart(actor_level))
    try:
        if not as_json:
            click.echo(f"Hearing with {runtime.ear.description}.")
        # The second hearing is part of how a line is heard: wait for it now, so the check hears as a run does
        # (a damaged model is said here, and the check goes on with the streaming engine, as a run would).
        if runtime.ear.strong is not None:
            runtime.ear.strong.available()
        ran = runtime.run(CheckSession(sentence, Timing(start_timeout=timeout), show))
    finally:
        runtime.close()
    ran.raise_if_failed()
    result = ran.result
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for row in result.printed():
            click.echo(row)
    if not result.ready:
        raise SystemExit(1)


COMMANDS = [check]
