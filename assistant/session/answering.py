"""What a short spoken answer was: the checklist's yes / no / ... and grounding's "stop".

The small-vocabulary streaming recognizer only says when an answer is over; what was said is decided by
the strong hearing when there is one, on the same audio. Measured with hibari's voice and -40 dBFS hiss:
PocketSphinx heard a bare "no" as "now" and the question was asked again, which the virtual actor (and a
real one) then answered with the next question's "yes". Whisper, told which words are expected, hears the
eight bare answers and commands; a sentence that merely contains one ("I'm not sure") still comes back
whole, and `interpret` refuses it as unclear.
"""

from __future__ import annotations

import time

from assistant.answers import Answer, decide, interpret
from assistant.events import EventStream, Recognized
from assistant.session.listen import Utterance
from assistant.speech.hearing import Ear

#: What the strong hearing is told to expect (the main word of each answer; synonyms come through anyway).
ANSWER_PROMPT = ("yes", "no", "repeat", "skip", "back", "stop")


def heard_answer(utterance: Utterance, ear: Ear | None, cross_check: bool,
                 events: EventStream | None = None) -> tuple[Answer | None, str, str]:
    """(the answer, or None when unclear; the words it was read from; the hearing that read them).

    cross_check: the streaming answer counts only if free dictation of the same audio agrees (used when there
    is no strong hearing). `events`, when given, gets the strong hearing's cost as a `recognized` event."""
    if ear is not None and ear.strong is not None and utterance.audio is not None and ear.strong.available():
        started = time.perf_counter()
        text = ear.strong.transcribe(utterance.audio, ear.hints(ANSWER_PROMPT)).text
        if events is not None:
            events.emit(Recognized(ear.strong.name, round(utterance.audio.duration, 3),
                                   round(time.perf_counter() - started, 4)))
        return interpret(text), text, ear.strong.name
    live = ear.live.name if ear is not None else ""
    return decide(utterance.text, utterance.cross_checked if cross_check else None), utterance.text, live
