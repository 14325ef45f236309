"""`callback show SCRIPT`: the script as callback understood it, to check an import before rehearsing.

Scenes, who speaks, the words to be spoken and the directions that go with them: the same Script every
other command rehearses from, so what is missing or wrong here (a misread PDF, a cue taken for action)
is missing or wrong in rehearsal too.

Each speech is numbered within its speaker's part ("MAYA 3:"): the numbers `run --from/--to`, `drill --line`,
`grade --line` and `takes --line` take, counted through the whole script as those commands count them, so an
actor reads the number off this listing rather than counting speeches by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.script import Scene, Script, canonical_name, load_script


@click.command()
@click.argument("script", type=click.Path(path_type=Path))  # existence is checked by load_script, in its words
@click.option("--role", help="Only the scenes ROLE speaks in, with ROLE's lines marked '>' and only ROLE's "
                             "lines numbered.")
@click.option(
    "--json", "as_json", is_flag=True,
    help='Print {"title": ..., "scenes": [{"heading": ..., "lines": [{"speaker": ..., "number": ..., "text": ..., '
         '"direction": ..., "dual": ...}]}]}; "number" is the line\'s number in its speaker\'s part.',
)
def show(script: Path, role: str | None, as_json: bool) -> None:
    """Print SCRIPT as callback read it: scenes, speakers, lines and directions.

    Each line is numbered within its speaker's part ("MAYA 3:"): the N that `run --from/--to N` and
    `drill --line N` take. The numbers count through the whole script (with `run --scene`, they start
    again at 1 in that scene).
    """
    loaded = load_script(script, on_notice=lambda message: click.echo(f"callback: {message}", err=True))
    scenes = list(loaded.scenes)
    mine = ""
    if role is not None:
        loaded.lines_of(role)  # a one-line error naming the real characters when ROLE is not one
        mine = canonical_name(role)
        scenes = [scene for scene in scenes if any(line.speaker == mine for line in scene.lines)]
    if as_json:
        click.echo(json.dumps(script_as_dict(loaded, scenes), ensure_ascii=False))
    else:
        click.echo(_as_text(loaded, scenes, mine))


def part_numbers(script: Script) -> dict[int, int]:
    """id(line) -> the line's number in its speaker's part, counted as `run --from/--to` counts them.

    Keyed by identity, not index: a Scene's lines are the very objects of script.lines, and equal speeches
    (the same "Yes." twice) still get their own numbers.
    """
    from assistant.session.run import number_role_lines

    lines = script.lines
    numbers: dict[int, int] = {}
    for speaker in script.roles():
        numbers.update((id(lines[index]), number) for index, number in number_role_lines(lines, speaker).items())
    return numbers


def script_as_dict(script: Script, scenes: list[Scene] | None = None) -> dict:
    numbers = part_numbers(script)
    return {
        "title": script.title,
        "scenes": [
            {
                "heading": scene.heading,
                "lines": [
                    {"speaker": line.speaker, "number": numbers[id(line)], "text": line.text, "direction": line.direction, "dual": line.dual}
                    for line in scene.lines
                ],
            }
            for scene in (script.scenes if scenes is None else scenes)
        ],
    }


def _as_text(script: Script, scenes: list[Scene], mine: str) -> str:
    roles = script.roles()
    speeches = sum(roles.values())
    out = [
        script.title,
        f"{len(script.scenes)} {_plural(len(script.scenes), 'scene')}, {speeches} {_plural(speeches, 'speech')}, "
        + ", ".join(f"{name} {count}" for name, count in roles.items()),
    ]
    numbers = part_numbers(script)
    for scene in scenes:
        out.append("")
        out.append(f"Scene {scene.number}: {scene.heading or '(no heading)'}")
        for line in scene.lines:
            marker = "> " if mine and line.speaker == mine else "  "
            # With --role, only the role's numbers: the ones the actor will type; the others are noise.
            number = _numbered(line.speaker, numbers[id(line)]) if not mine or line.speaker == mine else ""
            together = " (at the same time)" if line.dual else ""
            direction = f" [{line.direction}]" if line.direction else ""
            out.append(f"{marker}{line.speaker}{number}{together}:{direction} {line.text}")
    return "\n".join(out)


def _numbered(speaker: str, number: int) -> str:
    # "GUARD 2 1" would read as one name: a name that ends in a digit says "line".
    return f" line {number}" if speaker[-1:].isdigit() else f" {number}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else ("speeches" if word == "speech" else word + "s")


COMMANDS = [show]
