"""Plain-text scripts: the simplest thing an actor can type.

    Title: The Lighthouse          <- optional, only before the first speech or scene
    # a comment line, ignored
    == INT. LIGHTHOUSE - NIGHT     <- a line starting with "==" opens a scene (trailing "=" ignored)
    MARA: You let the oil run low. <- NAME: words starts a speech
    (without looking up)           <- a parenthetical is direction, never spoken, on its own line
    JONAS (O.S.): I did (beat) not. <- ...or inline; extensions like (O.S.) fold into the name
    Any line without a name and colon continues the speech above it.

A speech starts where the text before the first colon looks like a name: one to four words,
each starting with a capital letter or digit ("ELENA", "Dr. Haas", "GUARD 2"), optionally
followed by extensions and a dual-dialogue "^". "Remember this: always" is not a name, so it
continues the speech. Blank lines are ignored (they do not end a speech); text before the first
speech is ignored, as are "==" lines with no heading text.
"""

from __future__ import annotations

import re

from assistant.script.builder import ScriptBuilder, fold_cue
from assistant.script.model import Script

_SPEECH = re.compile(
    r"""^\s*
    (?P<cue>@?[^\W\d_][\w.'’&\#-]*(?:[ \t]+[\w.'’&\#-]+){0,3}   # one to four words
            (?:\s*\([^()]*\))*\s*\^?)                            # extensions, dual marker
    \s*:(?P<words>.*)$""",
    re.VERBOSE,
)
_TITLE = re.compile(r"^\s*title\s*:(?P<title>.*)$", re.IGNORECASE)


def speech_start(line: str) -> tuple[str, str] | None:
    """(cue, words) when the line starts a speech, else None."""
    match = _SPEECH.match(line)
    if match is None:
        return None
    name_words = fold_cue(match["cue"]).name.split()
    original_words = match["cue"].lstrip("@").split()[: len(name_words)]
    if not all(word[0].isupper() or word[0].isdigit() for word in original_words):
        return None
    return match["cue"], match["words"]


def parse_plaintext(text: str, source: str = "") -> Script:
    builder = ScriptBuilder()
    title = ""
    started = False  # a Title: line only counts before the first speech or scene
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("=="):
            heading = stripped.strip("=").strip()
            if heading:
                builder.scene(heading)
                started = True
            continue
        if not started and (title_match := _TITLE.match(line)):
            title = title_match["title"].strip()
            continue
        if (speech := speech_start(line)) is not None:
            cue, words = speech
            builder.speech(cue, number)
            builder.say(words)
            started = True
        else:
            builder.say(stripped)
    return builder.build(title, source)
