"""The `callback` command line: a thin layer that turns arguments into calls and errors into one line."""

from __future__ import annotations

import sys

import click

from assistant.errors import CallbackError


@click.group()
@click.version_option(package_name="callback")
def cli() -> None:
    """callback: run lines hands-free, offline."""


def _register() -> None:
    from assistant.commands import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


def one_line(message: str) -> str:
    """An error is one line even when what it quotes is not (a file name with a newline in it)."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def main() -> None:
    from assistant import stop_signals

    stop_signals.install()  # SIGTERM and SIGHUP end a session as Ctrl-C does
    _register()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(f"callback: {stop_signals.stopped_message()}", err=True)
        sys.exit(stop_signals.exit_code())
    except click.UsageError as exc:
        # One line, like every other error: what was wrong, and where the help is.
        command = exc.ctx.command_path if exc.ctx is not None else "callback"
        click.echo(f"callback: {one_line(exc.format_message())} (see `{command} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CallbackError as exc:
        click.echo(f"callback: {one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(f"callback: {stop_signals.stopped_message()}", err=True)
        sys.exit(stop_signals.exit_code())
