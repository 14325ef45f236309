"""The terminal: one subscriber of the event stream that prints what an actor glancing at the screen wants to
see. It prints what was judged (the `verdict` event's own reading), never a transcript of its own.

An actor pacing the room looks at the laptop for a second: whose turn it is and which line ("MAYA — line 3
of 6"), the scene and the round, that callback is listening and what it hears so far, and after a miss the line
as written with the words that went wrong marked. On a terminal a person looks at this is drawn with `rich`
(bold, coloured, boxed, a live line of the words heard); to a pipe or a file, or with NO_COLOR set, it is the
same content as plain lines, which is what logs and the tests read. Nothing in it needs the keyboard.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from assistant.events import (
    Answer,
    Command,
    CueEnd,
    CueStart,
    Event,
    EventType,
    Heard,
    ListenStart,
    Partial,
    PromptStart,
    SceneStart,
    SessionEnd,
    SessionStart,
    Verdict,
)
from assistant.session.marks import WrittenWord, caret_line, mark_line

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


def terminal_console():
    """A rich console when standard output is a terminal a person looks at; None (plain lines) for a pipe or a
    file, a dumb terminal, or NO_COLOR (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return None
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):  # replaced or closed
        return None
    from rich.console import Console

    return Console(highlight=False)


class TerminalPrinter:
    def __init__(self, echo: Callable[[str], None], counts: bool = True, role_lines: int | None = None,
                 console="auto"):
        """echo: where plain lines go. role_lines: how many lines the role has ("line 3 of 6"), when known.
        console: a rich Console to draw on, None for plain lines, "auto" for a rich one only on a terminal."""
        console = terminal_console() if console == "auto" else console
        self._view = _RichView(console) if console is not None else _PlainView(_until_gone(echo))
        self._counts = counts  # print one- and two-word prompts (off for grounding's counts)
        self._role_lines = role_lines
        self._kind = ""
        self._role = ""
        self._heard: Heard | None = None
        self._ahead: CueStart | None = None  # a cue started before the verdict on the line it follows
        self._turn: int | None = None  # the line whose turn was last shown, until it is judged

    def __call__(self, event: Event) -> None:
        # A cue started ahead is printed after the verdict it followed, and not at all if it was cut.
        if isinstance(event, CueStart) and event.ahead:
            self._ahead = event
            return
        if self._ahead is not None and not isinstance(event, (Verdict, Heard)) and event.type not in _QUIET:
            ahead, self._ahead = self._ahead, None
            if isinstance(event, CueEnd) and event.cut:
                return
            self._view.cue(ahead.speaker, ahead.text)
        if isinstance(event, SessionStart):
            self._kind, self._role = event.kind, event.role or ""
        elif isinstance(event, SceneStart):
            self._view.scene(event)
        elif isinstance(event, CueStart):
            self._turn = None
            self._view.cue(event.speaker, event.text)
        elif isinstance(event, ListenStart) and event.purpose == "line" and event.line is not None:
            if self._turn != event.line:
                self._turn = event.line
                self._view.turn(self._role, event.line, self._role_lines, event.attempt)
            self._view.listening()
        elif isinstance(event, Partial):
            self._view.partial(event.text)
        elif isinstance(event, PromptStart):
            self._prompt(event)
        elif isinstance(event, Verdict):
            self._turn = None
            marks = mark_line(event.expected, event.heard, event.missing, event.substituted) if not (
                event.result == "ok") else []
            self._view.verdict(self._role, event, marks)
        elif isinstance(event, Command) and self._kind in ("run", "learn"):
            self._view.command(event.name)
        elif isinstance(event, Heard):
            self._heard = event
        elif isinstance(event, Answer):
            self._answer(event)
        elif isinstance(event, SessionEnd) and event.kind == "run":
            from assistant.session.run import Summary

            self._view.summary(Summary.from_dict(event.summary))

    def close(self) -> None:
        self._view.close()

    def _prompt(self, event: PromptStart) -> None:
        if event.kind in _UNPRINTED_KINDS or (not self._counts and len(event.text.split()) <= 2):
            return
        self._view.callback_says(event.text, indent=self._kind == "run")

    def _answer(self, event: Answer) -> None:
        if event.answer == "silence":
            self._view.text("heard: (nothing)")
            return
        heard = self._heard
        # When no answer word was heard, what dictation made of it shows why ("purple elephants").
        said = (heard.text or heard.dictation) if heard is not None else ""
        meaning = "unclear, asking again" if event.answer == "unclear" else event.answer
        self._view.text(f"heard: {said or '(nothing clear)'}  -> {meaning}")


def turn_label(role: str, number: int, total: int | None) -> str:
    return f"{role} — line {number}" + (f" of {total}" if total else "")


def scene_label(event: SceneStart) -> str:
    parts = []
    if event.looping:
        parts.append(f"Round {event.round}")
    if event.scene is not None and event.heading:  # "Scene 1" alone, for a script without headings, says nothing
        parts.append(f"Scene {event.scene}" + (f": {event.heading}" if event.heading else ""))
    return " · ".join(parts)


class _PlainView:
    """Plain lines, one per thing that happened: the same content as the terminal view, for pipes and logs."""

    def __init__(self, echo: Callable[[str], None]):
        self._echo = echo

    def scene(self, event: SceneStart) -> None:
        label = scene_label(event)
        if label:
            self._echo(f"\n== {label} ==")

    def cue(self, speaker: str, text: str) -> None:
        self._echo(f"{speaker}: {text}")

    def turn(self, role: str, number: int, total: int | None, attempt: int) -> None:
        again = f" (attempt {attempt})" if attempt > 1 else ""
        self._echo(f">> {turn_label(role, number, total)}{again}")

    def listening(self) -> None:
        pass  # a pipe is read afterwards: what was heard is in the verdict line

    def partial(self, text: str) -> None:
        pass

    def verdict(self, role: str, event: Verdict, marks: list[WrittenWord]) -> None:
        self._echo(f"{role}: {event.heard or '(nothing heard)'}  [{event.result}]")
        if any(word.mark for word in marks):
            lead = "  as written: "
            self._echo(lead + " ".join(word.text for word in marks))
            self._echo(caret_line(marks, indent=len(lead)))

    def command(self, name: str) -> None:
        self._echo(f"  [{name}]")

    def callback_says(self, text: str, indent: bool) -> None:
        self._echo(f"{'  ' if indent else ''}callback: {text}")

    def text(self, text: str) -> None:
        self._echo(text)

    def summary(self, summary) -> None:
        self._echo("\n" + " ".join(summary.sentences()))

    def close(self) -> None:
        pass


_RESULT_STYLE = {"ok": ("✓", "bold green"), "slip": ("~", "bold yellow"), "missed": ("✗", "bold red")}


class _RichView:
    """The same content drawn to be read from across the room: boxed, bold, coloured, with a live line that
    says callback is listening and shows the words as they are heard."""

    def __init__(self, console):
        self.console = console
        self._live = None
        self._gone = False

    def _print(self, *renderables, **options) -> None:
        if self._gone:
            return
        try:
            self.console.print(*renderables, **options)
        except OSError:
            self._gone = True

    def _stop_listening(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            try:
                live.stop()
            except OSError:
                self._gone = True

    def scene(self, event: SceneStart) -> None:
        from rich.rule import Rule

        self._stop_listening()
        label = scene_label(event)
        if label:
            self._print(Rule(f"[bold magenta]{_escape(label)}[/]", style="magenta"))

    def cue(self, speaker: str, text: str) -> None:
        from rich.text import Text

        self._stop_listening()
        self._print(Text.assemble((f"{speaker}  ", "bold cyan"), (text, "cyan")))

    def turn(self, role: str, number: int, total: int | None, attempt: int) -> None:
        from rich.panel import Panel
        from rich.text import Text

        self._stop_listening()
        again = f"   attempt {attempt}" if attempt > 1 else ""
        self._print(Panel(Text(f"{turn_label(role, number, total)}{again}", style="bold black on yellow",
                               justify="center"), style="yellow", expand=True))

    def listening(self) -> None:
        if self._live is not None or self._gone:
            return
        from rich.live import Live

        self._live = Live(self._listening_line(""), console=self.console, transient=True, refresh_per_second=8)
        try:
            self._live.start()
        except OSError:
            self._live, self._gone = None, True

    def partial(self, text: str) -> None:
        if self._live is not None:
            self._live.update(self._listening_line(text))

    @staticmethod
    def _listening_line(words: str):
        from rich.text import Text

        return Text.assemble(("● listening  ", "bold red"), (words, "bold"))

    def verdict(self, role: str, event: Verdict, marks: list[WrittenWord]) -> None:
        from rich.text import Text

        self._stop_listening()
        symbol, style = _RESULT_STYLE.get(event.result, ("?", "bold"))
        self._print(Text.assemble((f" {symbol} {event.result.upper()}  ", style),
                                  (event.heard or "(nothing heard)", "bold")))
        if any(word.mark for word in marks):
            written = Text.assemble(("   as written: ", "dim"))
            for position, word in enumerate(marks):
                if position:
                    written.append(" ")
                if word.mark == "dropped":
                    written.append(word.text, style="bold white on red")
                elif word.mark == "changed":  # what was said instead is in callback's correction, just below
                    written.append(word.text, style="bold black on yellow")
                else:
                    written.append(word.text, style="bold")
            self._print(written)

    def command(self, name: str) -> None:
        from rich.text import Text

        self._stop_listening()
        self._print(Text(f"   [{name}]", style="bold blue"))

    def callback_says(self, text: str, indent: bool) -> None:
        from rich.text import Text

        self._stop_listening()
        self._print(Text.assemble(("   callback  " if indent else "callback  ", "bold blue"), (text, "blue")))

    def text(self, text: str) -> None:
        self._stop_listening()
        self._print(text, markup=False)

    def summary(self, summary) -> None:
        from rich.panel import Panel
        from rich.table import Table

        self._stop_listening()
        table = Table.grid(padding=(0, 3))
        table.add_column(justify="right", style="bold")
        table.add_column()
        table.add_row(f"{summary.right_first_time} of {summary.lines}", "right first time")
        for count, what in ((summary.prompted, "right after a prompt"), (summary.slips, "with a small slip"),
                            (summary.missed, "missed"), (summary.skipped, "skipped"),
                            (summary.line_calls, "calls for the line")):
            if count:
                table.add_row(str(count), what)
        if summary.dropped_words:
            table.add_row("dropped most", ", ".join(word for word, _ in summary.dropped_words[:3]))
        title = "Stopped early" if summary.stopped_early else "Run done"
        self._print(Panel(table, title=f"[bold]{title}[/]", border_style="green", expand=False))

    def close(self) -> None:
        self._stop_listening()


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
