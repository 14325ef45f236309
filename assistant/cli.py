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


def main() -> None:
    _register()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("callback: stopped", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CallbackError as exc:
        click.echo(f"callback: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("callback: stopped", err=True)
        sys.exit(130)
