"""The terminal: one subscriber of the event stream that prints what an actor glancing at the screen wants to
see. It prints what was judged (the `verdict` event's own reading), never a transcript of its own."""

from __future__ import annotations

from typing import Callable

from assistant.events import (
    Answer,
    Command,
    CueEnd,
    CueStart,
    Event,
    EventType,
    Heard,
    PromptStart,
    SessionEnd,
    SessionStart,
    Verdict,
)

#: callback's own lines that are not printed: the spoken summary (printed in full by the session's command)
#: and, in grounding, the bare counts ("two", "three").
_UNPRINTED_KINDS = {"summary"}
#: Events that may come between a verdict and the cut of a cue started ahead, and print nothing.
_QUIET = {EventType.RECOGNIZED, EventType.PARTIAL}


def _until_gone(echo: Callable[[str], None]) -> Callable[[str], None]:
    """`echo`, falling silent once the terminal is gone (closed, or a pipe whose reader left): a printer that
    raised there ended the session mid-scene with no outcome kept, while the actor, who hears the session rather
    than reads it, was still rehearsing."""
    gone = False

    def write(text: str) -> None:
        nonlocal gone
        if gone:
            return
        try:
            echo(text)
        except OSError:
            gone = True

    return write


class TerminalPrinter:
    def __init__(self, echo: Callable[[str], None], counts: bool = True):
        self._echo = _until_gone(echo)
        self._counts = counts  # print one- and two-word prompts (off for grounding's counts)
        self._kind = ""
        self._role = ""
        self._heard: Heard | None = None
        self._ahead: CueStart | None = None  # a cue started before the verdict on the line it follows

    def __call__(self, event: Event) -> None:
        # A cue started ahead is printed after the verdict it followed, and not at all if it was cut.
        if isinstance(event, CueStart) and event.ahead:
            self._ahead = event
            return
        if self._ahead is not None and not isinstance(event, (Verdict, Heard)) and event.type not in _QUIET:
            ahead, self._ahead = self._ahead, None
            if isinstance(event, CueEnd) and event.cut:
                return
            self._echo(f"{ahead.speaker}: {ahead.text}")
        if isinstance(event, SessionStart):
            self._kind, self._role = event.kind, event.role or ""
        elif isinstance(event, CueStart):
            self._echo(f"{event.speaker}: {event.text}")
        elif isinstance(event, PromptStart):
            self._prompt(event)
        elif isinstance(event, Verdict):
            self._echo(f"{self._role}: {event.heard or '(nothing heard)'}  [{event.result}]")
        elif isinstance(event, Command) and self._kind == "run":
            self._echo(f"  [{event.name}]")
        elif isinstance(event, Heard):
            self._heard = event
        elif isinstance(event, Answer):
            self._answer(event)
        elif isinstance(event, SessionEnd) and event.kind == "run":
            from assistant.session.run import Summary

            self._echo("\n" + " ".join(Summary.from_dict(event.summary).sentences()))

    def _prompt(self, event: PromptStart) -> None:
        if event.kind in _UNPRINTED_KINDS or (not self._counts and len(event.text.split()) <= 2):
            return
        indent = "  " if self._kind == "run" else ""
        self._echo(f"{indent}callback: {event.text}")

    def _answer(self, event: Answer) -> None:
        if event.answer == "silence":
            self._echo("heard: (nothing)")
            return
        heard = self._heard
        # When no answer word was heard, what dictation made of it shows why ("purple elephants").
        said = (heard.text or heard.dictation) if heard is not None else ""
        meaning = "unclear, asking again" if event.answer == "unclear" else event.answer
        self._echo(f"heard: {said or '(nothing clear)'}  -> {meaning}")
