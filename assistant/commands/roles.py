"""`callback roles SCRIPT`: who speaks in a script, and how often, in order of first appearance."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.script import load_script


@click.command()
@click.argument("script", type=click.Path(path_type=Path))  # existence is checked by load_script, in its words
@click.option("--json", "as_json", is_flag=True, help='Print [{"name": ..., "lines": ...}, ...] instead of a list.')
def roles(script: Path, as_json: bool) -> None:
    """List the characters in SCRIPT and how many speeches each has."""
    counts = load_script(script).roles()
    if as_json:
        click.echo(json.dumps([{"name": name, "lines": count} for name, count in counts.items()], ensure_ascii=False))
        return
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        click.echo(f"{name:<{width}}  {count} {'line' if count == 1 else 'lines'}")


COMMANDS = [roles]
