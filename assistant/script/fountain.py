"""Fountain screenplays (https://fountain.io), parsed by fountain-py with a thin fix-up layer.

fountain-py does the Fountain grammar: title page, scene headings (also forced ".HEADING"),
character cues (also forced "@Name"), extensions, dual dialogue "^", parentheticals,
transitions, centred text, lyrics, sections, synopses, page breaks, and emphasis markup,
and it reports source line numbers. This module adds what it gets wrong or leaves to us:

* Notes [[...]] and boneyard /* ... */ are cut out before parsing, because fountain-py drops
  the rest of a speech after a multi-line note inside it. Lines left empty by the cut are
  removed (so a speech around a note stays one speech) and line numbers are mapped back.
* Parentheticals inside a dialogue line, "(beat)", become direction (the shared builder).
* Lyrics "~" directly under a cue are sung by that character, so they are part of the speech;
  lyrics standing alone are not dialogue.
* The title page's Title loses its emphasis markup and line breaks.

Sniffing: a file without a Fountain extension is read as Fountain when it clearly is one:
it has at least one upper-case scene heading (INT./EXT./EST./I/E) and more upper-case
character cues on their own line than "NAME: words" speech lines.
"""

from __future__ import annotations

import re

from fountain import ElementType, FountainElement, FountainParser

from assistant.errors import CallbackError
from assistant.script.builder import ScriptBuilder
from assistant.script.model import Script
from assistant.script.plaintext import speech_start

_HIDDEN = re.compile(r"/\*.*?\*/|\[\[.*?\]\]", re.DOTALL)
_CUT = "\x01"  # marks lines a note or boneyard touched; script text never has control characters
_EMPHASIS = re.compile(r"(?<!\\)(\*+|_)")

_SNIFF_HEADING = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ]")
_SNIFF_CUE = re.compile(r"^@?[A-Z][A-Z0-9 .'’#&-]*(?:\s*\([^()]*\))*\s*\^?$")


def parse_fountain(text: str, source: str = "") -> Script:
    visible, line_of = _cut_notes_and_boneyard(text)
    try:
        document = FountainParser().parse(visible)
    except Exception as exc:  # a third-party parser failing must still be one line for the user
        raise CallbackError(f"cannot parse {source or 'the script'} as Fountain: {exc}") from exc

    builder = ScriptBuilder()
    last_speech_line = -1  # parser line of the speech's latest element, to tell sung lyrics from stray ones
    for element in document.elements:
        kind = element.type
        if kind is ElementType.SCENE_HEADING:
            builder.scene(element.text)
        elif kind is ElementType.CHARACTER:
            _start_speech(builder, element, line_of, dual=bool(element.metadata.get("dual_dialogue")))
            last_speech_line = element.line_number
        elif kind in (ElementType.DIALOGUE, ElementType.PARENTHETICAL):
            builder.say(element.text)
            last_speech_line = element.line_number
        elif kind is ElementType.LYRICS and builder.in_speech and element.line_number == last_speech_line + 1:
            builder.say(element.text)
            last_speech_line = element.line_number
        elif kind is ElementType.DUAL_DIALOGUE:
            for side, dual in (("left", False), ("right", True)):
                _start_speech(builder, element.metadata[f"{side}_character"], line_of, dual=dual)
                for part in element.metadata[f"{side}_dialogue"]:
                    builder.say(part.text)
            builder.end_speech()
        else:
            builder.end_speech()
    return builder.build(_plain_title(document.metadata.get("title", "")), source)


def looks_like_fountain(text: str) -> bool:
    lines = text.split("\n")
    headings = cues = speeches = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        after_blank = index == 0 or not lines[index - 1].strip()
        before_text = index + 1 < len(lines) and bool(lines[index + 1].strip())
        if after_blank and _SNIFF_HEADING.match(stripped):
            headings += 1
        elif after_blank and before_text and _SNIFF_CUE.match(stripped) and not stripped.endswith("TO:"):
            cues += 1
        elif speech_start(line) is not None:
            speeches += 1
    return headings > 0 and cues > speeches


def _start_speech(builder: ScriptBuilder, cue: FountainElement, line_of: list[int], dual: bool) -> None:
    builder.speech(cue.text, line_of[cue.line_number - 1], dual=dual)


def _cut_notes_and_boneyard(text: str) -> tuple[str, list[int]]:
    """Text without notes and boneyard, and for each of its lines the original line number."""
    marked = _HIDDEN.sub(lambda hidden: _CUT + ("\n" + _CUT) * hidden.group().count("\n"), text)
    kept: list[str] = []
    line_of: list[int] = []
    for number, line in enumerate(marked.split("\n"), start=1):
        if _CUT in line:
            line = line.replace(_CUT, "").rstrip()
            if not line.strip():
                continue
        kept.append(line)
        line_of.append(number)
    return "\n".join(kept), line_of


def _plain_title(title: str) -> str:
    return " ".join(_EMPHASIS.sub("", title).replace("\\", "").split())
