"""`callback report`: a role's practice as one HTML page, plots included, to open in any browser or send on."""

from __future__ import annotations

import os
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

    It opens with the three lines to work on tonight and why, with their cues; then every line (right
    unaided, after a prompt, slips, missed, pickup), each line session by session, how the days went, the
    words you change most, the notes you take well in drills, and the checklist items still answered no. The page is self-contained: no network, nothing beside it.
    """
    from assistant.history.report import build_report, render_html

    history = load_role_history(script, role)
    require_practice(history)
    if output is None:
        output = Path(f"{script.stem}-{history.role.lower().replace(' ', '-')}-report.html")
    _check_writable(output, script)
    store = history_store()
    checklists = store.checklists() if store else []
    drills = _drills(store, script, history.role) if store else []
    page = render_html(build_report(history.title, history.role, str(history.script_path), history.texts,
                                    history.attempts, checklists, cues=history.cues, drills=drills))
    _write(output, page)
    click.echo(f"wrote {output}")


def _drills(store, script: Path, role: str) -> list:
    from assistant.history.recorder import ScriptIdentity

    identity = ScriptIdentity.of_file(script)
    return store.sessions_on("drill", role, identity.content_hash, identity.path)


#: Written into every report's <head>, so an earlier report is known for one and may be written over; any other
#: existing file is somebody's work (`-o callback.db` replaced the practice history with a page).
MARKER = '<meta name="generator" content="callback report">'
#: How much of an existing file is read to find the marker: it sits in the first lines of the page.
MARKER_WITHIN = 4096


def _check_writable(output: Path, script: Path) -> None:
    """Refuse a path that cannot take the page, or must not, before drawing anything: a folder, a missing
    folder, the practice history, the script, a device, or any existing file that is not an earlier report."""
    from assistant.history.database import default_path
    from assistant.plain_files import kind_of

    if output.is_dir():
        raise CallbackError(f"{output} is a folder; give -o a file name such as {output / 'report.html'}")
    folder = output.parent
    if not folder.is_dir():
        raise CallbackError(f"cannot write {output}: the folder {folder} does not exist")
    history = default_path()
    protected = {_real(history): "the practice history", _real(script): "the script"}
    protected.update({_real(history.with_name(history.name + end)): "the practice history" for end in ("-wal", "-shm")})
    if _real(output) in protected:
        raise CallbackError(f"-o {output} is {protected[_real(output)]}; refusing to write the report over it "
                            "(give another file name)")
    kind = kind_of(output)
    if kind == "missing":
        return
    if kind is not None:
        raise CallbackError(f"-o {output} is {kind}, not a file; give a file name such as report.html")
    if not _is_report(output):
        raise CallbackError(f"{output} exists and is not a callback report; refusing to write over it "
                            "(give another file name, or move it aside)")


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _is_report(path: Path) -> bool:
    try:
        with open(path, "rb") as existing:
            return MARKER.encode() in existing.read(MARKER_WITHIN)
    except OSError:
        return False


def _marked(page: str) -> str:
    head = page.find("<head>")
    at = head + len("<head>") if head >= 0 else page.find("\n") + 1
    return f"{page[:at]}\n{MARKER}{page[at:]}"


def _write(output: Path, page: str) -> None:
    """All of the page or nothing: written beside the target and renamed over it, so a full disk cannot leave an
    earlier report cut short."""
    target = Path(_real(output))
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.write_text(_marked(page), encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CallbackError(f"cannot write {output}: {exc.strerror or exc}") from None


COMMANDS = [report]
