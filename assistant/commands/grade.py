"""`callback grade`: judge a recorded take (one line, or a whole self-tape) against the script."""

from __future__ import annotations

import json

import click

from assistant.commands.options import engine_options, load_role, open_hearing, strictness_option
from assistant.errors import CallbackError


@click.command()
@click.argument("take", type=click.Path(path_type=str))
@click.option("--script", "script_path", required=True, type=click.Path(path_type=str), help="The script file.")
@click.option("--role", required=True, help="The character you play.")
@click.option("--line", "line_number", type=int, default=None, help="Grade only this line of the role (1-based).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@strictness_option
@engine_options
def grade(take, script_path, role, line_number, as_json, strictness, engine, model):
    """Grade TAKE.wav (any rate, any channels) against ROLE's lines in SCRIPT."""
    from assistant.audio.pcm import read_wav
    from assistant.grading import grade_line, grade_tape

    script, lines = load_role(script_path, role)
    if line_number is not None and not 1 <= line_number <= len(lines):
        raise CallbackError(f"{role} has {len(lines)} lines; --line must be between 1 and {len(lines)}")
    audio = read_wav(take)
    ear = open_hearing(engine, model, list(script.roles()), purpose="grading")

    if line_number is not None:
        result = grade_line(ear, audio, lines[line_number - 1], line_number, strictness)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            click.echo(describe(result))
        return

    results = grade_tape(ear, audio, lines, strictness)
    if as_json:
        click.echo(json.dumps({"role": role, "lines": [r.to_dict() for r in results]}, ensure_ascii=False))
        return
    for result in results:
        click.echo(describe(result))
    right = sum(r.verdict.ok for r in results)
    click.echo(f"{right} of {len(results)} lines right")


def describe(result) -> str:
    verdict = result.verdict
    head = f"line {result.line_number}: {verdict.verdict} ({verdict.score:.2f})  {verdict.expected}"
    if verdict.ok:
        return head
    return f"{head}\n    heard: {verdict.heard or '(nothing)'}\n    {verdict.correction()}"


COMMANDS = [grade]
