"""The callback checklist, asked aloud and answered by voice.

Two layers. `ChecklistFlow` is the pure state machine: it says what to ask next and what a heard answer
leads to (a follow-up, a re-ask, going back, the end), with no audio in sight, so every rule is testable on
its own. `ChecklistSession` is the I/O around it, run by the session runtime: it speaks each prompt, listens
for one answer through the small-vocabulary recognizer, and puts every answer into the event stream, where
the history commits it as it is given.

The rules a user meets:
* yes / no / skip record the answer and move on; a "no" gets the item's follow-up and marks it to revisit,
  and an item with an offer (taking direction) then asks whether to run the drill.
* the practical items (sides, headshot, where and when, what to wear) come last, after one spoken line that
  says the list has turned to them.
* repeat asks again; back returns to the previous question (its answer stands until it is answered anew).
* anything unclear is asked again, never guessed; after MAX_UNCLEAR unclear answers in a row the question is
  left as skipped, so a television in the room cannot hold the session forever.
* silence (nobody starts speaking within the start timeout) asks again up to MAX_SILENT_REASKS times, then
  ends the session keeping the answers so far: the actor has walked away, and a question nobody hears
  helps no one.
* stop ends the session at once, keeping the answers so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, Sequence

from assistant.answers import Answer, interpret, vocabulary
from assistant.checklist_items import Item
from assistant.events import Answer as AnswerEvent
from assistant.events import Heard, ListenStart, SessionStart
from assistant.events import Outcome as SessionOutcome
from assistant.session.answering import heard_answer
from assistant.session.listen import Timing, Utterance, listen
from assistant.session.runtime import Runtime

MAX_UNCLEAR = 3
MAX_SILENT_REASKS = 2

#: What a heard answer is when nobody spoke at all.
SILENCE = "silence"

HINT = "You can say yes, no, skip, back, repeat or stop."
#: Said before the first practical item (sides, headshot, where and when, what to wear).
PRACTICAL_INTRO = "Now the practical things, before you leave."


class Ended(str, Enum):
    FINISHED = "finished"  # every question answered or skipped
    STOPPED = "stopped"  # the actor said stop
    SILENCE = "silence"  # nobody answered, MAX_SILENT_REASKS times over
    INTERRUPTED = "interrupted"  # Ctrl-C


@dataclass
class ItemResult:
    item: Item
    answer: str  # "yes", "no" or "skipped"
    offer_accepted: bool | None = None  # None when no offer was made

    @property
    def revisit(self) -> bool:
        return self.answer == "no"


@dataclass(frozen=True)
class Prompt:
    text: str
    kind: str  # "question", "offer"
    index: int  # which item, 0-based
    attempt: int  # 1 the first time, more on re-asks


@dataclass(frozen=True)
class Outcome:
    """What the session found out, in the order the items are asked."""

    items: tuple[Item, ...]
    results: tuple[ItemResult, ...]  # only the items answered (or skipped)
    ended: Ended

    @property
    def revisit(self) -> list[ItemResult]:
        return [r for r in self.results if r.revisit]

    @property
    def skipped(self) -> list[ItemResult]:
        return [r for r in self.results if r.answer == "skipped"]

    @property
    def unanswered(self) -> list[Item]:
        answered = {id(r.item) for r in self.results}
        return [item for item in self.items if id(item) not in answered]

    def to_dict(self) -> dict:
        return {
            "items": [{"question": r.item.question, "answer": r.answer} for r in self.results],
            "revisit": [r.item.question for r in self.revisit],
            "unanswered": [item.question for item in self.unanswered],
            "ended": self.ended.value,
        }

    def spoken_summary(self) -> list[str]:
        """The summary as sentences to say aloud: short, topics rather than whole questions."""
        said = []
        if not self.results:
            return ["Nothing was answered, so there is nothing to save."]
        if self.ended is not Ended.FINISHED:
            said.append(f"We got through {len(self.results)} of {len(self.items)}.")
        if self.revisit:
            said.append("To revisit: " + _spoken_list([r.item.short for r in self.revisit]) + ".")
        if self.skipped:
            said.append("Skipped: " + _spoken_list([r.item.short for r in self.skipped]) + ".")
        if not self.revisit and not self.skipped and not self.unanswered:
            said.append("Everything is a yes. You're ready. Go and enjoy it.")
        elif not self.revisit:
            said.append("Nothing to revisit so far.")
        return said

    def printed_summary(self) -> list[str]:
        answers = {id(r.item): r.answer for r in self.results}
        rows, heading_done = [], False
        for item in self.items:  # the practical items come last (Checklist.questions), under their heading
            if item.practical and not heading_done and rows:
                rows.append("Before you leave:")
                heading_done = True
            if id(item) in answers:
                rows.append(f"{answers[id(item)]:<8} {item.question}")
            else:
                rows.append(f"{'-':<8} {item.question}  (no answer)")
        if self.revisit:
            rows.append("To revisit:")
            rows += [f"  - {r.item.question}" for r in self.revisit]
        elif self.results:
            rows.append("Nothing to revisit.")
        return rows


def _spoken_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class ChecklistFlow:
    """The checklist's state machine: `prompt()` says what to ask, `hear()` takes the answer and says what
    to tell the actor before the next prompt."""

    def __init__(self, items: Sequence[Item], max_unclear: int = MAX_UNCLEAR, max_silent_reasks: int = MAX_SILENT_REASKS):
        if not items:
            raise ValueError("a checklist needs at least one item")
        self.items = tuple(items)
        self.max_unclear = max_unclear
        self.max_silent_reasks = max_silent_reasks
        self.index = 0
        self.offering = False  # asking the current item's offer rather than its question
        self.ended: Ended | None = None
        self._results: dict[int, ItemResult] = {}
        self._attempt = 1
        self._unclear = 0
        self._silent = 0
        self._preface = ""

    @property
    def done(self) -> bool:
        return self.ended is not None

    @property
    def item(self) -> Item:
        return self.items[self.index]

    def prompt(self) -> Prompt:
        """What to say now: the question (or offer), prefaced on a re-ask by why it is asked again."""
        text = self.item.offer.ask if self.offering and self.item.offer else self.item.question
        if self._preface:
            text = f"{self._preface} {text}"
        return Prompt(text, "offer" if self.offering else "question", self.index, self._attempt)

    def hear(self, answer: Answer | str | None) -> list[str]:
        """Take one heard answer (an Answer, SILENCE, or None for unclear); return what to say in reply."""
        if self.done:
            raise RuntimeError("the checklist is over")
        if answer == SILENCE:
            return self._on_silence()
        if answer is None:
            return self._on_unclear()
        self._unclear = self._silent = 0
        answer = Answer(answer)
        if answer is Answer.STOP:
            self.ended = Ended.STOPPED
            return []
        if answer is Answer.REPEAT:
            return self._again("")
        if answer is Answer.BACK:
            return self._back()
        if self.offering:
            return self._on_offer_answer(answer)
        return self._on_question_answer(answer)

    def result(self, index: int) -> ItemResult | None:
        return self._results.get(index)

    def outcome(self, ended: Ended | None = None) -> Outcome:
        results = tuple(self._results[i] for i in sorted(self._results))
        return Outcome(self.items, results, ended or self.ended or Ended.INTERRUPTED)

    # -- the transitions ---------------------------------------------------------------------------------

    def _on_question_answer(self, answer: Answer) -> list[str]:
        item = self.item
        if answer is Answer.YES:
            self._results[self.index] = ItemResult(item, "yes")
            return ["Good."] + self._advance()
        if answer is Answer.SKIP:
            self._results[self.index] = ItemResult(item, "skipped")
            return ["Skipped."] + self._advance()
        # Answer.NO
        self._results[self.index] = ItemResult(item, "no")
        said = [item.follow_up or "Noted. We'll come back to that one."]
        if item.offer:
            self.offering = True
            self._attempt = 1
            self._preface = ""
            return said
        return said + self._advance()

    def _on_offer_answer(self, answer: Answer) -> list[str]:
        result = self._results[self.index]
        if answer is Answer.YES:
            result.offer_accepted = True
            return [self.item.offer.accept] + self._advance()
        result.offer_accepted = False
        return ["Okay."] + self._advance()

    def _on_unclear(self) -> list[str]:
        self._unclear += 1
        if self._unclear < self.max_unclear:
            preface = "Sorry, I didn't catch that." if self._unclear == 1 else f"Sorry, I still didn't catch that. {HINT}"
            return self._again(preface, keep_counts=True)
        if self.offering:
            self._results[self.index].offer_accepted = False
            return ["Let's move on."] + self._advance()
        self._results[self.index] = ItemResult(self.item, "skipped")
        return ["I couldn't make that out, so I'll leave it as skipped."] + self._advance()

    def _on_silence(self) -> list[str]:
        self._silent += 1
        if self._silent > self.max_silent_reasks:
            self.ended = Ended.SILENCE
            return ["I haven't heard an answer, so I'll stop here and keep what you've told me."]
        return self._again("I didn't hear an answer.", keep_counts=True)

    def _again(self, preface: str, keep_counts: bool = False) -> list[str]:
        if not keep_counts:
            self._unclear = self._silent = 0
        self._attempt += 1
        self._preface = preface
        return []

    def _back(self) -> list[str]:
        if self.offering:
            # Back from the offer is back to the question it follows.
            self.offering = False
            self._attempt, self._preface = 1, ""
            return []
        if self.index == 0:
            return self._again("This is the first question.")
        self.index -= 1
        self._attempt, self._preface = 1, ""
        return []

    def _advance(self) -> list[str]:
        self.offering = False
        self._attempt, self._unclear, self._silent, self._preface = 1, 0, 0, ""
        if self.index + 1 >= len(self.items):
            self.ended = Ended.FINISHED
        else:
            self.index += 1
        return []


# -- the session: speaking and listening ------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerTiming:
    """How long to wait for an answer. A one-word answer needs only a short pause to be over."""

    start_timeout: float = 8.0

    def timing(self) -> Timing:
        return Timing(short_silence=0.3, long_silence=1.0, start_timeout=self.start_timeout, max_utterance=6.0)


_ENDINGS = {Ended.FINISHED: SessionOutcome.FINISHED, Ended.STOPPED: SessionOutcome.STOPPED,
            Ended.SILENCE: SessionOutcome.SILENCE, Ended.INTERRUPTED: SessionOutcome.INTERRUPTED}


@dataclass
class ChecklistSession:
    """The checklist as a session of the runtime: asks, listens, and puts every answer into the event stream
    (where the history commits it at once)."""

    flow: ChecklistFlow
    timing: AnswerTiming = field(default_factory=AnswerTiming)
    speak_summary: bool = True
    kind: ClassVar[str] = "checklist"

    def start(self) -> SessionStart:
        return SessionStart(self.kind)

    def attach(self, runtime: Runtime) -> None:
        """Take the runtime's ear: a small-vocabulary recognizer for answers, and free dictation of the same
        audio, to refuse "I'm not sure" as "sure" when the strong hearing is not there to decide."""
        self.rt = runtime
        self.recognizer = runtime.ear.live.recognizer(vocabulary=vocabulary())
        self.dictation = runtime.ear.live.recognizer()

    def run(self, runtime: Runtime) -> Outcome:
        """Ask until the flow is over, then say the summary."""
        self.attach(runtime)
        introduced = False
        while not self.flow.done:
            prompt = self.flow.prompt()
            if self.flow.item.practical and not introduced and prompt.index > 0:
                # Said once, so the actor hears the list turn from the work to the bag by the door.
                introduced = True
                runtime.say(PRACTICAL_INTRO, "follow_up", prompt.index)
            runtime.say(prompt.text, prompt.kind, prompt.index, prompt.attempt)
            heard, answer, hearing = self.hear_answer(prompt)
            before = self._state(prompt.index)
            replies = self.flow.hear(answer)
            self._record(prompt, answer, hearing, before)
            for line in replies:
                runtime.say(line, "follow_up", prompt.index)
        outcome = self.flow.outcome()
        if self.speak_summary:
            runtime.say(" ".join(outcome.spoken_summary()), "summary")
        return outcome

    def so_far(self) -> Outcome:
        return self.flow.outcome(Ended.INTERRUPTED)

    def outcome(self, result: Outcome) -> SessionOutcome:
        return _ENDINGS[result.ended]

    def hear_answer(self, prompt: Prompt) -> tuple[Utterance, Answer | str | None, str]:
        utterance = listen(
            self.rt.microphone,
            self.recognizer,
            self.rt.events,
            ListenStart("answer", index=prompt.index, question=prompt.kind, attempt=prompt.attempt),
            cross_check=self.dictation,
            is_complete=lambda text: interpret(text) is not None,
            timing=self.timing.timing(),
        )
        hearing = self.rt.ear.live.name
        text = utterance.text
        if utterance.timed_out:
            answer: Answer | str | None = SILENCE
        elif not utterance.text.strip() and utterance.audio is None:
            answer = None
        else:
            answer, text, hearing = heard_answer(utterance, self.rt.ear, self.dictation is not None, self.rt.events)
        self.rt.emit(Heard(text, hearing, utterance.ended_by, dictation=utterance.cross_checked))
        return utterance, answer, hearing

    def _state(self, index: int) -> tuple | None:
        result = self.flow.result(index)
        return None if result is None else (result.answer, result.offer_accepted)

    def _record(self, prompt: Prompt, answer: Answer | str | None, hearing: str, before: tuple | None) -> None:
        item = self.flow.items[prompt.index]
        result = self.flow.result(prompt.index)
        changed = result is not None and self._state(prompt.index) != before
        self.rt.emit(AnswerEvent(
            prompt.index, item.question, _name(answer), hearing, prompt.kind, item.id,
            recorded=result.answer if changed else None,
            revisit=bool(result and result.revisit),
            offer_accepted=result.offer_accepted if result else None,
        ))


def _name(answer: Answer | str | None) -> str:
    if answer is None:
        return "unclear"
    return answer.value if isinstance(answer, Answer) else str(answer)
