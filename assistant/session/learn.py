"""Learn mode (`callback learn`): getting a new scene into the head, by voice, with the help taken away step by
step, as actors do it with a partner holding the book.

Each line goes through three stages (history/learning.py STAGES): the cue, then callback says the whole line
and the actor repeats it; the cue and only the line's first words; the cue alone. A line said right moves on a
stage; a miss steps it back one. It is learned once said word for word twice in a row from the cue alone, with
no help ("line" still gives the line, and an attempt after it does not count).

Lines are taken a few at a time and chained: the first few are learned, interleaved (one attempt each in turn,
so the cue of one is not the answer to the last), then run in order from their cues alone; then the next few
are learned and the run grows to take them in. A line missed in a run steps back and is learned again before
the next lines come.

Progress is kept per line in the history (history/learning.py), so the next session starts with what is due:
learned lines whose review has come round first (said right from the cue alone, a review leaves the line alone
twice as long as before: 1, 2, 4, 8 days...), then the lines not yet learned, in script order. A learned line
not yet due is not asked at all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Sequence

from assistant.events import Command, CueEnd, CueStart, ListenStart, Outcome, SessionStart
from assistant.events import Verdict as VerdictEvent
from assistant.history.learning import STAGES, LearningBook, LineProgress
from assistant.linecheck import Strictness, normalise_words
from assistant.script.model import Line
from assistant.session.commands import heard_command
from assistant.session.line_hearing import LineHearing
from assistant.session.listen import Timing, listen
from assistant.session.runtime import Runtime
from assistant.session.turns import can_hear_again, second_hearing, sure_command
from assistant.speech.recorded import voice_name
from assistant.speech.voice import Voice

#: The first review comes a day after a line is learned; each review said right doubles the wait.
FIRST_INTERVAL_DAYS = 1.0
#: A run of the lines learned so far takes at most this many: past it, a long scene's runs would outgrow the
#: learning (twenty lines two at a time would mean 110 lines said in runs alone).
CHAIN_WINDOW = 6
#: Said when the first line of the stretch has no cue before it.
FIRST_LINE = "Your first line."


@dataclass(frozen=True)
class LearnOptions:
    role: str
    strictness: Strictness = "default"
    timing: Timing = field(default_factory=Timing)
    chunk: int = 2  # lines learned together before they are run
    new_lines: int | None = None  # at most this many lines never tried before, this session
    # Attempts at a line without getting it learned before it is left for next time. Counted from when it was
    # last learned, not over the session: a line run in every chain has many attempts and is known.
    max_attempts: int = 12
    max_silent_prompts: int = 2  # offers of the line met with silence before the line is left for now
    speak_summary: bool = True


@dataclass
class LineWork:
    """One of the role's lines in this session: where it stands, and what happened to it tonight."""

    number: int  # 1-based among the role's lines
    index: int  # its place among the session's lines
    line: Line
    progress: LineProgress
    review: bool = False  # learned, and due: one right answer from the cue alone is its review
    stages: list[str] = field(default_factory=list)  # the prompt given before each attempt
    attempts: int = 0
    unlearned_attempts: int = 0  # since it was last learned or reviewed (or since the session began)
    left: bool = False  # skipped, silent, or tried too often: left for another session

    @property
    def done(self) -> bool:
        return self.left or (self.progress.learned and not self.review)

    def to_dict(self) -> dict:
        return {"line": self.number, "stages": list(self.stages), "attempts": self.attempts,
                "learned": self.progress.learned}


@dataclass(frozen=True)
class LearnResult:
    lines: tuple[dict, ...]  # LineWork.to_dict of each line worked on, in script order
    waiting: int  # lines of the stretch learned but not due, so not asked
    stopped_early: bool = False
    silent: bool = False
    next_due: str | None = None  # the earliest review to come, as stored

    @property
    def learned(self) -> int:
        return sum(line["learned"] for line in self.lines)

    def to_dict(self) -> dict:
        return {"lines": [dict(line) for line in self.lines], "learned": self.learned, "waiting": self.waiting,
                "attempts": sum(line["attempts"] for line in self.lines), "stopped_early": self.stopped_early,
                "next_due": self.next_due}

    def sentences(self) -> list[str]:
        if not self.lines and not self.waiting:
            return ["No lines to learn this time."]
        if not self.lines:
            return ["Nothing to learn: every line here is learned, and none is due for review yet.",
                    *self._next_review()]
        said = [f"{self.learned} of {len(self.lines)} lines learned."]
        left = len(self.lines) - self.learned
        if left:
            said.append(f"{left} to go next time.")
        return said + self._next_review()

    def _next_review(self) -> list[str]:
        if self.next_due is None:
            return []
        day = datetime.fromisoformat(self.next_due).astimezone()
        return [f"Next review: {day.strftime('%A')} {day.day} {day.strftime('%B')}."]


def first_words(text: str) -> str:
    """The opening of a line given as a hint: about a third of it, one to four words."""
    words = text.split()
    return " ".join(words[: max(1, min(4, round(len(words) / 3)))])


def correction(verdict, text: str) -> str:
    """What was wrong, unless saying so recites the whole line ("You said ... for <the line>"): after a miss the
    line steps back a stage, and the help of that stage is all the next attempt gets."""
    said = verdict.correction()
    if not said or f" {' '.join(normalise_words(text))} " in f" {' '.join(normalise_words(said))} ":
        return "Not quite."
    return said


def step(progress: LineProgress, result: str, stage: str, extra_help: bool, at: datetime,
         review: bool = False) -> None:
    """One judged attempt moves the line: right (or a slip) at a stage with help moves it on a stage; a miss
    steps it back one and it is no longer learned; word for word from the cue alone, twice in a row with no help,
    learns it. A review (a learned line that was due) said so waits twice as long before the next; a learned
    line said right in a run is left as it is."""
    progress.attempts += 1
    place = STAGES.index(stage)
    if result == "missed":
        progress.forget()
        progress.stage = STAGES[max(0, place - 1)]
        return
    if extra_help:  # asked for the line: said, but not yet from memory
        progress.streak = 0
        return
    if stage != STAGES[-1]:
        progress.stage = STAGES[place + 1]
        progress.streak = 0
        return
    if result != "ok":  # a slip counts as said, but not as learned
        progress.streak = 0
        return
    progress.streak += 1
    if progress.learned and review:
        progress.learned_now(at, max(FIRST_INTERVAL_DAYS, progress.interval_days * 2))
    elif not progress.learned and progress.streak >= 2:
        progress.learned_now(at, FIRST_INTERVAL_DAYS)


class _Stop(Exception):
    """The actor said "stop"."""


class _Silence(Exception):
    """Nobody answered two lines in a row."""


class LearnSession:
    """Learn mode over a stretch of the script, as a session of the runtime (session/runtime.py)."""

    kind = "learn"

    def __init__(self, lines: Sequence[Line], line_numbers: dict[int, int], voices: dict[str, Voice],
                 book: LearningBook, options: LearnOptions, names: Sequence[str] = (), script: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        """lines: the stretch, with the cues leading in to its first line; line_numbers: index in `lines` ->
        the role's line number."""
        self.lines = list(lines)
        self.voices = voices
        self.book = book
        self.options = options
        self.names = list(names)
        self.script = script
        self.clock = clock
        self._numbers = dict(line_numbers)
        self._work: list[LineWork] = []
        self._waiting = 0
        self._stopped = False
        self._silent = False
        self._silent_lines = 0
        self._plan()

    # -- the session ----------------------------------------------------------------------------------

    def start(self) -> SessionStart:
        return SessionStart(self.kind, script=self.script, role=self.options.role)

    def so_far(self) -> LearnResult:
        worked = sorted((work for work in self._work if work.attempts or work.left), key=lambda work: work.number)
        dues = [work.progress.due_at for work in self._all if work.progress.due_at]
        return LearnResult(tuple(work.to_dict() for work in worked), self._waiting, self._stopped, self._silent,
                           min(dues) if dues else None)

    def outcome(self, result: LearnResult) -> Outcome:
        if result.silent:
            return Outcome.SILENCE
        return Outcome.STOPPED if result.stopped_early else Outcome.FINISHED

    def run(self, runtime: Runtime) -> LearnResult:
        self.rt = runtime
        self.ear = runtime.ear
        self.hearing = LineHearing(self.ear, self.options.strictness, self.options.timing, self.names)
        reviews = [work for work in self._work if work.review]
        fresh = [work for work in self._work if not work.review]
        if self._work:
            runtime.say(self._opening(len(reviews), len(fresh)), "learn")
        try:
            if reviews:
                self._learn_together(reviews)
            chain: list[LineWork] = []
            for start in range(0, len(fresh), self.options.chunk):
                group = fresh[start : start + self.options.chunk]
                self._learn_together(group)
                chain += [work for work in group if work.progress.learned]
                if len(chain) > 1:
                    self._run_through(chain[-CHAIN_WINDOW:])
        except _Stop:
            self._stopped = True
        except _Silence:
            self._silent = True
        result = self.so_far()
        if self.options.speak_summary:
            self.rt.say(" ".join(result.sentences()), "summary")
        return result

    # -- what to learn tonight ------------------------------------------------------------------------------

    def _plan(self) -> None:
        """Due reviews first (the longest overdue first), then the lines not yet learned in script order, the
        ones never tried capped at `new_lines`."""
        kept = self.book.progress()
        self._all: list[LineWork] = []
        for index, number in sorted(self._numbers.items()):
            line = self.lines[index]
            # A line said twice in the scene ("Yes.") is learned once, where it first comes; a speech with no
            # words (a direction only) has nothing to learn.
            if normalise_words(line.text) and all(work.line.text != line.text for work in self._all):
                self._all.append(LineWork(number, index, line, kept.get(line.text) or LineProgress(line.text)))
        at = self.clock()
        due = sorted((work for work in self._all if work.progress.due(at)), key=lambda work: work.progress.due_at)
        for work in due:
            work.review = True
        new_allowed = self.options.new_lines
        unlearned = []
        for work in self._all:
            if work.progress.learned:
                continue
            if not work.progress.tried:
                if new_allowed is not None and new_allowed <= 0:
                    continue
                if new_allowed is not None:
                    new_allowed -= 1
            unlearned.append(work)
        self._work = due + unlearned
        self._waiting = sum(1 for work in self._all if work.progress.learned and not work.review)

    def _opening(self, reviews: int, fresh: int) -> str:
        parts = []
        if reviews:
            parts.append(f"{reviews} line{'s' if reviews > 1 else ''} to review")
        if fresh:
            parts.append(f"{fresh} line{'s' if fresh > 1 else ''} to learn")
        return f"{' and '.join(parts).capitalize()}. Say line if you need it."

    # -- learning ---------------------------------------------------------------------------------------------

    def _learn_together(self, group: Sequence[LineWork]) -> None:
        """One attempt at each line in turn until every one is learned (or left for next time)."""
        while True:
            todo = [work for work in group if not work.done]
            if not todo:
                return
            for work in todo:
                if not work.done:
                    self._attempt(work, cue=True)

    def _run_through(self, chain: Sequence[LineWork]) -> None:
        """The lines learned so far, in order, from their cues alone; a line missed is learned again after."""
        previous = None
        for work in chain:
            if work.done and not work.left:
                # The actor's own line just said is the cue already: callback does not say it back.
                follows_own = previous is not None and work.index == previous.index + 1
                self._attempt(work, cue=not follows_own)
            previous = work
        self._learn_together([work for work in chain if not work.done])

    def _attempt(self, work: LineWork, cue: bool) -> None:
        """The cue, the stage's help, and one judged attempt (after any commands). Each attempt is written to the
        history as it is judged, and the line's progress with it."""
        stage = work.progress.stage if not work.progress.learned else STAGES[-1]
        if cue:
            self._cue(work)
        prompts = 0
        if stage == "full":
            self.rt.say(work.line.text, "full")
            prompts = 1
        elif stage == "first_words":
            self.rt.say(first_words(work.line.text), "first_words")
            prompts = 1
        given = stage
        silent = 0
        while True:
            delivery = self.hearing.hear(self.rt, work.number, work.line.text,
                                         ListenStart("line", line=work.number, expected=work.line.text,
                                                     attempt=work.attempts + 1))
            heard, turn = delivery.utterance, delivery.turn
            silent = silent + 1 if heard.timed_out else 0
            if silent > self.options.max_silent_prompts:
                self._leave(work, silence=True)
                return
            if turn.command is not None:
                delivery.go_on_stopping()
                self.rt.emit(Command(turn.command, turn.hearing, work.number))
                if turn.command == "stop":
                    raise _Stop
                if turn.command == "skip":
                    self._leave(work)
                    return
                if turn.command == "line":
                    self.rt.say(work.line.text, "line")
                    prompts += 1
                    given = "full"
                elif turn.command == "pause":
                    self._pause()
                    self._cue(work)
                elif turn.command in ("again", "back"):
                    self._cue(work)
                continue
            self._silent_lines = 0
            verdict = turn.verdict
            work.attempts += 1
            work.stages.append(given)
            # The attempt is committed to the history by this event, before anything else is said.
            self.rt.emit(dataclasses.replace(VerdictEvent.of(work.number, verdict, turn.hearing, work.attempts,
                                                             heard.audio), prompts=prompts, pickup=delivery.pickup))
            delivery.go_on_stopping()
            was_learned = work.progress.learned
            step(work.progress, verdict.result, stage, extra_help=prompts > (0 if stage == STAGES[-1] else 1),
                 at=self.clock(), review=work.review)
            if work.review and verdict.result == "ok" and prompts == 0:
                work.review = False  # reviewed: the line is left alone until it is due again
            elif work.review and not work.progress.learned:
                work.review = False  # missed at its review: learned again like a new line
            self.book.save(work.progress, self.clock())
            if verdict.result != "ok":
                self.rt.say(correction(verdict, work.line.text), "correction" if not verdict.ok else "slip")
            elif work.progress.learned and not was_learned:
                self.rt.say("Learned.", "learned")
            work.unlearned_attempts = 0 if work.done else work.unlearned_attempts + 1
            if work.unlearned_attempts >= self.options.max_attempts and not work.done:
                self._leave(work)
            return

    def _leave(self, work: LineWork, silence: bool = False) -> None:
        work.left = True
        if silence:
            self._silent_lines += 1
            if self._silent_lines >= 2:
                raise _Silence
            self.rt.say("Let's leave that one for now.", "learn")

    def _cue(self, work: LineWork) -> None:
        """The line before this one, in its speaker's voice; the actor's own line before it in callback's."""
        if work.index == 0:
            self.rt.say(FIRST_LINE, "cue")
            return
        cue = self.lines[work.index - 1]
        voice = self.voices.get(cue.speaker, self.rt.voice)
        if not cue.text.strip():
            return
        audio = self.rt.render(voice, cue.text)
        self.rt.emit(CueStart(cue.speaker, cue.text, voice=voice_name(voice, cue.text)))
        self.rt.speaker.play(audio)
        self.rt.cue_ended()  # timed from here, the pickup of an attempt at the cue alone (help given voids it)
        self.rt.emit(CueEnd(cue.speaker))

    def _pause(self) -> None:
        self.rt.say("Paused. Say resume when you're ready.", "pause")
        while True:
            heard = listen(self.rt.microphone, self.hearing.recognizer, self.rt.events, ListenStart("resume"),
                           cross_check=self.hearing.commands,
                           is_command=lambda text: heard_command(text, "", "") is not None,
                           timing=Timing(long_silence=1.0, start_timeout=3600.0))
            command = heard_command(heard.text, heard.cross_checked, "")
            if (command is None or not sure_command(heard)) and can_hear_again(heard, self.ear):
                command = heard_command(second_hearing(heard, "", self.ear).text, "", "")
            if command == "stop":
                raise _Stop
            if command == "resume":
                self.rt.emit(Command("resume", self.ear.live.name))
                return


__all__ = ["LearnSession", "LearnOptions", "LearnResult", "LineWork", "first_words", "step"]
