"""`callback grade`: judge a recorded take (one line, or a whole self-tape) against the script.

A grade is a session like any other: its verdicts go through the event stream, so the practice history keeps
them (and, with --save-takes, the audio of each line) and `--events` logs them, exactly as a rehearsal's.
A line a self-tape skipped is not an attempt: as when an actor says "skip" in a rehearsal, it is a `skip`
command in the event log and nothing in the history, so it does not count against the line in `stats`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import click

from assistant.commands.history_options import history_option, open_history
from assistant.commands.options import engine_options, load_role, open_hearing, strictness_option
from assistant.errors import CallbackError
from assistant.events import Command, EventStream, Outcome, SessionStart, Verdict
from assistant.session.runtime import run_session


@click.command()
@click.argument("take", type=click.Path(path_type=str))
@click.option("--script", "script_path", required=True, type=click.Path(path_type=str), help="The script file.")
@click.option("--role", required=True, help="The character you play.")
@click.option("--line", "line_number", type=click.IntRange(min=1), default=None, help="Grade only this line of the role (1-based).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--save-takes", is_flag=True,
              help="Keep each graded line's audio in the practice history; `callback takes` lists and plays them.")
@click.option("--events", "events_path", type=click.Path(path_type=str), default=None, metavar="FILE",
              help="Append every event of this grading to FILE, one JSON object a line.")
@strictness_option
@engine_options
@history_option
def grade(take, script_path, role, line_number, as_json, save_takes, events_path, strictness, engine, model,
          no_history):
    """Grade TAKE.wav (any rate, any channels) against ROLE's lines in SCRIPT."""
    from assistant.audio.pcm import read_wav
    from assistant.events import EventFile

    script, lines = load_role(script_path, role)
    if line_number is not None and not 1 <= line_number <= len(lines):
        raise CallbackError(f"{role} has {len(lines)} lines; --line must be between 1 and {len(lines)}")
    if save_takes and no_history:
        raise CallbackError("--save-takes keeps the takes in the practice history; drop --no-history")
    audio = read_wav(take, on_notice=lambda message: click.echo(f"callback: {message}", err=True))
    if line_number is None:
        refuse_without_speech(take, audio)

    # The history first, as every session opens it: a data folder that cannot take it is said at once, before
    # the event log is touched or the recognizer spends seconds loading.
    recorder = open_history({"no_history": no_history}, script_path, script.title or None, keep_takes=save_takes)
    stream = EventStream()
    try:
        if recorder is not None:
            stream.subscribe(recorder)  # first: a line is committed before anyone else hears of it
        if events_path is not None:
            stream.subscribe(EventFile(events_path))
        ear = open_hearing(engine, model, list(script.roles()), purpose="grading", script=script)
        grading = GradingSession(stream, str(Path(script_path).resolve()), lines[0].speaker)
        ran = run_session(stream, grading, lambda: grading.grade(ear, audio, lines, line_number, strictness),
                          str(recorder.store.path) if recorder is not None else None)
    finally:
        stream.close()
        if recorder is not None:
            recorder.close()  # closing twice is harmless; this covers an event log that refused to open
    results = ran.result.results
    if ran.outcome in (Outcome.INTERRUPTED, Outcome.FAILED):
        for result in results:  # what was graded before the stop is kept, and shown
            click.echo(describe(result))
        ran.raise_if_failed()

    if line_number is not None:
        result = results[0]
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else describe(result))
        return
    if as_json:
        click.echo(json.dumps({"role": role, "lines": [r.to_dict() for r in results]}, ensure_ascii=False))
        return
    for result in results:
        click.echo(describe(result))
    click.echo(ran.result.summary())


def refuse_without_speech(take: str, audio) -> None:
    """A tape with no speech in it is not a self-tape: graded, it was stored as a miss of every line, as if the
    actor had said nothing right. Checked before anything is opened, so nothing is recorded. (One line's take
    of silence is still judged, as the miss of a line not said: that is what was recorded for it.)"""
    from assistant.speech.activity import speech_regions

    if not speech_regions(audio):
        raise CallbackError(f"no speech found in {take}; nothing was graded or kept (is it the right recording, "
                            "and was the microphone on?)")


@dataclass
class Graded:
    """The lines graded so far, in order."""

    results: list = field(default_factory=list)

    @property
    def judged(self) -> list:
        """The lines a verdict was made on: all but those a self-tape skipped."""
        return [r for r in self.results if not r.skipped]

    def to_dict(self) -> dict:
        skipped = len(self.results) - len(self.judged)
        return {"lines": len(self.judged), "right": sum(r.verdict.ok for r in self.judged),
                "word_perfect": sum(r.verdict.word_perfect for r in self.judged),
                **({"skipped": skipped} if skipped else {})}

    def summary(self) -> str:
        """ "9 of 11 lines right, 1 skipped" """
        if self.results and not self.judged:
            return f"none of the {len(self.results)} lines was found on the tape"
        counts = self.to_dict()
        skipped = f", {counts['skipped']} skipped" if counts.get("skipped") else ""
        return f"{counts['right']} of {counts['lines']} lines right, {counts['word_perfect']} word perfect{skipped}"


@dataclass
class GradingSession:
    """One grading as a session: its start, a verdict per line as soon as it is judged, and how it ended
    (through session/runtime.py's run_session, as every session ends)."""

    stream: EventStream
    script_path: str
    role: str
    graded: Graded = field(default_factory=Graded)
    kind: ClassVar[str] = "grade"

    def start(self) -> SessionStart:
        return SessionStart(self.kind, script=self.script_path, role=self.role)

    def so_far(self) -> Graded:
        return self.graded

    def outcome(self, result: Graded) -> Outcome:
        return Outcome.FINISHED

    def grade(self, ear, audio, lines, line_number: int | None, strictness) -> Graded:
        from assistant.grading import grade_line, grade_tape

        if line_number is not None:
            self._judged(grade_line(ear, audio, lines[line_number - 1], line_number, strictness))
        else:
            grade_tape(ear, audio, lines, strictness, on_grade=self._judged)
        return self.graded

    def _judged(self, result) -> None:
        self.graded.results.append(result)
        if result.skipped:
            self.stream.emit(Command("skip", result.hearing, result.line_number))
        else:
            self.stream.emit(Verdict.of(result.line_number, result.verdict, hearing=result.hearing,
                                        audio=result.audio))


def describe(result) -> str:
    verdict = result.verdict
    if result.skipped:
        return f"line {result.line_number}: skipped  {verdict.expected}\n    {result.placement.describe()}"
    head = f"line {result.line_number}: {verdict.verdict} ({verdict.score:.2f})  {verdict.expected}"
    if result.placement is not None:
        head += f"\n    {result.placement.describe()}"
    if verdict.word_perfect:
        return head
    return f"{head}\n    heard: {verdict.heard or '(nothing)'}\n    {verdict.correction()}"


COMMANDS = [grade]
