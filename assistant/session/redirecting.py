"""A director's note inside a session: say it, hear the same line again, and tell the actor whether the delivery
really changed, by how much (delivery/measures.py measures both takes). A note that cannot be measured (more
grounded, raise the stakes) is self-rated instead: "How did that land, one to five?"

Used by the drill (`callback drill`) and by random redirections inside a run (`--redirect-rate`). Each note
becomes one `redirection` event with the note's words, its kind, the measure, the values before and after,
whether it changed, and every raw measure of both takes, so thresholds can be retuned from old logs.

Also the seed's "don't repeat, refresh": `sounds_the_same` says when a line delivered again without a note is
within the thresholds on every measure of the previous take.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from typing import Sequence

from assistant.audio.pcm import Audio
from assistant.events import ListenStart, Redirection as RedirectionEvent
from assistant.events import Verdict as VerdictEvent
from assistant.redirections import Redirection
from assistant.session.line_hearing import LineHearing
from assistant.speech.recognizer import Word

RATING_QUESTION = "How did that land, one to five?"
RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
#: Heard as the number by a recognizer that was told the five words (measured: Whisper writes "for" and
#: "to" for a bare "four" and "two" about as often as the numbers themselves).
_SOUNDALIKES = {"won": 1, "to": 2, "too": 2, "for": 4, "fore": 4, "free": 3, "tree": 3}
REFRESH = "That was the same as last time. Find something new."
#: Silence after the word before the last that still is not the end of a line, when the note asked for pauses.
PAUSED_LINE_SILENCE = 1.2


@dataclass(frozen=True)
class Take:
    """One delivery of a line worth measuring: its audio, and the words the streaming engine placed in it."""

    line: int
    text: str
    audio: Audio
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class RedirectionResult:
    line: int
    redirection: str  # the words spoken
    kind: str
    measure: str | None
    before: float | None
    after: float | None
    changed: bool | None  # None for a qualitative note
    rating: int | None = None  # the actor's one-to-five, for a qualitative note
    retake: str | None = None  # the retake's verdict: "ok", "slip" or "missed"

    def to_dict(self) -> dict:
        return {"line": self.line, "redirection": self.redirection, "kind": self.kind, "measure": self.measure,
                "before": self.before, "after": self.after, "changed": self.changed, "rating": self.rating,
                "retake": self.retake}


def heard_rating(text: str) -> int | None:
    """One to five from what was said ("four", "a four", "4", "four out of five"), or None when unclear."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    numbers = {RATING_WORDS.get(word) or (_SOUNDALIKES.get(word) if len(words) <= 2 else None) for word in words}
    numbers.discard(None)
    if "out" in words and "of" in words and 5 in numbers and len(numbers) == 2:
        numbers.discard(5)  # "four out of five"
    return numbers.pop() if len(numbers) == 1 else None


def sounds_the_same(before: Take, after: Take) -> bool:
    from assistant.delivery import same_delivery

    measured_before, measured_after = _measured_or_none(before), _measured_or_none(after)
    return measured_before is not None and measured_after is not None and same_delivery(measured_before,
                                                                                        measured_after)


def _measured_or_none(take: Take):
    """The take's delivery measures, or None when it holds no speech to measure."""
    from assistant.delivery import measure_delivery

    try:
        return measure_delivery(take.audio, take.text, take.words)
    except ValueError:
        return None


class Redirector:
    """Picks notes at random (never the same one twice running) and runs each one through."""

    def __init__(self, notes: Sequence[Redirection], hearing: LineHearing, rng: random.Random):
        if not notes:
            raise ValueError("no redirections to give")
        self.notes = list(notes)
        self.hearing = hearing
        self.rng = rng
        self._last: str | None = None
        self._rating_recognizer = None

    def pick(self, before=None) -> Redirection:
        """A note at random, not the last one again, and one that makes sense for the take: nobody is told to
        drive through pauses a take does not have."""
        fitting = [note for note in self.notes if _applies(note, before)] or self.notes
        choices = [note for note in fitting if note.id != self._last] or fitting
        note = self.rng.choice(choices)
        self._last = note.id
        return note

    def redirect(self, runtime, before: Take, attempt: int) -> RedirectionResult | str:
        """Give a note and hear the line again. Returns what happened, or the command the actor gave instead
        of the retake (the caller obeys it: "stop" ends the session, anything else abandons the note)."""
        measured_before = _measured_or_none(before)
        note = self.pick(measured_before)
        words = note.phrase(self.rng)
        runtime.say(words, "redirection")
        # Asked for pauses, the actor will stop inside the line: a pause after the word before the last is
        # not the end of it (measured: the usual 0.3 s cut "That doesn't make it ... easier" at "it").
        timing = None
        if note.measure == "pauses" and note.direction > 0:
            timing = replace(self.hearing.timing, nearly_silence=PAUSED_LINE_SILENCE,
                             long_silence=max(self.hearing.timing.long_silence, PAUSED_LINE_SILENCE))
        delivery = self.hearing.hear(runtime, before.line, before.text, ListenStart(
            "line", line=before.line, expected=before.text, attempt=attempt, redirection=note.id,
            measure=note.measure, direction=note.direction), timing)
        turn, heard = delivery.turn, delivery.utterance
        if turn.command is not None:
            delivery.go_on_stopping()
            return turn.command
        runtime.emit(VerdictEvent.of(before.line, turn.verdict, turn.hearing, attempt, heard.audio))
        delivery.go_on_stopping()
        if not turn.verdict.word_perfect:
            runtime.say(turn.verdict.correction(), "correction" if not turn.verdict.ok else "slip")
        measured_after = _measured_or_none(Take(before.line, before.text, heard.audio, heard.words)) \
            if heard.audio is not None else None
        if note.measurable and measured_before is not None and measured_after is not None:
            return self._measured(runtime, note, words, before.line, measured_before, measured_after,
                                  turn.verdict.verdict)
        if note.measurable:
            runtime.say("I couldn't hear enough of that to measure it.", "feedback")
            runtime.emit(RedirectionEvent(words, note.kind, before.line, note.measure, direction=note.direction))
            return RedirectionResult(before.line, words, note.kind, note.measure, None, None, None,
                                     retake=turn.verdict.verdict)
        return self._rated(runtime, note, words, before.line, turn.verdict.verdict)

    def _measured(self, runtime, note: Redirection, words: str, line: int, measured_before, measured_after,
                  retake: str) -> RedirectionResult:
        from assistant.delivery import compare, spoken_verdict

        change = compare(measured_before, measured_after, note.measure, note.direction)
        runtime.emit(RedirectionEvent(
            words, note.kind, line, note.measure, change.before, change.after, change.changed,
            direction=note.direction, amount=change.amount, measures_before=measured_before.to_dict(),
            measures_after=measured_after.to_dict()))
        runtime.say(spoken_verdict(change), "feedback")
        return RedirectionResult(line, words, note.kind, note.measure, change.before, change.after,
                                 change.changed, retake=retake)

    def _rated(self, runtime, note: Redirection, words: str, line: int, retake: str) -> RedirectionResult:
        rating = None
        for attempt in (1, 2):
            runtime.say(RATING_QUESTION if attempt == 1 else "Just a number, one to five?", "rating")
            rating = self._hear_rating(runtime, line, attempt)
            if rating is not None:
                break
        runtime.emit(RedirectionEvent(words, note.kind, line, None, None, None, None, rating=rating))
        runtime.say(f"Noted: {rating}." if rating is not None else "I'll leave that one unrated.", "feedback")
        return RedirectionResult(line, words, note.kind, None, None, None, None, rating, retake)

    def _hear_rating(self, runtime, line: int, attempt: int) -> int | None:
        from assistant.events import Heard
        from assistant.session.listen import Timing, listen

        ear = runtime.ear
        if self._rating_recognizer is None:
            self._rating_recognizer = ear.live.recognizer(vocabulary=["one", "two", "three", "four", "five"])
        heard = listen(runtime.microphone, self._rating_recognizer, runtime.events,
                       ListenStart("rating", line=line, attempt=attempt),
                       is_complete=lambda text: heard_rating(text) is not None,
                       timing=Timing(short_silence=0.3, long_silence=1.0, start_timeout=8.0, max_utterance=5.0))
        text, hearing = heard.text, ear.live.name
        if heard.audio is not None and ear.strong is not None and ear.strong.available():
            text = ear.strong.transcribe(heard.audio, ear.hints(("one", "two", "three", "four", "five"))).text
            hearing = ear.strong.name
        runtime.emit(Heard(text, hearing, heard.ended_by, line=line))
        return heard_rating(text)


def _applies(note: Redirection, before) -> bool:
    """Whether a note can be heard to be taken. Unmeasurable takes only get notes that are not measured; "fewer
    pauses" needs a clear pause (250 ms or more) to lose: a 200-250 ms one can never be heard to go."""
    if before is None:
        return not note.measurable
    if note.measure == "pauses" and note.direction < 0:
        return before.clear_pause_count > 0
    return True
