"""The practice-history options every session command shares."""

from __future__ import annotations

import click


def history_option(command):
    return click.option(
        "--no-history", "no_history", is_flag=True,
        help="Keep nothing from this session in the practice history.",
    )(command)


def open_history(settings, script_path=None, title=None, keep_takes: bool = False):
    """The recorder for this session, checked before anything is asked; None (said on stderr) with --no-history."""
    from assistant.history.recorder import open_recorder

    if settings.get("no_history"):
        click.echo("callback: --no-history: nothing from this session will be kept", err=True)
        return None
    return open_recorder(True, script_path, title, keep_takes,
                         on_notice=lambda message: click.echo(f"callback: {message}", err=True))
