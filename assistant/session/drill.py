"""The redirection drill (`callback drill`): the actor delivers a line, a director's note comes, they deliver it
again, and callback says whether the change happened and by how much. Round after round, across the role's
lines (weakest first once there is practice history), so taking a note becomes a reflex.

A session of the runtime like any other: every delivery is a `verdict` (kept in the history as a drill's
attempt), every note a `redirection` event.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import ClassVar, Sequence

from assistant.events import CueEnd, CueStart, ListenStart, Outcome, SessionStart
from assistant.events import Verdict as VerdictEvent
from assistant.redirections import Redirection
from assistant.script.model import Line
from assistant.session.line_hearing import LineHearing
from assistant.session.listen import Timing
from assistant.session.redirecting import RedirectionResult, Redirector, Take
from assistant.speech.recorded import voice_name
from assistant.speech.voice import Voice

OPENING = "Redirection drill. Give me the line, then take the note."
#: Offers of the line (after silence or "line") before the round is given up.
MAX_PROMPTS = 2


@dataclass(frozen=True)
class DrillOptions:
    rounds: int = 4
    strictness: str = "default"
    timing: Timing = field(default_factory=Timing)
    seed: int = 0


@dataclass(frozen=True)
class DrillResult:
    redirections: tuple[RedirectionResult, ...]
    stopped: bool = False

    def to_dict(self) -> dict:
        measured = [r for r in self.redirections if r.measure is not None]
        return {"redirections": len(self.redirections), "measured": len(measured),
                "changed": sum(bool(r.changed) for r in measured), "stopped": self.stopped,
                # Each note and how it was taken, so the report can say which notes the actor takes well.
                "results": [r.to_dict() for r in self.redirections]}


class _Stop(Exception):
    pass


class DrillSession:
    kind: ClassVar[str] = "drill"

    def __init__(self, lines: Sequence[Line], role: str, order: Sequence[int], voices: dict[str, Voice],
                 notes: Sequence[Redirection], options: DrillOptions = DrillOptions(), names: Sequence[str] = (),
                 script: str | None = None):
        """lines: the whole script's; order: the role's line numbers (1-based) in the order to drill them."""
        if not order:
            raise ValueError("no lines to drill")
        self.lines = list(lines)
        self.role = role
        self.order = list(order)
        self.voices = voices
        self.notes = list(notes)
        self.options = options
        self.names = list(names)
        self.script = script
        self._own = [index for index, line in enumerate(self.lines) if line.speaker == role]
        self._results: list[RedirectionResult] = []
        self._stopped = False

    def start(self) -> SessionStart:
        return SessionStart(self.kind, script=self.script, role=self.role)

    def so_far(self) -> DrillResult:
        return DrillResult(tuple(self._results), self._stopped)

    def outcome(self, result: DrillResult) -> Outcome:
        return Outcome.STOPPED if result.stopped else Outcome.FINISHED

    def run(self, runtime) -> DrillResult:
        self.rt = runtime
        self.hearing = LineHearing(runtime.ear, self.options.strictness, self.options.timing, self.names)
        redirector = Redirector(self.notes, self.hearing, random.Random(self.options.seed))
        runtime.say(OPENING, "drill")
        try:
            for round_number in range(self.options.rounds):
                number = self.order[round_number % len(self.order)]
                take = self._first_take(number)
                if take is None:
                    continue
                result = redirector.redirect(runtime, take, attempt=2)
                if result == "stop":
                    raise _Stop
                if isinstance(result, RedirectionResult):
                    self._results.append(result)
        except _Stop:
            self._stopped = True
        return self.so_far()

    def _first_take(self, number: int) -> Take | None:
        """The line as the actor gives it before the note (with its cue first, as in the scene)."""
        index = self._own[number - 1]
        line = self.lines[index]
        self._cue(index)
        prompts = 0
        while True:
            delivery = self.hearing.hear(self.rt, number, line.text,
                                         ListenStart("line", line=number, expected=line.text, attempt=1))
            turn, heard = delivery.turn, delivery.utterance
            if turn.command is not None:
                delivery.go_on_stopping()
            if turn.command == "stop":
                raise _Stop
            if turn.command == "skip":
                return None
            if turn.command in ("line", "again", "back", "pause") or heard.audio is None:
                if turn.command == "again":
                    self._cue(index)
                    continue
                prompts += 1
                if prompts > MAX_PROMPTS:
                    return None
                self.rt.say(line.text, "line")
                continue
            self.rt.emit(dataclasses.replace(VerdictEvent.of(number, turn.verdict, turn.hearing, 1, heard.audio),
                                             prompts=prompts))
            delivery.go_on_stopping()
            if not turn.verdict.word_perfect:
                self.rt.say(turn.verdict.correction(), "correction" if not turn.verdict.ok else "slip")
            return Take(number, line.text, heard.audio, heard.words)

    def _cue(self, index: int) -> None:
        if index == 0 or self.lines[index - 1].speaker == self.role:
            return
        cue = self.lines[index - 1]
        voice = self.voices.get(cue.speaker)
        if voice is None or not cue.text.strip():
            return
        audio = self.rt.render(voice, cue.text)
        self.rt.emit(CueStart(cue.speaker, cue.text, voice=voice_name(voice, cue.text)))
        self.rt.speaker.play(audio)
        self.rt.emit(CueEnd(cue.speaker))


def drill_order(role_lines: Sequence[str], weakest: Sequence[int], line: int | None) -> list[int]:
    """Which lines, in which order: one line if asked; else the practice history's weakest first, then the
    rest in script order; with no history, the role's lines in script order."""
    if line is not None:
        return [line]
    everything = list(range(1, len(role_lines) + 1))
    return list(weakest) + [n for n in everything if n not in weakest]
