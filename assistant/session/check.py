"""`callback check`: a first session's check of the ear, before any rehearsal.

callback asks for one sentence, listens exactly as it listens to a line in a run (the same streaming hearing,
the same second hearing, the same judge), then says what it heard, how loud the voice and the room were, and
whether that is good enough to rehearse; if not, why, in words an actor can act on (move closer, turn the
microphone's input up or down, find a quieter room, speak more clearly).

The levels come from the very audio the ear was given (audio/levels.py): the room from before the first word,
the voice from the speech. The limits below were measured with the virtual actor (`scripts/bench_check.py`,
the check as a user runs it, seeds 0 to 2) in the rooms the project's benchmarks use (audio/rooms.py): a
quiet room (hiss at -64 dBFS), a quiet flat (-50), a fan or fridge (-40) and louder, with the voice at its
arm's-length level (-26 dBFS) and lower, heard as `--engine auto` hears (PocketSphinx, and Whisper where
it rejects). PocketSphinx alone (--engine pocketsphinx) heard the sentence right only once in three over the
-40 fan, and the check then says "heard differently", as a run with it would mishear lines there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from assistant.audio.levels import FLOOR_DBFS, Levels, measure
from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.events import ListenStart, SessionStart
from assistant.events import Outcome as SessionOutcome
from assistant.session.listen import Microphone, Timing
from assistant.session.runtime import Runtime

#: What the actor reads: everyday words, no name to trip the recognizer, none of the voice commands ("line",
#: "again", "skip", "back", "pause", "stop"), and about three seconds long, for a steady voice level. Of the
#: sentences tried, the one PocketSphinx heard word for word in the virtual actor's voice in a quiet room
#: ("keys by the door" became "keys to get torn"), so a quiet room's check is not failed by the sentence.
SENTENCE = "Tell me what you want, and I will find a way to make it work."

#: Below this the voice is too quiet, whatever the room. Measured (bench_check.py, 3 seeds, quiet room): the
#: sentence was heard right every time down to -46 dBFS, once in three at -50, never at -53, and at -56 the
#: speech detector heard no voice at all: the ear goes deaf within a few dB of -50. -45 puts the limit just
#: above the quietest level heard right every time (-46) and 5 dB above where hearing starts to fail; it is
#: 19 dB under arm's length (-26), where a microphone's input gain is plainly low or the actor far away.
VOICE_TOO_QUIET_DBFS = -45.0
#: The voice must stand this far above the room. Measured (bench_check.py, 3 seeds, fan hum and hiss from -50 to
#: -30 dBFS, voices from -26 down): with the voice 3.8 dB or more above the room (and not too quiet) the
#: sentence was heard right in 55 of 57 takes (the misses at 5.1 dB over a -30 room and at 12 dB over -44,
#: Whisper's own slips), and at 2.7 dB or less in at most one take in three; where the room stood mattered
#: less than the margin. But a run asks more of the ear than one sentence read with care:
#: lines said more softly, "line" heard as a command, turns taken quickly, which the turn-gap benchmarks
#: measure at 13 to 14 dB (-26 over a -40 fan). 10 dB sits between the two, 6 to 7 dB above the sentence's edge.
MIN_MARGIN_DB = 10.0
#: A voice with more than this share of its samples at full scale is clipped: the input gain is too high (a
#: convention, not measured: one sample in a thousand is a crackle on every other word).
MAX_CLIPPED = 0.001
#: A room at this level is digital silence: a muted microphone, or the wrong input.
DEAD_ROOM_DBFS = FLOOR_DBFS + 6


@dataclass(frozen=True)
class Problem:
    kind: str  # "nothing heard", "silent microphone", "too quiet", "too loud", "room too noisy", "heard differently"
    reason: str  # what to do about it, in plain words


@dataclass
class CheckResult:
    sentence: str
    heard: str = ""
    hearing: str = ""  # which hearing decided what was heard
    verdict: str | None = None  # the judge's: "ok", "slip" or "missed"; None when nothing was heard
    levels: Levels | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.levels is not None and not self.problems

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "heard": self.heard,
            "hearing": self.hearing,
            "verdict": self.verdict,
            "levels": self.levels.to_dict() if self.levels else None,
            "ready": self.ready,
            "problems": [{"kind": p.kind, "reason": p.reason} for p in self.problems],
        }

    def printed(self) -> list[str]:
        levels = self.levels
        rows = [f"Heard ({self.hearing}): {self.heard!r}" if self.heard else "Heard: nothing"]
        if levels is not None:
            rows.append(f"Voice: {_level(levels.voice_dbfs)}   Room: {_level(levels.room_dbfs)}"
                        + (f"   (voice {levels.margin_db:.0f} dB above the room)" if levels.margin_db is not None else ""))
        if self.ready:
            rows.append("Ready to rehearse.")
        else:
            rows.append("Not ready to rehearse yet:")
            rows += [f"  - {p.kind}: {p.reason}" for p in self.problems]
        return rows

    def spoken(self) -> str:
        said = [f"I heard: {self.heard.rstrip('.!?')}." if self.heard else "I didn't hear anything."]
        if self.ready:
            said.append("That's good enough to rehearse.")
        else:
            said += [f"{p.kind.capitalize()}: {p.reason[:1].upper()}{p.reason[1:]}" for p in self.problems]
        return " ".join(said)


def _level(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} dBFS"


def problems_with(levels: Levels, verdict: str | None) -> list[Problem]:
    """What stands between this take and a rehearsal, most basic first (nothing heard before what was heard)."""
    found: list[Problem] = []
    room, voice, margin = levels.room_dbfs, levels.voice_dbfs, levels.margin_db
    if verdict is None:  # the ear never heard speech start
        if voice is None and room is not None and room <= DEAD_ROOM_DBFS:
            return [Problem("silent microphone", "the microphone sends no sound at all. Check it isn't muted, and "
                                                 "that callback uses the right one (callback devices).")]
        found.append(Problem("nothing heard", "I heard no speech. Check the microphone is on and pointed at you, "
                                              "then read the sentence again, at the level you will rehearse at."))
        if voice is None:
            return found
    elif voice is None:  # the ear heard words, but the detector could not tell a voice from the room
        return [Problem("too quiet", "I could barely tell your voice from the room. Move closer to the "
                                     "microphone, or turn its input level up.")]
    if voice < VOICE_TOO_QUIET_DBFS:
        found.append(Problem("too quiet", f"your voice reached me at {voice:.0f} dBFS; it needs {VOICE_TOO_QUIET_DBFS:.0f} "
                                          "or more. Move closer to the microphone, or turn its input level up."))
    if levels.clipped > MAX_CLIPPED:
        found.append(Problem("too loud", "your voice is clipping at the microphone. Turn its input level down, "
                                         "or step back a little."))
    if margin is not None and margin < MIN_MARGIN_DB and voice >= VOICE_TOO_QUIET_DBFS:
        found.append(Problem("room too noisy", f"the room is at {room:.0f} dBFS, and your voice only {margin:.0f} dB "
                                               f"above it; it needs {MIN_MARGIN_DB:.0f}. Turn off a fan or music, "
                                               "find a quieter room, or move closer to the microphone."))
    if verdict == "missed":
        found.append(Problem("heard differently", "what I heard is not the sentence. Read it again, clearly and "
                                                  "at your own pace, facing the microphone."))
    return found


class _Tap:
    """The microphone, with everything it gives kept: the ear keeps only the speech, the room is wanted too."""

    def __init__(self, microphone: Microphone):
        self.microphone = microphone
        self.heard: list[bytes] = []

    def chunks(self):
        for chunk in self.microphone.chunks():
            self.heard.append(chunk)
            yield chunk

    def drain(self) -> None:
        self.microphone.drain()
        self.heard = []

    def recording(self) -> Audio:
        return Audio(np.frombuffer(b"".join(self.heard), dtype="<i2").copy(), SPEECH_RATE)


@dataclass
class CheckSession:
    """Ask for the sentence, hear it as a line is heard, measure, and say the verdict."""

    sentence: str = SENTENCE
    timing: Timing = field(default_factory=Timing)
    show: Callable[[str], None] = lambda text: None  # the terminal (nothing with --json)
    kind: ClassVar[str] = "check"
    result: CheckResult | None = None

    def start(self) -> SessionStart:
        return SessionStart(self.kind)

    def run(self, runtime: Runtime) -> CheckResult:
        from assistant.session.line_hearing import LineHearing

        self.result = CheckResult(self.sentence)
        self.show(f'Say: "{self.sentence}"')
        runtime.say("Let's check how well I hear you. Stand where you'll rehearse, and when I stop, read the "
                    f"sentence on the screen at the level you'll rehearse at. It goes: {self.sentence}",
                    "instruction")
        hearing = LineHearing(runtime.ear, timing=self.timing)
        tap = _Tap(runtime.microphone)
        runtime.microphone = tap
        try:
            self.show("Listening...")
            delivery = hearing.hear(runtime, 1, self.sentence, ListenStart("check", line=1, expected=self.sentence))
        finally:
            runtime.microphone = tap.microphone
        result = self.result
        result.levels = measure(tap.recording())
        turn, utterance = delivery.turn, delivery.utterance
        if not utterance.timed_out:
            result.hearing = turn.hearing
            result.heard = turn.verdict.heard if turn.verdict is not None else (
                turn.second.text if turn.second is not None else utterance.text)
            # A command word heard instead of the sentence ("stop") is simply not the sentence.
            result.verdict = turn.verdict.verdict if turn.verdict is not None else "missed"
        result.problems = problems_with(result.levels, result.verdict)
        runtime.say(result.spoken(), "result")
        return result

    def so_far(self) -> CheckResult:
        return self.result or CheckResult(self.sentence)

    def outcome(self, result: CheckResult) -> SessionOutcome:
        return SessionOutcome.FINISHED
