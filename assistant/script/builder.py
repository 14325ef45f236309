"""Assembling a Script from the events every format parser emits: scene, speech, words, end of speech.

Keeping this in one place is what makes the formats agree: extensions fold the same way,
parentheticals become direction the same way, and empty speeches vanish the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.script.model import Line, Scene, Script, canonical_name

_TRAILING_EXTENSION = re.compile(r"\s*\([^()]*\)\s*$")
_REMOVED = "\x00"  # marks a cut-out direction; never in script text, which refuses NUL bytes


@dataclass(frozen=True)
class Cue:
    name: str  # canonical, e.g. "MARA" for "@Mara (CONT'D) ^"
    dual: bool  # the cue ended in ^


def fold_cue(cue: str) -> Cue:
    """The character behind a cue: forcing @, dual-dialogue ^ and extensions like (V.O.) removed."""
    name = cue.strip()
    dual = name.endswith("^")
    name = name.rstrip("^").strip().lstrip("@")
    # Several extensions can be stacked: "MARA (V.O.) (CONT'D)".
    while (stripped := _TRAILING_EXTENSION.sub("", name)) != name:
        name = stripped
    return Cue(canonical_name(name), dual)


def split_parentheticals(raw: str) -> tuple[str, list[str]]:
    """Spoken words and the (directions) found among them; nested brackets stay in their direction."""
    spoken: list[str] = []
    directions: list[str] = []
    depth = 0
    current: list[str] = []
    for char in raw:
        if char == "(":
            if depth:
                current.append(char)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth:
                current.append(char)
            else:
                directions.append(_tidy("".join(current)))
                current = []
                spoken.append(_REMOVED)
        elif depth:
            current.append(char)
        else:
            spoken.append(char)
    if depth:  # an unclosed "(" is more likely a typo in the words than a direction
        spoken.append("(" + "".join(current))
    # Where a direction was cut out, "away (beat) ." must read "away." and "gulls,(beat)yes" "gulls, yes".
    text = re.sub(rf"\s*{_REMOVED}\s*(?=[,.;:!?…])", "", "".join(spoken))
    text = _tidy(text.replace(_REMOVED, " "))
    return text, [d for d in directions if d]


def _tidy(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _OpenSpeech:
    cue: Cue
    source_line: int
    pieces: list[str] = field(default_factory=list)


class ScriptBuilder:
    """Collects scenes and speeches in reading order; build() returns the finished Script."""

    def __init__(self) -> None:
        self._scenes: list[Scene] = []
        self._heading = ""
        self._lines: list[Line] = []
        self._speech: _OpenSpeech | None = None

    def scene(self, heading: str) -> None:
        self.end_speech()
        self._close_scene()
        self._heading = _tidy(heading)

    def speech(self, cue: str, source_line: int, dual: bool = False) -> None:
        self.end_speech()
        folded = fold_cue(cue)
        if folded.name:
            self._speech = _OpenSpeech(Cue(folded.name, folded.dual or dual), source_line)

    @property
    def in_speech(self) -> bool:
        return self._speech is not None

    def say(self, text: str) -> None:
        """Words or (direction) belonging to the open speech; ignored when no speech is open."""
        if self._speech is not None:
            self._speech.pieces.append(text)

    def end_speech(self) -> None:
        speech, self._speech = self._speech, None
        if speech is None:
            return
        text, directions = split_parentheticals(" ".join(speech.pieces))
        if not text:  # a cue with only "(nods)" has nothing to rehearse
            return
        self._lines.append(
            Line(
                speaker=speech.cue.name,
                text=text,
                direction=" / ".join(directions),
                source_line=speech.source_line,
                dual=speech.cue.dual,
            )
        )

    def build(self, title: str, source: str) -> Script:
        self.end_speech()
        self._close_scene()
        return Script(title=_tidy(title), scenes=tuple(self._scenes), source=source)

    def _close_scene(self) -> None:
        # Lines before the first heading form an untitled scene, but only if there are any.
        if self._heading or self._lines:
            self._scenes.append(Scene(self._heading, tuple(self._lines), len(self._scenes) + 1))
        self._lines = []
        self._heading = ""
