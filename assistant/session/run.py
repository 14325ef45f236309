"""Running lines: speak the cues, listen to the actor's lines, check them, obey voice commands.

A small state machine over the scene's speeches. Everything it does goes into one event stream; the audio
devices and speech engines arrive from outside behind narrow interfaces, so this module never knows whether
it talks to a microphone or the virtual actor, to Vosk or PocketSphinx.

Judging (speech/hearing.py says why): the streaming hearing's verdict stands when it is "ok", so a right
line never waits. A "missed", and every short utterance the streaming hearing would take for a command,
is heard again by the strong hearing (Whisper) before anything is said, and its reading is final; the
`verdict` and `command` events name the hearing that decided.

The next cue starts ahead. Whisper costs 0.3 to 0.9 s an utterance on a 2-core laptop, and in a humming
room the streaming engine hears most right lines wrong (measured at -40 dBFS: 8 of 12 needed Whisper), so
waiting for the verdict put a second between the actor's last word and the cue where people leave 0.2 s.
So once the line has ended (its last words heard), the next cue starts at once and the verdict is made
while it plays, as a scene partner carries on and stops short when something was off: a right line, or a
miss under --on-miss note, lets the cue play on; a miss to correct, or a command, cuts it within the time
the second hearing takes, and the correction follows. Not when a note or a "find something new" is due
after the line: those come before the cue.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from assistant.audio.devices import Playback
from assistant.errors import CallbackError
from assistant.events import Command, CueEnd, CueStart, ListenStart, Outcome, Refresh, SceneStart, SessionStart
from assistant.events import Verdict as VerdictEvent
from assistant.history.practice import median_pickup
from assistant.linecheck import Strictness, Verdict
from assistant.linecheck.written import as_written
from assistant.redirections import Redirection
from assistant.script.model import Line
from assistant.session.commands import heard_command
from assistant.session.line_hearing import LineHearing
from assistant.session.listen import Timing, listen
from assistant.session.redirecting import REFRESH, Redirector, Take, sounds_the_same
from assistant.session.runtime import Runtime
from assistant.session.speed_through import PICKUP_GOAL, SlowPickup, quicker, slow_pickups, speed_through_sentences
from assistant.session.turns import can_hear_again, second_hearing, sure_command
from assistant.speech.recorded import voice_name
from assistant.speech.voice import Voice


@dataclass(frozen=True)
class RunOptions:
    role: str
    on_miss: str = "prompt"  # "prompt": correct and move on; "repeat": correct and go again; "note": only record
    strictness: Strictness = "default"
    read_directions: bool = False
    loop: bool = False
    wait_for_engine: bool = False  # end lines on the recognizer's own endpoint (for comparison in benchmarks)
    prompt_words: int = 4  # how much of the line a first "line" request gives
    timing: Timing = field(default_factory=Timing)
    max_attempts: int = 3  # a line missed this often under on_miss=repeat moves on
    max_silent_prompts: int = 2  # offers of the line met with silence before the line is skipped
    speak_summary: bool = True  # say the summary aloud at the end
    redirect_rate: float = 0.0  # after a right line, the chance of a director's note and a retake
    redirections: tuple[Redirection, ...] = ()  # the notes to choose from
    refresh: bool = True  # say so (once a line a session, never in --loop's first round) when a line comes again the same
    seed: int = 0  # the choice of notes
    speed_through: bool = False  # cues quicker, nothing corrected until the summary (session/speed_through.py)
    pickup_goal: float = PICKUP_GOAL  # seconds; a pickup over it is slow


@dataclass
class LineRecord:
    number: int  # 1-based among the role's lines
    line: Line
    verdicts: list[Verdict] = field(default_factory=list)
    skipped: bool = False
    helped: list[int] = field(default_factory=list)  # calls for "line" before each verdict, in step with verdicts
    line_calls: int = 0  # every time the line was given: a call for "line", or an offer after silence
    pickups: list[float] = field(default_factory=list)  # seconds, of the attempts that followed a cue

    @property
    def right_first_time(self) -> bool:
        """Right at the first attempt, unaided: a line given after "line" was not known."""
        return bool(self.verdicts) and self.verdicts[0].ok and not (self.helped and self.helped[0])

    @property
    def prompted(self) -> bool:
        """Said, never missed, but only after the line was given."""
        return bool(self.verdicts) and not self.missed and not self.right_first_time

    @property
    def missed(self) -> bool:
        return any(not verdict.ok for verdict in self.verdicts)

    @property
    def slipped(self) -> bool:
        """Said with a small slip, and never missed."""
        return not self.missed and any(verdict.result == "slip" for verdict in self.verdicts)


@dataclass(frozen=True)
class Summary:
    lines: int
    right_first_time: int
    missed: int
    skipped: int
    dropped_words: tuple[tuple[str, int], ...]  # most often dropped first
    stopped_early: bool
    slips: int = 0  # lines said with a small slip (and not missed)
    prompted: int = 0  # lines said right only after the line was given
    line_calls: int = 0  # times the line was given (calls for "line", offers after silence)
    # A speed-through's reckoning (session/speed_through.py): the lines slipped or missed, in order, the pickups
    # over the goal, and the median of every pickup timed; kept in the summary only for a speed-through.
    speed_through: bool = False
    pickup_goal: float = PICKUP_GOAL
    slipped_lines: tuple[int, ...] = ()
    slow_pickups: tuple[SlowPickup, ...] = ()
    median_pickup: float | None = None

    def to_dict(self) -> dict:
        speed = {}
        if self.speed_through:
            speed = {
                "speed_through": True,
                "pickup_goal": self.pickup_goal,
                "slipped_lines": list(self.slipped_lines),
                "slow_pickups": [slow.to_dict() for slow in self.slow_pickups],
                "median_pickup": self.median_pickup,
            }
        return {
            "lines": self.lines,
            "right_first_time": self.right_first_time,
            "missed": self.missed,
            "skipped": self.skipped,
            "dropped_words": [list(pair) for pair in self.dropped_words],
            "stopped_early": self.stopped_early,
            "slips": self.slips,
            "prompted": self.prompted,
            "line_calls": self.line_calls,
            **speed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        return cls(data.get("lines", 0), data.get("right_first_time", 0), data.get("missed", 0),
                   data.get("skipped", 0), tuple(tuple(pair) for pair in data.get("dropped_words", ())),
                   data.get("stopped_early", False), data.get("slips", 0), data.get("prompted", 0),
                   data.get("line_calls", 0), data.get("speed_through", False),
                   data.get("pickup_goal", PICKUP_GOAL), tuple(data.get("slipped_lines", ())),
                   tuple(SlowPickup(s["line"], s["pickup"]) for s in data.get("slow_pickups", ())),
                   data.get("median_pickup"))

    def sentences(self) -> list[str]:
        said = [f"{self.right_first_time} of {self.lines} lines right first time."]
        if self.prompted:
            said.append(f"{self.prompted} right after a prompt.")
        if self.slips:
            said.append(f"{self.slips} with a small slip.")
        if self.missed:
            said.append(f"{self.missed} missed.")
        if self.skipped:
            said.append(f"{self.skipped} skipped.")
        if self.line_calls:
            said.append(f"{self.line_calls} call{'s' if self.line_calls > 1 else ''} for the line.")
        if self.dropped_words:
            words = ", ".join(word for word, _ in self.dropped_words[:3])
            said.append(f"Words you dropped most: {words}.")
        if self.speed_through:
            said += speed_through_sentences(self.slipped_lines, self.slow_pickups, self.pickup_goal,
                                            self.median_pickup)
        return said


def number_role_lines(lines: Sequence[Line], role: str, first: int = 1) -> dict[int, int]:
    """Index in `lines` -> the role's line number (1-based, counting from `first`)."""
    numbers: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.speaker == role:
            numbers[index] = first + len(numbers)
    return numbers


def select_lines(
    all_lines: Sequence[Line], role: str, start: int | None = None, end: int | None = None
) -> tuple[list[Line], dict[int, int]]:
    """The stretch from the role's line `start` to line `end` (1-based, inclusive), with the cues leading in.

    Line numbers stay those of the whole script or scene given, so "line 4" means the same in every report.
    """
    numbers = number_role_lines(all_lines, role)
    total = len(numbers)
    to_the_end = end is None
    start, end = start or 1, end or total
    if not (1 <= start <= total and 1 <= end <= total):
        raise CallbackError(f"{role} has {total} lines here; choose --from and --to between 1 and {total}")
    if start > end:
        raise CallbackError(f"--from {start} comes after --to {end}; the stretch runs from the earlier line to the later")
    first_index = next(i for i, n in numbers.items() if n == start)
    # Without an end, the scene plays out: the other characters' last words belong to it.
    last_index = len(all_lines) - 1 if to_the_end else next(i for i, n in numbers.items() if n == end)
    while first_index > 0 and all_lines[first_index - 1].speaker != role:
        first_index -= 1
    chosen = list(all_lines[first_index : last_index + 1])
    return chosen, {i - first_index: n for i, n in numbers.items() if first_index <= i <= last_index}


def select_exchanges(all_lines: Sequence[Line], role: str, chosen: Sequence[int]) -> tuple[list[Line], dict[int, int]]:
    """Only the exchanges around the role's lines numbered `chosen` (1-based), in script order: each line with
    the cues leading in to it. Line numbers stay those of `all_lines`."""
    numbers = number_role_lines(all_lines, role)
    wanted = set(chosen)
    lines: list[Line] = []
    kept: dict[int, int] = {}
    for index, number in sorted(numbers.items()):
        if number not in wanted:
            continue
        first = index
        while first > 0 and all_lines[first - 1].speaker != role:
            first -= 1
        lines += all_lines[first:index]
        kept[len(lines)] = number
        lines.append(all_lines[index])
    return lines, kept


def summarise(records: Sequence[LineRecord], stopped_early: bool, speed_through: bool = False,
              pickup_goal: float = PICKUP_GOAL) -> Summary:
    # Every word left out of a line not said word for word: a slip's "for" is worth practising too.
    dropped = Counter(
        word for record in records for verdict in record.verdicts if not verdict.word_perfect
        for word in as_written(verdict.expected, verdict.missing)  # "haven't", as the script writes it
    )
    heard = [record for record in records if record.verdicts or record.skipped]
    return Summary(
        lines=len(heard),
        right_first_time=sum(record.right_first_time for record in heard),
        missed=sum(record.missed for record in heard),
        skipped=sum(record.skipped for record in heard),
        dropped_words=tuple(dropped.most_common(5)),
        stopped_early=stopped_early,
        slips=sum(record.slipped for record in heard),
        prompted=sum(record.prompted for record in heard),
        line_calls=sum(record.line_calls for record in records),
        speed_through=speed_through,
        pickup_goal=pickup_goal,
        slipped_lines=tuple(sorted(record.number for record in heard
                                   if any(not verdict.word_perfect for verdict in record.verdicts))),
        slow_pickups=slow_pickups({record.number: record.pickups for record in heard}, pickup_goal),
        median_pickup=median_pickup([pickup for record in heard for pickup in record.pickups]),
    )


class _Stop(Exception):
    """The actor said "stop"."""


class Rehearsal:
    """One run through a stretch of the script with the actor playing `options.role`, as a session of the
    runtime (session/runtime.py): the runtime gives it voices, ears and the event stream."""

    kind = "run"

    def __init__(
        self,
        lines: Sequence[Line],
        voices: dict[str, Voice],
        options: RunOptions,
        names: Sequence[str] = (),
        line_numbers: dict[int, int] | None = None,
        script: str | None = None,
        scenes: Sequence[tuple[int | None, str]] | None = None,
    ):
        """scenes: each line's scene as (number, heading), in step with `lines`, for the `scene_start` events."""
        self.lines = list(lines)
        self.options = options
        self.voices = {name: quicker(voice) for name, voice in voices.items()} if options.speed_through else voices
        self.names = list(names)
        self.script = script
        self._own_numbers = line_numbers if line_numbers is not None else number_role_lines(lines, options.role)
        self.records = {number: LineRecord(number, self.lines[i]) for i, number in self._own_numbers.items()}
        self._stopped = False
        self._takes: dict[int, Take] = {}  # each line's last right take, to hear whether the next one is new
        self._ahead: _AheadCue | None = None  # the next cue, started before the line's verdict was in
        self._note_due = False  # a random note follows this line if it is right (drawn before it is heard)
        self._after_cue: str | None = None  # a slip to tell once the cue playing ahead has finished
        self._scenes = list(scenes) if scenes is not None else None
        self._round = 0  # of --loop, 1-based
        self._scene: tuple[int | None, str] | None = None  # the scene last announced this round
        self._refreshed: set[int] = set()  # lines already told "find something new" this session

    # -- the session ----------------------------------------------------------------------------------

    def start(self) -> SessionStart:
        return SessionStart(self.kind, script=self.script, role=self.options.role)

    def run(self, runtime: Runtime) -> Summary:
        self.rt = runtime
        self.ear = runtime.ear
        self.hearing = LineHearing(self.ear, self.options.strictness, self.options.timing, self.names,
                                   self.options.wait_for_engine)
        self._rng = random.Random(self.options.seed)
        self._redirector = None
        if self.options.redirect_rate > 0 and self.options.redirections and not self.options.speed_through:
            self._redirector = Redirector(self.options.redirections, self.hearing, self._rng)
        self.prepare(runtime)
        try:
            while True:
                self._run_once()
                if not self.options.loop:
                    break
        except _Stop:
            self._stopped = True
        finally:
            if self._ahead is not None:  # Ctrl-C or an error while a cue played ahead: silence it
                self._ahead.playback.stop()
                self._ahead = None
        summary = self.so_far()
        if self.options.speak_summary:
            self.rt.say(" ".join(summary.sentences()), "summary")
        return summary

    def so_far(self) -> Summary:
        return summarise(list(self.records.values()), stopped_early=self._stopped,
                         speed_through=self.options.speed_through, pickup_goal=self.options.pickup_goal)

    def outcome(self, summary: Summary) -> Outcome:
        return Outcome.STOPPED if summary.stopped_early else Outcome.FINISHED

    def prepare(self, runtime: Runtime) -> None:
        """Render every cue before the first one plays, so no cue waits on synthesis mid-scene."""
        for line in self.lines:
            if line.speaker != self.options.role and line.text.strip():
                runtime.render(self.voices[line.speaker], line.text)

    def _run_once(self) -> None:
        self._round += 1
        self._scene = None
        index = 0
        while index < len(self.lines):
            self._enter_scene(index)
            line = self.lines[index]
            if line.speaker != self.options.role:
                self._cue(line, index)
                index += 1
                continue
            index = self._take_line(index)

    def _enter_scene(self, index: int) -> None:
        """Say where the run is when it starts a round or crosses into another scene (also going "back")."""
        scene = self._scenes[index] if self._scenes is not None else (None, "")
        if scene != self._scene:
            self._scene = scene
            self.rt.emit(SceneStart(scene[0], scene[1], round=self._round, looping=self.options.loop))

    def _may_refresh(self, number: int) -> bool:
        """"Find something new" is a note, not a refrain: once a line a session, and not in --loop's first
        round, where a line comes again only by "back" or a retry and the actor is still finding it."""
        return (self.options.refresh and not self.options.speed_through and number in self._takes
                and number not in self._refreshed and not (self.options.loop and self._round == 1))

    def _cue(self, line: Line, index: int | None = None) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.index == index:
            ahead.playback.wait()
            self.rt.cue_ended(ahead.playback)
            self.rt.emit(CueEnd(line.speaker))
            note, self._after_cue = self._after_cue, None
            if note:
                self.rt.say(note, "slip")
            return
        if ahead is not None:
            self._cut(ahead)
        text = self._cue_text(line)
        if not text.strip():
            return
        voice = self.voices[line.speaker]
        audio = self.rt.render(voice, text)
        self.rt.emit(CueStart(line.speaker, line.text, voice=voice_name(voice, text)))
        self.rt.speaker.play(audio)
        self.rt.cue_ended()
        self.rt.emit(CueEnd(line.speaker))

    def _cue_text(self, line: Line) -> str:
        if self.options.read_directions and line.direction:
            return f"{line.direction}. {line.text}"
        return line.text

    def _start_ahead(self, index: int, ended_by: str) -> None:
        """The line at `index` has just ended with its last words heard: start the cue after it now, unless
        something is due to be said between them (module docstring)."""
        following = index + 1
        if ended_by != "complete" or following >= len(self.lines) or self._note_due:
            return
        line = self.lines[following]
        number = self._own_numbers[index]
        text = self._cue_text(line)
        if line.speaker == self.options.role or not text.strip():
            return
        if self._may_refresh(number):
            return  # a line delivered again may draw "find something new" before the cue
        voice = self.voices[line.speaker]
        audio = self.rt.render(voice, text)
        self.rt.emit(CueStart(line.speaker, line.text, ahead=True, voice=voice_name(voice, text)))
        self._ahead = _AheadCue(following, line.speaker, self.rt.speaker.start(audio))

    def _cut_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            self._cut(ahead)

    def _cut(self, ahead: "_AheadCue") -> None:
        self._after_cue = None  # what cut the cue is more pressing than a small slip
        ahead.playback.stop()
        self.rt.cue_ended_at = None  # what follows answers what cut it, not the cue
        self.rt.emit(CueEnd(ahead.speaker, cut=True))

    def _take_line(self, index: int) -> int:
        """Listen for the actor's line at `index`; return the index to go on from."""
        number = self._own_numbers[index]
        record = self.records[number]
        line = self.lines[index]
        prompts_given = 0
        attempts = 0
        silent_turns = 0
        while True:
            self._note_due = self._redirector is not None and self._rng.random() < self.options.redirect_rate
            delivery = self.hearing.hear(self.rt, number, line.text,
                                         ListenStart("line", line=number, expected=line.text, attempt=attempts + 1),
                                         on_ended=lambda ended_by: self._start_ahead(index, ended_by))
            heard, turn = delivery.utterance, delivery.turn
            silent_turns = silent_turns + 1 if heard.timed_out else 0
            if silent_turns > self.options.max_silent_prompts:
                # Nobody is answering (the actor left the room): move on rather than prompt forever.
                self._obey("skip", index, line, prompts_given)
                return index + 1
            if turn.command is not None:
                delivery.go_on_stopping()
                self._cut_ahead()
                outcome = self._obey(turn.command, index, line, prompts_given, turn.hearing)
                if turn.command == "line":
                    prompts_given += 1
                if outcome is not None:
                    return outcome
                continue

            verdict = turn.verdict
            record.verdicts.append(verdict)
            record.helped.append(prompts_given)
            if delivery.pickup is not None:
                record.pickups.append(delivery.pickup)
            attempts += 1
            # The attempt is committed to the history by this event, before anything else is said or played.
            self.rt.emit(dataclasses.replace(VerdictEvent.of(number, verdict, turn.hearing, attempts, heard.audio),
                                             prompts=prompts_given, pickup=delivery.pickup))
            delivery.go_on_stopping()
            quiet = self.options.on_miss == "note" or self.options.speed_through  # nothing said mid-run
            if verdict.ok:
                if verdict.result == "slip" and not quiet:
                    self._tell_slip(verdict.correction())
                take = Take(number, line.text, heard.audio, heard.words) if heard.audio is not None else None
                self._after_right_line(take, attempts)
                return index + 1
            if quiet:
                return index + 1
            self._cut_ahead()
            self.rt.say(verdict.correction(), "correction")
            if self.options.on_miss == "prompt" or attempts >= self.options.max_attempts:
                return index + 1

    def _tell_slip(self, note: str) -> None:
        """A slip is told briefly, after the cue that is already playing, never over it; at once if none is."""
        if self._ahead is not None:
            self._after_cue = note
        else:
            self.rt.say(note, "slip")

    def _after_right_line(self, take: Take | None, attempts: int) -> None:
        """A right line may draw a random note (--redirect-rate); delivered again without one, it is checked
        against the last take of it ("don't repeat, refresh")."""
        if take is None:
            return
        may_refresh = self._may_refresh(take.line)
        previous = self._takes.get(take.line)
        self._takes[take.line] = take
        if self._note_due:
            result = self._redirector.redirect(self.rt, take, attempts + 1)
            if result == "stop":
                raise _Stop
            return
        if may_refresh and sounds_the_same(previous, take):
            self._refreshed.add(take.line)
            self.rt.emit(Refresh(take.line))
            self.rt.say(REFRESH, "refresh")

    def _obey(self, command: str, index: int, line: Line, prompts_given: int, hearing: str = "") -> int | None:
        """Carry out a voice command; return where to go on from, or None to listen for this line again."""
        self.rt.emit(Command(command, hearing or self.ear.live.name, self._own_numbers[index]))
        if command == "stop":
            raise _Stop
        if command == "line":
            self.records[self._own_numbers[index]].line_calls += 1
            words = line.text.split()
            given = line.text if prompts_given or len(words) <= self.options.prompt_words + 1 else " ".join(
                words[: self.options.prompt_words]
            )
            self.rt.say(given, "line")
            return None
        if command == "again":
            previous = self._previous_cue(index)
            if previous is not None:
                self._cue(self.lines[previous])
            return None
        if command == "skip":
            self.records[self._own_numbers[index]].skipped = True
            return index + 1
        if command == "back":
            return self._back_to(index)
        if command == "pause":
            self._pause()
            return None
        return None

    def _previous_cue(self, index: int) -> int | None:
        if index > 0 and self.lines[index - 1].speaker != self.options.role:
            return index - 1
        return None

    def _back_to(self, index: int) -> int:
        """The start of the previous exchange: the cues before the role's previous line, or this line's."""
        own_before = [i for i in self._own_numbers if i < index]
        target = own_before[-1] if own_before else index
        while target > 0 and self.lines[target - 1].speaker != self.options.role:
            target -= 1
        return target

    def _pause(self) -> None:
        self.rt.say("Paused. Say resume when you're ready.", "pause")
        while True:
            heard = listen(
                self.rt.microphone,
                self.hearing.recognizer,
                self.rt.events,
                ListenStart("resume"),
                cross_check=self.hearing.commands,
                is_command=lambda text: heard_command(text, "", "") is not None,
                timing=Timing(long_silence=1.0, start_timeout=3600.0),
            )
            command = heard_command(heard.text, heard.cross_checked, "")
            if (command is None or not sure_command(heard)) and can_hear_again(heard, self.ear):
                command = heard_command(second_hearing(heard, "", self.ear).text, "", "")
            if command == "stop":
                raise _Stop
            if command == "resume":
                self.rt.emit(Command("resume", self.ear.live.name))
                return


@dataclass(frozen=True)
class _AheadCue:
    index: int  # the cue's place among the lines
    speaker: str
    playback: Playback


__all__ = ["Rehearsal", "RunOptions", "Summary", "LineRecord", "summarise"]
