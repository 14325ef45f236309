"""Which scenes of a script a run plays, and where each line of it stands.

An actor playing a small part (BRICK has lines in two of eight scenes of Brick & Steel) sat through every
other character's scenes, and through the end of each scene after their last line. `--my-scenes` plays only
the scenes the role is in, each from the cue before the role's first line in it to the role's last line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assistant.script.model import Line, Scene
from assistant.session.run import number_role_lines, select_lines

SceneLabel = tuple[int | None, str]  # (scene number, heading), as a run's `scene_start` event carries it


@dataclass(frozen=True)
class Selection:
    """The lines a run plays, the role's line number at each of its own lines, and each line's scene."""

    lines: list[Line]
    numbers: dict[int, int]  # index in `lines` -> the role's line number (of the whole script or scene given)
    scenes: list[SceneLabel]  # in step with `lines`


def in_every_scene(scenes: Sequence[Scene], role: str) -> bool:
    """Whether the role speaks in every scene that has speech (a heading-only scene such as OPENING TITLES
    is no scene to sit through)."""
    return all(any(line.speaker == role for line in scene.lines) for scene in scenes if scene.lines)


def labelled(scenes: Sequence[Scene]) -> tuple[list[Line], list[SceneLabel]]:
    """Every line of `scenes` in order, and each one's scene label."""
    lines: list[Line] = []
    labels: list[SceneLabel] = []
    for scene in scenes:
        lines += scene.lines
        labels += [(scene.number, scene.heading)] * len(scene.lines)
    return lines, labels


def select_stretch(scenes: Sequence[Scene], role: str, start: int | None = None, end: int | None = None) -> Selection:
    """`select_lines` over `scenes`, with each chosen line's scene."""
    all_lines, labels = labelled(scenes)
    lines, numbers = select_lines(all_lines, role, start, end)
    first = _first_index(all_lines, role, numbers)
    return Selection(lines, numbers, labels[first:first + len(lines)])


def select_my_scenes(scenes: Sequence[Scene], role: str, start: int | None = None,
                     end: int | None = None) -> Selection:
    """Only the scenes the role speaks in (between its lines `start` and `end`, 1-based, inclusive): in each,
    from the one cue before the role's first line there (when the scene has one) to the role's last line.

    Numbers stay those of all of `scenes`, so "line 4" means the same as in a whole run. The bounds are checked
    as `select_lines` checks them (one-line errors).
    """
    all_lines, labels = labelled(scenes)
    select_lines(all_lines, role, start, end)  # the same one-line errors for --from and --to
    own = number_role_lines(all_lines, role)
    low, high = start or 1, end or len(own)
    kept: list[int] = []
    for scene_indices in _indices_by_scene(scenes):
        mine = [i for i in scene_indices if i in own and low <= own[i] <= high]
        if not mine:
            continue
        first = mine[0]
        if first > scene_indices[0] and all_lines[first - 1].speaker != role:
            first -= 1  # the cue
        kept += range(first, mine[-1] + 1)
    return Selection([all_lines[i] for i in kept],
                     {position: own[i] for position, i in enumerate(kept) if i in own},
                     [labels[i] for i in kept])


def _indices_by_scene(scenes: Sequence[Scene]) -> list[list[int]]:
    groups, at = [], 0
    for scene in scenes:
        groups.append(list(range(at, at + len(scene.lines))))
        at += len(scene.lines)
    return groups


def _first_index(all_lines: Sequence[Line], role: str, numbers: dict[int, int]) -> int:
    """Where the stretch `select_lines` chose begins among `all_lines` (it starts at a line or cue of the role's
    first chosen line, so the role's numbering finds it)."""
    own = {number: index for index, number in number_role_lines(all_lines, role).items()}
    position, number = min(numbers.items())  # select_lines always keeps at least one of the role's lines
    return own[number] - position


__all__ = ["Selection", "in_every_scene", "select_my_scenes", "select_stretch"]
