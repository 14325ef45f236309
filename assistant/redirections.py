"""The director's notes of a redirection drill: built in (assistant/data/redirections.toml) and the user's own.

The user's file is the one $CALLBACK_REDIRECTIONS names (it must exist), else
$XDG_CONFIG_HOME/callback/redirections.toml or ~/.config/callback/redirections.toml when present; same shape
as the built-in one, plus an optional top-level `mode = "replace"` (default "extend": a note with a built-in id
rewords it, any other is added).
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from assistant.errors import CallbackError
from assistant.user_files import read_text
from assistant.user_files import user_file as find_user_file

ENV_OVERRIDE = "CALLBACK_REDIRECTIONS"
MEASURES = ("articulation_rate", "loudness", "pauses", "pitch_range")
#: What `--kinds` may name: the measurable kinds, "qualitative" for all the others, or any kind by name.
MEASURABLE_KINDS = ("pace", "loudness", "pauses", "pitch")


@dataclass(frozen=True)
class Redirection:
    id: str
    kind: str
    phrasings: tuple[str, ...]
    measure: str | None = None  # None: qualitative, self-rated
    direction: int = 0  # +1 more of the measure, -1 less

    @property
    def measurable(self) -> bool:
        return self.measure is not None

    def phrase(self, rng: random.Random) -> str:
        return rng.choice(self.phrasings)


def user_file() -> Path | None:
    return find_user_file(ENV_OVERRIDE, "redirections.toml")


def load_redirections(path: Path | None = None, use_user_file: bool = True) -> tuple[Redirection, ...]:
    text = resources.files("assistant").joinpath("data/redirections.toml").read_text(encoding="utf-8")
    built_in = _parse(tomllib.loads(text), "the built-in redirections")
    if path is None and use_user_file:
        path = user_file()
    if path is None:
        return built_in
    data = _read(path)
    theirs = _parse(data, str(path), require=False)
    if data.get("mode", "extend") == "replace":
        chosen = theirs
    else:
        by_id = {r.id: r for r in theirs}
        chosen = tuple(by_id.pop(r.id, r) for r in built_in) + tuple(r for r in theirs if r.id in by_id)
    if not chosen:
        raise CallbackError(f"cannot use {path}: it leaves no redirections")
    return chosen


def choose_kinds(redirections: Sequence[Redirection], kinds: str | None) -> tuple[Redirection, ...]:
    """The notes `--kinds` asks for (comma-separated kinds; "qualitative" for every unmeasured one)."""
    if not kinds:
        return tuple(redirections)
    asked = {k.strip().lower() for k in kinds.split(",") if k.strip()}
    known = {r.kind for r in redirections} | {"qualitative"}
    unknown = sorted(asked - known)
    if unknown:
        raise CallbackError(f"--kinds: no redirections of kind {unknown[0]!r}; choose from {', '.join(sorted(known))}")
    return tuple(r for r in redirections if r.kind in asked or ("qualitative" in asked and not r.measurable))


def _read(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CallbackError(f"cannot use {path}: not valid TOML ({exc})") from None
    except RecursionError:  # thousands of nested brackets: no notes file is shaped like that
        raise CallbackError(f"cannot use {path}: it is nested too deeply to be a notes file") from None


def _parse(data: dict[str, Any], source: str, require: bool = True) -> tuple[Redirection, ...]:
    def fail(problem: str) -> CallbackError:
        return CallbackError(f"cannot use {source}: {problem}")

    mode = data.get("mode", "extend")
    if mode not in ("extend", "replace"):
        raise fail(f'mode must be "extend" or "replace", not {mode!r}')
    unknown = set(data) - {"mode", "redirection"}
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}; notes go in [[redirection]] tables")
    raw = data.get("redirection", [])
    if isinstance(raw, dict):
        # `[redirection]` (single brackets) is one table; the notes are an array of tables.
        raise fail("each note is a [[redirection]] table (double brackets); use [[redirection]], not [redirection]")
    if not isinstance(raw, list):
        raise fail(f"redirection = {raw!r} is not a list of notes; write each note as a [[redirection]] table")
    if require and not raw:
        raise fail("it has no [[redirection]] tables")
    notes = tuple(_note(entry, number, fail) for number, entry in enumerate(raw, start=1))
    ids = [n.id for n in notes]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise fail(f"two redirections have the id {duplicate!r}")
    return notes


def _note(raw: Any, number: int, fail) -> Redirection:
    if not isinstance(raw, dict):
        raise fail(f"redirection {number} is {raw!r}, not a table; write each note as a [[redirection]] table")
    unknown = set(raw) - {"id", "kind", "say", "measure", "direction"}
    if unknown:
        raise fail(f"redirection {number}: unknown key {sorted(unknown)[0]!r}")
    say = raw.get("say")
    if isinstance(say, str):
        say = [say]
    if not isinstance(say, list) or not say or not all(isinstance(s, str) and s.strip() for s in say):
        raise fail(f"redirection {number}: \"say\" must be a list of one or more phrasings")
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise fail(f"redirection {number} has no \"kind\"")
    note_id = raw.get("id")
    if note_id is not None and (not isinstance(note_id, str) or not note_id.strip()):
        raise fail(f"redirection {number}: \"id\" must be a word in quotes, such as \"faster\"")
    measure = raw.get("measure")
    direction = raw.get("direction", 0)
    if measure is not None:
        if not isinstance(measure, str) or measure not in MEASURES:
            raise fail(f"redirection {number}: measure must be one of {', '.join(MEASURES)}, not {measure!r}")
        if isinstance(direction, bool) or direction not in (1, -1):
            raise fail(f"redirection {number}: a measured note needs direction = 1 (more) or -1 (less)")
    note_id = (note_id or "").strip() or f"{kind.strip().lower()}-{number}"
    return Redirection(note_id, kind.strip().lower(), tuple(s.strip() for s in say), measure,
                       direction if measure else 0)
