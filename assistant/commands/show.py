"""`callback show SCRIPT`: the script as callback understood it, to check an import before rehearsing.

Scenes, who speaks, the words to be spoken and the directions that go with them: the same Script every
other command rehearses from, so what is missing or wrong here (a misread PDF, a cue taken for action)
is missing or wrong in rehearsal too.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.script import Scene, Script, canonical_name, load_script


@click.command()
@click.argument("script", type=click.Path(path_type=Path))  # existence is checked by load_script, in its words
@click.option("--role", help="Only the scenes ROLE speaks in, with ROLE's lines marked '>'.")
@click.option(
    "--json", "as_json", is_flag=True,
    help='Print {"title": ..., "scenes": [{"heading": ..., "lines": [{"speaker": ..., "text": ..., '
         '"direction": ..., "dual": ...}]}]}.',
)
def show(script: Path, role: str | None, as_json: bool) -> None:
    """Print SCRIPT as callback read it: scenes, speakers, lines and directions."""
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


def script_as_dict(script: Script, scenes: list[Scene] | None = None) -> dict:
    return {
        "title": script.title,
        "scenes": [
            {
                "heading": scene.heading,
                "lines": [
                    {"speaker": line.speaker, "text": line.text, "direction": line.direction, "dual": line.dual}
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
    for scene in scenes:
        out.append("")
        out.append(f"Scene {scene.number}: {scene.heading or '(no heading)'}")
        for line in scene.lines:
            marker = "> " if mine and line.speaker == mine else "  "
            together = " (at the same time)" if line.dual else ""
            direction = f" [{line.direction}]" if line.direction else ""
            out.append(f"{marker}{line.speaker}{together}:{direction} {line.text}")
    return "\n".join(out)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else ("speeches" if word == "speech" else word + "s")


COMMANDS = [show]
