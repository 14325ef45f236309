"""Hearing one delivery of a line: listen, then judge with the best hearing (run.py's judge_turn).

Shared by the run loop, redirections inside it, and the drill: each needs the same listening (the line's end
heard from its words, a lone command word heard whole, the second hearing started at the first pause) and the
same events (`listen_start`, `heard` from each hearing that was asked, `recognized` for the second hearing).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events import Heard, ListenStart, Recognized
from assistant.linecheck import Strictness, check_line, normalise_words
from assistant.session.commands import COMMAND_WORDS, MAX_COMMAND_WORDS, covers_ending, heard_command
from assistant.session.listen import Timing, Utterance, listen
from assistant.session.turns import Turn, hints_for, judge_turn
from assistant.speech.hearing import Ear


@dataclass(frozen=True)
class Delivery:
    """One delivery of a line as heard: the utterance (its audio and words) and what it was judged to be."""

    utterance: Utterance
    turn: Turn
    interrupted: bool = False  # Ctrl-C (or SIGTERM) came while it was being judged
    # Seconds from the cue's last sample to the first speech heard, never clamped: negative when the actor came
    # in over the cue. Listening drains the microphone as it starts, so speech already under way then is timed
    # from that moment, the latest it can have begun. None when the cue was not the last thing played (callback
    # spoke after it, or there was no cue), or nothing was said.
    pickup: float | None = None

    def go_on_stopping(self) -> None:
        """Once its verdict is recorded: a stop that came while the line was judged takes effect now."""
        if self.interrupted:
            raise KeyboardInterrupt


class LineHearing:
    """The recognizers a session keeps for hearing lines, and the one way a line is heard."""

    def __init__(self, ear: Ear, strictness: Strictness = "default", timing: Timing = Timing(),
                 names=(), wait_for_engine: bool = False):
        self.ear = ear
        self.strictness = strictness
        self.timing = timing
        self.names = list(names)
        self.wait_for_engine = wait_for_engine
        self.recognizer = ear.live.recognizer()
        # With a strong hearing to confirm them, commands are proposed by dictation alone: the command
        # recognizer (a grammar decoder and a second dictation decoder on PocketSphinx) would cost ~180 MB
        # and half the streaming CPU to propose what the second hearing decides anyway.
        self.commands = None if ear.strong is not None else ear.live.recognizer(vocabulary=COMMAND_WORDS)

    def hear(self, runtime, number: int, text: str, awaiting: ListenStart, timing: Timing | None = None,
             on_ended=None) -> Delivery:
        """timing: instead of the session's, for one delivery (a note asking for pauses). on_ended(ended_by)
        is called the moment listening is over, before the recognizers close and the turn is judged (the run
        starts the next cue)."""
        expected = normalise_words(text)
        # Taken now and used up: an attempt after this one follows this attempt, not the cue.
        cue_ended_at, runtime.cue_ended_at = getattr(runtime, "cue_ended_at", None), None
        heard = listen(
            runtime.microphone,
            self.recognizer,
            runtime.events,
            awaiting,
            is_complete=lambda said: covers_ending(expected, normalise_words(said)),
            cross_check=self.commands,
            is_command=lambda said: heard_command(said, "", text) is not None,
            max_command_words=MAX_COMMAND_WORDS,
            timing=timing or self.timing,
            wait_for_engine=self.wait_for_engine,
            early_hearing=self._early_hearing(text) if self.ear.strong and self.ear.strong.ready() else None,
            on_over=on_ended,
        )
        interrupted = False
        try:
            runtime.emit(Heard(heard.text, self.ear.live.name, heard.ended_by, line=number))
            turn = judge_turn(heard, text, self.ear, self.strictness, self.names)
        except KeyboardInterrupt:
            # The line was said to its end and the next cue is already playing: a stop now must not lose it
            # (it did: "0 of 0 lines"). It is judged first, about a second; a second Ctrl-C ends it at once.
            interrupted = True
            turn = judge_turn(heard, text, self.ear, self.strictness, self.names)
        if turn.second is not None:
            runtime.emit(Recognized(turn.hearing, round(turn.second.audio_seconds, 3),
                                    round(turn.second.busy_seconds, 4)))
            runtime.emit(Heard(turn.second.text, turn.hearing, heard.ended_by, line=number,
                               fit=turn.second.fit.to_dict() if turn.second.fit else None))
        pickup = None
        if cue_ended_at is not None and heard.speech_began is not None:
            pickup = round(heard.speech_began - cue_ended_at, 3)
        return Delivery(heard, turn, interrupted, pickup)

    def _early_hearing(self, expected: str):
        """Start the second hearing at a pause, unless the streaming hearing already has the line."""
        def start(audio_so_far, partial: str, speech_seconds: float):
            if partial and check_line(expected, partial, self.strictness, self.names).word_perfect:
                return None
            return self.ear.strong.start(audio_so_far, expected, hints_for(self.ear, speech_seconds))
        return start
