"""Final Draft .fdx scripts (XML), read with expat so every paragraph knows its source line.

Only <FinalDraft><Content> is the script body; <TitlePage> gives the title (its first
non-empty paragraph); headers, footers and other sections are ignored. In a paragraph every
<Text> run is concatenated, as Final Draft splits a line into runs wherever the style changes.
A <DualDialogue> block holds two speeches; the second is flagged dual. A document type
declaration is refused: FDX never needs one, and refusing it shuts out entity-expansion bombs
without another dependency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from assistant.errors import CallbackError
from assistant.script.builder import ScriptBuilder
from assistant.script.model import Script

_SPOKEN = {"Dialogue", "Parenthetical"}


class _Refused(Exception):
    pass


@dataclass
class _Paragraph:
    kind: str
    line: int
    in_body: bool
    in_title_page: bool
    runs: list[str] = field(default_factory=list)
    has_text: bool = False

    @property
    def text(self) -> str:
        return "".join(self.runs)


class _FdxReader:
    def __init__(self) -> None:
        self.builder = ScriptBuilder()
        self.title = ""
        self._tags: list[str] = []
        self._paragraphs: list[_Paragraph] = []
        self._cues_in_dual: int | None = None  # counts cues inside a <DualDialogue>, None outside one

    def start(self, tag: str, attributes: dict[str, str], line: int) -> None:
        if not self._tags and tag != "FinalDraft":
            raise _Refused(f"its root element is <{tag}>, not <FinalDraft>")
        self._tags.append(tag)
        if tag == "DualDialogue":
            self._cues_in_dual = 0
        elif tag == "Paragraph":
            section = self._tags[1] if len(self._tags) > 1 else ""
            self._paragraphs.append(
                _Paragraph(attributes.get("Type", ""), line, section == "Content", section == "TitlePage")
            )
        elif tag == "Text" and self._paragraphs:
            self._paragraphs[-1].has_text = True

    def end(self, tag: str) -> None:
        self._tags.pop()
        if tag == "DualDialogue":
            self._cues_in_dual = None
            self.builder.end_speech()
        elif tag == "Paragraph":
            self._finish(self._paragraphs.pop())

    def characters(self, data: str) -> None:
        if self._tags and self._tags[-1] == "Text" and self._paragraphs:
            self._paragraphs[-1].runs.append(data)

    def _finish(self, paragraph: _Paragraph) -> None:
        if paragraph.in_title_page:
            if not self.title and paragraph.text.strip():
                self.title = paragraph.text
            return
        if not paragraph.in_body or not paragraph.has_text:
            return  # a wrapper like <Paragraph><DualDialogue>... has no words of its own
        if paragraph.kind == "Scene Heading":
            self.builder.scene(paragraph.text)
        elif paragraph.kind == "Character":
            dual = False
            if self._cues_in_dual is not None:
                self._cues_in_dual += 1
                dual = self._cues_in_dual > 1
            self.builder.speech(paragraph.text, paragraph.line, dual=dual)
        elif paragraph.kind in _SPOKEN:
            self.builder.say(paragraph.text)
        else:
            self.builder.end_speech()


def parse_fdx(data: bytes, source: str = "") -> Script:
    """Parse FDX bytes (expat honours the file's own encoding declaration)."""
    name = source or "the script"
    reader = _FdxReader()
    parser = expat.ParserCreate()

    def refuse_doctype(*_: object) -> None:
        raise _Refused("it declares a document type, which Final Draft files never do")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = lambda tag, attributes: reader.start(tag, attributes, parser.CurrentLineNumber)
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise CallbackError(
            f"{name} is not valid Final Draft XML: {expat.ErrorString(exc.code)} at line {exc.lineno}"
        ) from exc
    except _Refused as exc:
        raise CallbackError(f"{name} is not a Final Draft file: {exc}") from exc
    return reader.builder.build(reader.title, source)
