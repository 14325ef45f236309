"""One model of a script, whatever format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One speech: what a character says, plus the direction that goes with it (never spoken)."""

    speaker: str  # canonical character name, upper case, extensions like (V.O.) folded away
    text: str  # the words to be spoken, parentheticals and notes removed
    direction: str = ""  # parentheticals, joined with " / "
    source_line: int = 0  # where it is in the source: 1-based line of a text file, page of a PDF
    dual: bool = False  # spoken at the same time as the previous speech


@dataclass(frozen=True)
class Scene:
    heading: str  # e.g. "EXT. BRICK'S PATIO - DAY"; "" for a script with no headings
    lines: tuple[Line, ...] = ()
    number: int = 1  # 1-based


@dataclass(frozen=True)
class Script:
    title: str
    scenes: tuple[Scene, ...] = field(default_factory=tuple)
    source: str = ""  # file path it was read from

    @property
    def lines(self) -> list[Line]:
        return [line for scene in self.scenes for line in scene.lines]

    def roles(self) -> dict[str, int]:
        """Characters in order of first appearance, with how many speeches each has."""
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
        return counts

    def lines_of(self, role: str) -> list[Line]:
        """The speeches of one role; raises CallbackError naming the real roles when it is unknown."""
        from assistant.errors import CallbackError

        wanted = canonical_name(role)
        if wanted not in self.roles():
            known = ", ".join(self.roles()) or "none"
            raise CallbackError(f"no character {role!r} in {self.source or 'the script'}; characters: {known}")
        return [line for line in self.lines if line.speaker == wanted]


def canonical_name(name: str) -> str:
    return " ".join(name.upper().split())
