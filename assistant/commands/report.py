"""`callback report`: a role's practice as one HTML page, plots included, to open in any browser or send on."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.commands.stats import history_store, load_role_history, require_practice
from assistant.errors import CallbackError


@click.command()
@click.argument("script", type=click.Path(path_type=Path))
@click.option("--role", default=None, help="The character you play (needed when you practised several).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The HTML file to write [default: SCRIPT-ROLE-report.html in the current folder].")
def report(script: Path, role: str | None, output: Path | None) -> None:
    """Write a one-page HTML report of your practice of SCRIPT.

    It shows each line session by session, how the days went, the words you drop most, your checklist
    answers over time, and the lines to work on. The page is self-contained: no network, nothing beside it.
    """
    from assistant.history.report import build_report, render_html

    history = load_role_history(script, role)
    require_practice(history)
    if output is None:
        output = Path(f"{script.stem}-{history.role.lower().replace(' ', '-')}-report.html")
    _check_writable(output)
    store = history_store()
    checklists = store.checklists() if store else []
    page = render_html(build_report(history.title, history.role, str(history.script_path), history.texts,
                                    history.attempts, checklists))
    _write(output, page)
    click.echo(f"wrote {output}")


def _check_writable(output: Path) -> None:
    """Refuse a path that cannot take the page before drawing anything."""
    if output.is_dir():
        raise CallbackError(f"{output} is a folder; give -o a file name such as {output / 'report.html'}")
    folder = output.parent
    if not folder.is_dir():
        raise CallbackError(f"cannot write {output}: the folder {folder} does not exist")


def _write(output: Path, page: str) -> None:
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise CallbackError(f"cannot write {output}: {exc.strerror or exc}") from None


COMMANDS = [report]
