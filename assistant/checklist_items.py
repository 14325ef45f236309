"""The checklist's questions, follow-ups and affirmations: built in, and the user's own on top.

Built in: assistant/data/checklist.json. The user's file is the one named by $CALLBACK_CHECKLIST (it must
exist), else $XDG_CONFIG_HOME/callback/checklist.json or ~/.config/callback/checklist.json when present.
It has the built-in file's shape, plus an optional "mode":

    {"mode": "extend",            # the default; or "replace"
     "items": [{"id": "lines", "question": "Do I know my lines cold?", "follow_up": "Run them once more.",
                "topic": "your lines", "prep": false}],
     "affirmations": ["You know this scene."]}

* extend: a user item whose id matches a built-in one takes its place (to reword it); any other is added at
  the end. User affirmations are added to the built-in ones.
* replace: each list the file gives ("items", "affirmations") replaces the built-in list; a list it leaves
  out stays built in.

Items marked "prep": true are asked only with `callback checklist --prep`. Items marked "practical": true are
the things to have and know before leaving (sides, headshot and résumé, where and when, what to wear): asked
last, after a spoken "now the practical things", and listed under their own heading. An item may carry an
"offer" ({"ask": ..., "accept": ..., "action": "drill", "later": ...}) that is put to the actor after a "no":
yes to it speaks the "accept" line. When the offer cannot be kept now (a drill with no sides given), it is not
put at all: its "later" line says what to run another time, since a hands-free actor cannot type now.

One voice. Every built-in question is the actor asking themself, in the first person, as the seed's four
are worded ("Did I refine...", "Am I prepared...", "Do I know...", "Is my mindset..."; used as written).
The preparation items once asked "Have you...", which made the list sound like two people; they now say
"Have I..." too. The follow-ups and offers are callback answering the actor, so they say "you".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.errors import CallbackError
from assistant.user_files import read_text
from assistant.user_files import user_file as find_user_file

ENV_OVERRIDE = "CALLBACK_CHECKLIST"


@dataclass(frozen=True)
class Offer:
    ask: str  # put to the actor after the follow-up, e.g. "Say yes and we'll run a redirection drill."
    accept: str  # spoken when they say yes
    action: str = ""  # what a yes leads to once the checklist is over: "drill", or nothing
    later: str = ""  # said instead of asking, when the action cannot be taken now (a drill without sides)


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    topic: str = ""  # a few words for the spoken summary ("taking direction")
    follow_up: str = ""  # said after a "no": one concrete thing to do about it
    prep: bool = False
    practical: bool = False  # something to have or know before leaving, rather than a question of craft
    offer: Offer | None = None

    @property
    def short(self) -> str:
        return self.topic or self.question


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]
    affirmations: tuple[str, ...]
    source: str = "built-in"

    def questions(self, prep: bool) -> tuple[Item, ...]:
        """The items to ask, in order, the practical ones last (a user's own item added at the end of the
        file still comes before them: they are what to check on the way out of the door)."""
        chosen = [item for item in self.items if prep or not item.prep]
        return tuple(item for item in chosen if not item.practical) + tuple(item for item in chosen if item.practical)


def user_file() -> Path | None:
    """The user's checklist file, or None when there is none. A named but missing file is an error."""
    return find_user_file(ENV_OVERRIDE, "checklist.json")


def load_checklist(path: Path | None = None, use_user_file: bool = True) -> Checklist:
    """The built-in checklist, extended or replaced by `path` (default: the user's file, if any)."""
    built_in_text = resources.files("assistant").joinpath("data/checklist.json").read_text(encoding="utf-8")
    built_in = _parse(json.loads(built_in_text), "the built-in checklist")
    if path is None and use_user_file:
        path = user_file()
    if path is None:
        return built_in
    return merge(built_in, _read(path), str(path))


def merge(built_in: Checklist, user: dict[str, Any], source: str) -> Checklist:
    theirs = _parse(user, source, require_items=False)
    mode = user.get("mode", "extend")
    given = set(user)
    if mode == "replace":
        items = theirs.items if "items" in given else built_in.items
        affirmations = theirs.affirmations if "affirmations" in given else built_in.affirmations
    else:
        by_id = {item.id: item for item in theirs.items}
        items = tuple(by_id.pop(item.id, item) for item in built_in.items) + tuple(
            item for item in theirs.items if item.id in by_id
        )
        affirmations = built_in.affirmations + theirs.affirmations
    if not items:
        raise CallbackError(f"cannot use {source}: it leaves the checklist with no questions")
    return Checklist(items, affirmations, source)


def _read(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CallbackError(f"cannot use {path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # thousands of nested brackets: no checklist is shaped like that
        raise CallbackError(f"cannot use {path}: it is nested too deeply to be a checklist") from None
    if not isinstance(data, dict):
        raise CallbackError(f"cannot use {path}: expected a JSON object with \"items\" and/or \"affirmations\"")
    return data


def _parse(data: Any, source: str, require_items: bool = True) -> Checklist:
    def fail(problem: str) -> CallbackError:
        return CallbackError(f"cannot use {source}: {problem}")

    if not isinstance(data, dict):
        raise fail("expected a JSON object")
    mode = data.get("mode", "extend")
    if mode not in ("extend", "replace"):
        raise fail(f"\"mode\" must be \"extend\" or \"replace\", not {mode!r}")
    unknown = set(data) - {"mode", "items", "affirmations"}
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}; use \"mode\", \"items\" and \"affirmations\"")
    raw_items = data.get("items", [])
    if require_items and not raw_items:
        raise fail("it has no items")
    if not isinstance(raw_items, list):
        raise fail("\"items\" must be a list")
    items = [_item(raw, number, fail) for number, raw in enumerate(raw_items, start=1)]
    ids = [item.id for item in items]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise fail(f"two items have the id {duplicate!r}")
    affirmations = data.get("affirmations", [])
    if not isinstance(affirmations, list) or not all(isinstance(a, str) and a.strip() for a in affirmations):
        raise fail("\"affirmations\" must be a list of non-empty strings")
    return Checklist(tuple(items), tuple(a.strip() for a in affirmations), source)


def _item(raw: Any, number: int, fail) -> Item:
    if not isinstance(raw, dict):
        raise fail(f"item {number} must be an object with a \"question\"")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise fail(f"item {number} has no \"question\"")
    for key in ("id", "topic", "follow_up"):
        if key in raw and not isinstance(raw[key], str):
            raise fail(f"item {number}: \"{key}\" must be a string")
    for key in ("prep", "practical"):
        if key in raw and not isinstance(raw[key], bool):
            raise fail(f"item {number}: \"{key}\" must be true or false")
    unknown = set(raw) - {"id", "question", "topic", "follow_up", "prep", "practical", "offer"}
    if unknown:
        raise fail(f"item {number}: unknown key {sorted(unknown)[0]!r}")
    offer = None
    if raw.get("offer") is not None:
        o = raw["offer"]
        if not (isinstance(o, dict) and isinstance(o.get("ask"), str) and isinstance(o.get("accept"), str)):
            raise fail(f"item {number}: \"offer\" must be an object with \"ask\" and \"accept\" strings")
        if o.get("action", "") not in ("", "drill"):
            raise fail(f"item {number}: an offer's \"action\" can only be \"drill\"")
        if not isinstance(o.get("later", ""), str):
            raise fail(f"item {number}: an offer's \"later\" must be a string")
        offer = Offer(o["ask"].strip(), o["accept"].strip(), o.get("action", ""), o.get("later", "").strip())
    return Item(
        id=(raw.get("id") or "").strip() or _slug(question),
        question=question.strip(),
        topic=(raw.get("topic") or "").strip(),
        follow_up=(raw.get("follow_up") or "").strip(),
        prep=raw.get("prep", False),
        practical=raw.get("practical", False),
        offer=offer,
    )


def _slug(text: str) -> str:
    # An item without an id is known by its question, so rewording it makes it a new item.
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60]
