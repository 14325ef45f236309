"""`callback record-cues`: a person (a friend, or the actor) reads the other parts once, and runs, learn mode
and drills play their voice instead of a synthetic one.

For each cue line still to record, callback says whose line it is and its first words ("STEEL: Beer's
ready..."), listens to the reading, and checks it with the same hearing and judge as an actor's line
(line_hearing.py, verdict.py): a line read with a content word dropped, added or changed is asked again (a slip
of small words is kept: a partner who says "on me" for "on for me" is still a partner). The reading is trimmed
to its speech (the speech detector, with a little room either side so the first and last sounds are whole) and
kept at once (history/cues.py), so Ctrl-C loses only the line being read. The reader's commands are a run's:
"skip", "go back", "again" (read it again from the top), "line" (hear the whole line), "stop".

No `verdict` event is emitted: a cue read is not an attempt at the actor's role, and the history must not
count it as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Sequence

from assistant.audio.pcm import Audio
from assistant.events import ListenStart, Outcome, SessionStart
from assistant.history.cues import CueBook
from assistant.script.model import Line
from assistant.session.line_hearing import LineHearing
from assistant.session.listen import Timing
from assistant.session.runtime import Runtime
from assistant.speech.activity import speech_regions

OPENING = "Recording the other parts. I'll say whose line it is and how it starts; read the whole line."
READER = "READER"
#: A line read wrong this many times is left for another session rather than asked forever.
MOST_TRIES = 3
#: Words of the line said as its reminder.
FIRST_WORDS = 4
#: Room kept either side of the speech: a reading cut at the detector's edge loses its first consonant.
KEEP_AROUND = 0.12


@dataclass(frozen=True)
class Cue:
    number: int  # the line's place among the lines to record, 1-based
    line: Line


@dataclass(frozen=True)
class RecordingResult:
    kept: int = 0
    asked_again: int = 0
    skipped: int = 0
    stopped: bool = False

    def to_dict(self) -> dict:
        return {"kept": self.kept, "asked_again": self.asked_again, "skipped": self.skipped,
                "stopped": self.stopped}

    def sentences(self) -> list[str]:
        said = [f"{self.kept} cue{'s' if self.kept != 1 else ''} recorded."]
        if self.asked_again:
            said.append(f"{self.asked_again} read again.")
        if self.skipped:
            said.append(f"{self.skipped} left for next time.")
        return said


class _Stop(Exception):
    pass


@dataclass
class RecordCuesSession:
    cues: Sequence[Cue]
    book: CueBook
    names: Sequence[str] = ()
    timing: Timing = field(default_factory=Timing)
    script: str | None = None
    kind: ClassVar[str] = "record_cues"
    _result: RecordingResult = field(default_factory=RecordingResult)

    def start(self) -> SessionStart:
        # The reader's turn is shown as an actor's is ("READER — line 2 of 6"); no attempt is kept for it.
        return SessionStart(self.kind, script=self.script, role=READER)

    def so_far(self) -> RecordingResult:
        return self._result

    def outcome(self, result: RecordingResult) -> Outcome:
        return Outcome.STOPPED if result.stopped else Outcome.FINISHED

    def run(self, runtime: Runtime) -> RecordingResult:
        self.rt = runtime
        self.hearing = LineHearing(runtime.ear, "default", self.timing, self.names, wait_for_engine=True)
        runtime.say(OPENING, "record")
        index = 0
        try:
            while index < len(self.cues):
                index = self._record(index)
        except _Stop:
            self._result = RecordingResult(**{**self._result.to_dict(), "stopped": True})
        runtime.say(" ".join(self._result.sentences()), "summary")
        return self._result

    def _record(self, index: int) -> int:
        """Record the cue at `index`; the index to go on with."""
        cue = self.cues[index]
        reminder = " ".join(cue.line.text.split()[:FIRST_WORDS])
        tries = 0
        while True:
            self.rt.say(f"{cue.line.speaker.title()}: {reminder}", "record", index, tries + 1)
            delivery = self.hearing.hear(self.rt, cue.number, cue.line.text,
                                         ListenStart("line", line=cue.number, expected=cue.line.text,
                                                     attempt=tries + 1))
            turn = delivery.turn
            if turn.command == "stop":
                raise _Stop
            if turn.command == "skip":
                self._count(skipped=1)
                return index + 1
            if turn.command == "back":
                return max(0, index - 1)
            if turn.command == "line":
                self.rt.say(cue.line.text, "line", index)
                continue
            if turn.command is not None or turn.verdict is None:  # "again", or nothing heard
                continue
            if turn.verdict.ok and delivery.utterance.audio is not None:
                self.book.keep(cue.line.speaker, cue.line.text, trimmed(delivery.utterance.audio))
                self._count(kept=1)
                delivery.go_on_stopping()
                return index + 1
            tries += 1
            self._count(asked_again=1)
            if tries >= MOST_TRIES:
                self.rt.say("Let's leave that one for next time.", "correction", index)
                self._count(skipped=1)
                return index + 1
            self.rt.say(f"{turn.verdict.correction()} Once more.", "correction", index)

    def _count(self, **more: int) -> None:
        now = self._result.to_dict()
        self._result = RecordingResult(**{key: (now[key] + more.get(key, 0)) if key != "stopped" else now[key]
                                          for key in now})


def trimmed(audio: Audio) -> Audio:
    """The reading without the room before and after it (all of it, when the detector finds no speech)."""
    regions = speech_regions(audio, pad=KEEP_AROUND)
    if not regions:
        return audio
    start, end = int(regions[0].start * audio.rate), int(regions[-1].end * audio.rate)
    return Audio(audio.samples[start:end], audio.rate)
