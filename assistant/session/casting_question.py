"""Asking, once, who reads a part the script says nothing about: "Shall a man read BRICK?"

The script usually shows whether a character is a man or a woman (script/casting.py); where it does not (a
surname, a nickname, no pronoun anywhere), a guess may give a man's part a woman's voice, which jars on every
cue of the scene. So before the first cue callback asks, by voice, one yes/no question per such character
that speaks in the lines to be run: yes for a man, no for a woman. "Skip", silence or an unclear answer after
the question is asked twice leaves the guess as it was (a voice not yet used); "stop" leaves the rest as they
are. The answers are kept per script with the voices (commands/voices.py), so a script asks once.

Yes and no, rather than "man" and "woman": they are the answers the answer hearing already knows
(answers.py), measured on both engines and in noise for the checklist; a new pair of words would need that
measuring again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Sequence

from assistant.answers import Answer, interpret, vocabulary
from assistant.events import Heard, ListenStart, Outcome, SessionStart
from assistant.linecheck import normalise_words
from assistant.script.casting import MAN, WOMAN
from assistant.session.answering import heard_answer
from assistant.session.checklist import AnswerTiming
from assistant.session.listen import listen
from assistant.session.runtime import Runtime

QUESTION = "The script doesn't say who {name} is. Shall a man read {name}? Say yes, or no for a woman."
#: Asked this many times at most when the answer is unclear or "say again".
TIMES_ASKED = 2


@dataclass(frozen=True)
class Told:
    """What the actor said: {character: MAN or WOMAN}, for the characters answered."""

    kinds: dict[str, str]

    def to_dict(self) -> dict:
        return {"told": dict(self.kinds)}


@dataclass
class CastingQuestions:
    """The questions as a session of the runtime; its result says who the actor said is a man or a woman."""

    names: Sequence[str]
    timing: AnswerTiming = field(default_factory=AnswerTiming)
    kind: ClassVar[str] = "casting"
    _told: dict[str, str] = field(default_factory=dict)
    _stopped: bool = False

    def start(self) -> SessionStart:
        return SessionStart(self.kind)

    def so_far(self) -> Told:
        return Told(dict(self._told))

    def outcome(self, result: Told) -> Outcome:
        return Outcome.STOPPED if self._stopped else Outcome.FINISHED

    def run(self, runtime: Runtime) -> Told:
        recognizer = runtime.ear.live.recognizer(vocabulary=vocabulary())
        dictation = runtime.ear.live.recognizer()
        for index, name in enumerate(self.names):
            for attempt in range(1, TIMES_ASKED + 1):
                runtime.say(QUESTION.format(name=name.title()), "casting", index, attempt)
                utterance = listen(runtime.microphone, recognizer, runtime.events,
                                   ListenStart("answer", index=index, question="casting", attempt=attempt),
                                   cross_check=dictation, is_complete=lambda text: interpret(text) is not None or bool(kind_said(text)),
                                   timing=self.timing.timing())
                if utterance.timed_out:
                    break  # nobody is answering: the guess stands
                answer, text, hearing = heard_answer(utterance, runtime.ear, True, runtime.events)
                runtime.emit(Heard(text, hearing, utterance.ended_by))
                said = kind_said(text) or {Answer.YES: MAN, Answer.NO: WOMAN}.get(answer)
                if said:
                    self._told[name] = said
                    break
                if answer is Answer.STOP:
                    self._stopped = True
                    return self.so_far()
                if answer is Answer.SKIP:
                    break
        return self.so_far()


_MAN_WORDS = {"man", "male", "guy", "he", "him"}
_WOMAN_WORDS = {"woman", "female", "girl", "lady", "she", "her"}


def kind_said(text: str) -> str:
    """MAN or WOMAN when the answer says it in words ("a man", "no, a woman"), else "": people answer the
    question they hear, not only with yes or no."""
    words = set(normalise_words(text))
    man, woman = bool(words & _MAN_WORDS), bool(words & _WOMAN_WORDS)
    return MAN if man and not woman else WOMAN if woman and not man else ""
