"""Who in a script is a man and who a woman, and why: so that each character's cue voice is of the right kind.

A script rarely says it outright; it shows it. The evidence read here, strongest first:

1. Action lines. A sentence that names exactly one character lends that character its pronouns and nouns
   ("ELENA (40s) checks her phone", "JONAS, a man in his 20s"); a following sentence that names nobody and
   starts with "He"/"She" continues with the same character ("JONAS enters. He is soaked."). A sentence that
   names two characters gives nothing: "THEO hands MAYA his keys" cannot say whose keys.
2. The character's own parentheticals, but only a pronoun that opens one ("(she hesitates)"): "(to him)" is
   about whoever is addressed, not the speaker.
3. A list of common first names (assistant/data/first_names.txt), for scripts that show nothing, as the
   plain-text sides and the demo scene do. A surname-only character (STEEL) is left unknown.

Sentences are counted, not words: "She takes her coat and her bag" is one sign, so a long description does not
outvote two short ones. The larger count wins; a tie is unknown. Dialogue is never read: "I love her" says
nothing about the speaker. Action lines come from the source file (Fountain, plain text, Final Draft); a PDF's
action is not read (its lines are laid out by page, and a wrong reading is worse than none), so PDF sides rely
on parentheticals and names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from assistant.script.model import Script, canonical_name

MAN, WOMAN, UNKNOWN = "man", "woman", "unknown"

_MALE_WORDS = {"he", "him", "his", "himself", "man", "boy", "guy", "gentleman", "father", "dad", "son",
               "husband", "brother", "uncle", "grandfather", "mr", "sir", "king", "prince", "lord"}
_FEMALE_WORDS = {"she", "her", "hers", "herself", "woman", "girl", "lady", "mother", "mom", "mum", "daughter",
                 "wife", "sister", "aunt", "grandmother", "mrs", "ms", "miss", "madam", "queen", "princess"}
#: In a sentence that names the character, "he", "she" and "him" are nearly always somebody else ("THEO hands
#: him a cup"); possessives and nouns stay ("ELENA checks her phone", "JONAS, a man in his 20s").
_ABOUT_SOMEONE_ELSE = {"he", "she", "him"}
_WORD = re.compile(r"[A-Za-z']+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


@dataclass(frozen=True)
class Casting:
    """A character's kind (MAN, WOMAN or UNKNOWN) and the reason a person can check ("'he' in action lines")."""

    kind: str
    reason: str
    age: int | None = None  # the decade a "(40s)" introduction gives (40), for a lower or higher variant voice


def cast(script: Script) -> dict[str, Casting]:
    """Every character of the script, with its kind and why."""
    names = list(script.roles())
    evidence: dict[str, list[tuple[str, str]]] = {name: [] for name in names}  # (kind, reason) per sign
    for sentence_owner, word in _action_signs(_action_text(script), names):
        evidence[sentence_owner].append(word)
    for line in script.lines:
        for parenthetical in line.direction.split(" / "):
            first = _WORD.findall(parenthetical.lower())[:1]
            kind = _kind_of_words(first)
            if kind:
                evidence[line.speaker].append((kind, f"'{first[0]}' in a parenthetical"))
    ages = _ages(_action_text(script), names)
    return {name: replace(_decide(name, evidence[name]), age=ages.get(name)) for name in names}


def _ages(text: str, names: list[str]) -> dict[str, int]:
    """The decade of each character introduced as "NAME (40s)" or "NAME, 40s," (the first one given)."""
    ages: dict[str, int] = {}
    for name in names:
        found = re.search(re.escape(name) + r"\s*[(,]\s*(?:late |early |mid-?)?(\d)0'?s\b", text)
        if found:
            ages[name] = int(found.group(1)) * 10
    return ages


def _decide(name: str, signs: list[tuple[str, str]]) -> Casting:
    men = [reason for kind, reason in signs if kind == MAN]
    women = [reason for kind, reason in signs if kind == WOMAN]
    if len(men) > len(women):
        return Casting(MAN, men[0])
    if len(women) > len(men):
        return Casting(WOMAN, women[0])
    in_name = _kind_of_words([word.lower() for word in _WORD.findall(name)])
    if in_name:
        return Casting(in_name, f"'{name.lower()}' is the character's name")
    by_name = first_name_kind(name)
    if by_name:
        return Casting(by_name, f"the name {name.split()[0].title()} is usually a {by_name}'s")
    return Casting(UNKNOWN, "the script does not say" if not signs else "the script says both")


def _kind_of_words(words: list[str]) -> str:
    """MAN or WOMAN when the words lean one way, else ""."""
    male = sum(word in _MALE_WORDS for word in words)
    female = sum(word in _FEMALE_WORDS for word in words)
    return MAN if male > female else WOMAN if female > male else ""


def _action_signs(text: str, names: list[str]):
    """(character, (kind, reason)) for each action sentence that points at one character."""
    patterns = {name: _name_pattern(name) for name in names}
    for paragraph in re.split(r"\n\s*\n", text):
        focus = None
        for sentence in _SENTENCE_END.split(paragraph):
            named = [name for name, pattern in patterns.items() if pattern.search(sentence)]
            words = [word.lower().strip("'") for word in _WORD.findall(patterns[named[0]].sub("", sentence)
                                                                     if len(named) == 1 else sentence)]
            if len(named) == 1:
                focus = named[0]
                words = [word for word in words if word not in _ABOUT_SOMEONE_ELSE]
            elif named:
                focus = None
                continue
            elif focus and words and words[0] in {"he", "she"}:
                words = words[:1]  # "He takes her in": the subject is the character, "her" somebody else
            else:
                continue
            kind = _kind_of_words(words)
            if kind:
                sign = next(w for w in words if w in (_MALE_WORDS if kind == MAN else _FEMALE_WORDS))
                yield focus, (kind, f"'{sign}' in action lines")


def _name_pattern(name: str) -> re.Pattern[str]:
    """The name as a script writes it in action: in capitals (a first appearance) or in title case; its first
    word alone too ("BRICK" for BRICK BRADDOCK is rare, but "Brick" for BRICK is the rule)."""
    forms = {name, name.title()}
    first = name.split()[0]
    if first != name and len(first) > 2:
        forms |= {first, first.title()}
    return re.compile(r"(?<![A-Za-z'])(?:" + "|".join(re.escape(form) for form in sorted(forms)) + r")(?![A-Za-z'])")


# -- the action lines of a source file --------------------------------------------------------------------------

_CUE_LINE = re.compile(r"^\s*@?([A-Z][A-Z0-9 .'\-]*?)\s*(\(.*\))?\s*\^?\s*$")
_PLAIN_SPEECH = re.compile(r"^\s*([^:\n]{1,40}):")
_HEADING = re.compile(r"^\s*(\.(?=\w)|INT\b|EXT\b|EST\b|INT\./EXT|I/E|==)", re.IGNORECASE)


def _action_text(script: Script) -> str:
    """The script's action lines, paragraphs kept apart by blank lines; "" when they cannot be read."""
    path = Path(script.source) if script.source else None
    if path is None or not path.is_file():
        return ""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return ""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if suffix == ".fdx":
        return _fdx_action(text)
    return _text_action(text, set(script.roles()))


def _fdx_action(xml: str) -> str:
    paragraphs = re.findall(r'<Paragraph[^>]*Type="Action"[^>]*>(.*?)</Paragraph>', xml, flags=re.DOTALL)
    return "\n\n".join(re.sub(r"<[^>]+>", "", paragraph).strip() for paragraph in paragraphs)


def _text_action(text: str, roles: set[str]) -> str:
    """Fountain or plain text: every block that is not a speech and every line that is not 'NAME: words'."""
    kept = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        cue = _CUE_LINE.match(lines[0])
        if cue and canonical_name(cue.group(1)) in roles:
            continue  # a Fountain speech: cue, parentheticals, dialogue
        prose = []
        for line in lines:
            speech = _PLAIN_SPEECH.match(line)
            if (speech and canonical_name(speech.group(1)) in roles) or _HEADING.match(line):
                continue
            prose.append(line.strip().lstrip("#!").strip())
        kept.append(" ".join(prose))
    return "\n\n".join(kept)


# -- first names ------------------------------------------------------------------------------------------------


def first_name_kind(name: str) -> str:
    """MAN or WOMAN when the first word of the name is a common first name of that kind, else ""."""
    words = name.split()
    return _first_names().get(words[0].casefold(), "") if words else ""


@lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    names: dict[str, str] = {}
    text = resources.files("assistant").joinpath("data/first_names.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        kind, _, listed = line.partition(":")
        if kind.strip() in (MAN, WOMAN):
            for given in listed.split():
                names.setdefault(given.casefold(), kind.strip())
    return names
