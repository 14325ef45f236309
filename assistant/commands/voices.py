"""`callback voices`: who reads which part and why; and `--voice THEO=joe`, kept per script, for every session."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.errors import CallbackError

VOICE_HELP = ("Read CHARACTER in VOICE from now on, for this script (kept in the practice history): joe, joe-low, "
              "joe-high, hibari, hibari-low, hibari-high or espeak-m1..m7, espeak-f1..f5. Repeatable.")


def _parse(_context, _parameter, values: tuple[str, ...]) -> list[tuple[str, str]]:
    parsed = []
    for value in values:
        character, equals, voice = value.rpartition("=")
        if not equals or not character.strip() or not voice.strip():
            raise click.BadParameter(f"{value!r} is not CHARACTER=VOICE (e.g. THEO=joe)")
        parsed.append((character, voice))
    return parsed


def voice_option(command):
    return click.option("--voice", "voice_settings", multiple=True, metavar="CHARACTER=VOICE", callback=_parse,
                        help=VOICE_HELP)(command)


def chosen_voices(settings, script, script_path: str, history=None) -> dict[str, str]:
    """The voices chosen for this script's characters: those kept from earlier sessions, then this command's
    --voice, which is checked (a one-line error for an unknown character or voice) and kept for next time."""
    from assistant.history.database import HistoryError, Store
    from assistant.script.model import canonical_name
    from assistant.speech.voice_choice import known_voice

    key = str(Path(script_path).resolve())
    wanted = {}
    for character, voice in settings.get("voice_settings") or ():
        name = canonical_name(character)
        if name not in script.roles():
            raise CallbackError(f"--voice: no character {character!r} in {script_path}; characters: "
                                f"{', '.join(script.roles())}")
        wanted[name] = known_voice(voice)
    store = history.store if history is not None else Store()
    try:
        kept = store.voice_choices(key)
        if not settings.get("no_history"):
            for name, voice in wanted.items():
                store.choose_voice(key, name, voice)
    except HistoryError:
        if not settings.get("no_history"):
            raise
        kept = {}  # --no-history: a history that cannot be read is no reason to stop
    return {**kept, **wanted}


def voice_choices(script, role: str | None, chosen: dict[str, str], told: dict[str, str] | None = None):
    """Each character's VoiceChoice (speech/voice_choice.py), the role the actor plays left out. Chosen over the
    whole script, so a character keeps its voice in every scene and `callback voices` says what a run does.
    `told`: characters the actor said are a man or a woman (session/casting_question.py)."""
    from assistant.script.casting import Casting, cast
    from assistant.speech.voice_choice import choose_voices, espeak_names, installed_natural

    counts = {name: count for name, count in script.roles().items() if name != role}
    casting = {**cast(script), **{name: Casting(kind, "you said so") for name, kind in (told or {}).items()}}
    return choose_voices(counts, casting, chosen, installed_natural(), espeak_names())


def unsure_characters(script, role: str, lines, chosen: dict[str, str]) -> list[str]:
    """The characters speaking in `lines` whom the script does not show as a man or a woman and who have no
    voice chosen yet, in order of appearance."""
    from assistant.script.casting import UNKNOWN, cast

    casting = cast(script)
    speaking = dict.fromkeys(line.speaker for line in lines if line.speaker != role)
    return [name for name in speaking if name not in chosen and casting[name].kind == UNKNOWN]


def ask_who_reads(runtime, settings, script, script_path: str, role: str, lines, chosen: dict[str, str],
                  voices: dict) -> dict:
    """Before the first cue: ask whether each part the script is silent about is a man's or a woman's, and
    keep the voices that follow (whatever the answer, so a script asks once). The voices to use."""
    from assistant.session.casting_question import CastingQuestions
    from assistant.speech.voice_choice import build_voices

    unsure = unsure_characters(script, role, lines, chosen)
    if not unsure:
        return voices
    ran = runtime.run(CastingQuestions(unsure))
    ran.raise_if_failed()
    choices = voice_choices(script, role, chosen, ran.result.kinds)
    if runtime.history is not None:
        key = str(Path(script_path).resolve())
        for name in unsure:
            runtime.history.store.choose_voice(key, name, choices[name].voice)
    speaking = {line.speaker for line in lines if line.speaker != role}
    if not ran.result.kinds:
        return voices
    return build_voices({name: choice for name, choice in choices.items() if name in speaking},
                        settings.get("rate"))


def character_voices(lines, role: str, rate=None, script=None, chosen=None) -> dict:
    """dict[str, Voice]: the voice of every other character who speaks in `lines`. Without the whole `script`,
    the lines alone are cast (no action lines to read, so names decide)."""
    from assistant.script.model import Scene, Script
    from assistant.speech.voice_choice import build_voices

    if script is None:
        script = Script("", (Scene("", tuple(lines)),))
    choices = voice_choices(script, role, chosen or {})
    speaking = {line.speaker for line in lines if line.speaker != role}
    return build_voices({name: choice for name, choice in choices.items() if name in speaking}, rate)


def prompter_for(voices: dict, rate=None):
    """callback's own voice, never one a character reads in."""
    from assistant.speech.voice_choice import prompter_voice

    return prompter_voice({getattr(voice, "name", "") for voice in voices.values()}, rate)


@click.command()
@click.argument("script_path", metavar="SCRIPT", type=click.Path(path_type=str))
@click.option("--role", default=None, help="The character you play (left out: you read it).")
@voice_option
def voices(script_path, role, **settings):
    """Who reads which part, in which voice, and why.

    A man's part gets a man's voice and a woman's a woman's, as the script shows it (pronouns in the action
    lines and parentheticals, a common first name); natural voices first (joe, hibari, then lower and higher
    versions of them), espeak-ng last. --voice THEO=joe changes one, for every later session on this script.
    """
    from assistant.commands.options import load_role
    from assistant.script import load_script
    from assistant.script.model import canonical_name

    if role is not None:
        script, _ = load_role(script_path, role)
        role = canonical_name(role)
    else:
        script = load_script(script_path, on_notice=lambda message: click.echo(f"callback: {message}", err=True))
    chosen = chosen_voices(settings, script, script_path)
    for name, choice in voice_choices(script, role, chosen).items():
        click.echo(f"{name}: {choice.voice} ({choice.why})")
    if role is not None:
        click.echo(f"{role}: you")


COMMANDS = [voices]
