"""`callback checklist` and `callback ground`: the morning of a callback, hands busy, nerves up.

`checklist` asks the callback checklist aloud and takes yes / no / repeat / skip / back / stop by voice;
`ground` is a few minutes of box breathing with spoken counts and affirmations, stoppable by saying "stop".
Both run with the microphone, or headless with the virtual actor (`--actor virtual`), who answers with
`--answers` in a natural voice through the real recognizer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import click

from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    open_hearing,
    open_microphone,
    open_speaker,
)
from assistant.errors import CallbackError

if TYPE_CHECKING:
    from assistant.session.events import EventLog
    from assistant.session.listen import Microphone
    from assistant.speech.hearing import Ear

#: An --answers item that says nothing: the virtual actor stays silent for that question.
SILENT_ANSWER = "silence"
#: An --answers item that speaks any words, e.g. "say:purple elephant", to try an unclear answer.
FREE_SPEECH_PREFIX = "say:"


def session_options(command):
    options = [
        click.option("--actor", type=click.Choice(["mic", "virtual"]), default="mic", show_default=True,
                     help="Who answers: you at the microphone, or the virtual actor."),
        click.option("--rate", type=int, default=None, help="Speech rate of callback's voice, in words per minute."),
        click.option("--events", "events_path", type=click.Path(dir_okay=False), help="Write every event as JSON lines."),
    ]
    for option in reversed(options):
        command = option(command)
    return actor_noise_option(device_options(engine_options(command)))


@click.command()
@click.option("--prep", is_flag=True, help="Also ask the preparation items (script, relationships, look, grounding).")
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON instead of text.")
@click.option("--last", is_flag=True, help="Print the last saved checklist and exit.")
@click.option("--answers", default=None, metavar="LIST",
              help="With --actor virtual: what the virtual actor answers, comma-separated, one per question asked "
                   "(yes, no, repeat, skip, back, stop or a synonym such as yeah, nope, say again; 'silence' to say "
                   "nothing; 'say:ANY WORDS' to say something else).")
@click.option("--timeout", type=click.FloatRange(min=0.5), default=8.0, show_default=True,
              help="Seconds to wait for an answer to start before asking again.")
@session_options
def checklist(prep, as_json, last, answers, timeout, **settings):
    """Ask the callback checklist aloud; answer by voice.

    Say yes, no, skip, back (previous question), repeat or stop. A "no" gets a concrete tip and is marked
    to revisit. The answers are saved; --last prints the last ones.

    Your own questions go in ~/.config/callback/checklist.json, or the file $CALLBACK_CHECKLIST names:
    {"items": [{"question": "...", "follow_up": "...", "prep": false}], "affirmations": ["..."]}. They are
    added to the built-in ones (an item with a built-in "id" rewords that one); with "mode": "replace" they
    are used instead.
    """
    from assistant.store import Store

    store = Store()
    if last:
        _print_last(store, as_json)
        return
    script = parse_answers(answers) if answers is not None else None
    if script is not None and settings["actor"] != "virtual":
        raise CallbackError("--answers is what the virtual actor says; add --actor virtual")

    from assistant.answers import vocabulary
    from assistant.checklist_items import load_checklist
    from assistant.session.checklist import AnswerTiming, ChecklistFlow, ChecklistSession, Interrupted
    from assistant.store import ChecklistAnswer, now

    items = load_checklist().questions(prep)
    io = _open_session_io(settings, AnswerPart(script or []), echo=not as_json)
    started_at = now()
    session = ChecklistSession(
        flow=ChecklistFlow(items),
        say=io.say,
        microphone=io.microphone,
        recognizer=io.ear.live.recognizer(vocabulary=vocabulary()),
        dictation=io.ear.live.recognizer(),
        events=io.events,
        ear=io.ear,
        timing=AnswerTiming(start_timeout=timeout),
        on_heard=(lambda utterance, answer: None) if as_json else _echo_heard,
    )

    def save(outcome) -> str:
        if not outcome.results:
            return ""
        ended_at = now()
        rows = [ChecklistAnswer(r.item.id, r.item.question, r.answer, r.revisit) for r in outcome.results]
        store.add_checklist(started_at, ended_at, rows, outcome.to_dict())
        return ended_at

    try:
        outcome = session.run()
    except Interrupted as stop:
        # Ctrl-C: keep the answers so far and show them; the CLI then says "stopped".
        _print_outcome(stop.outcome, as_json, save(stop.outcome))
        io.close()
        raise KeyboardInterrupt from None
    except CallbackError:
        # A device lost mid-session: keep what was answered, then report the error.
        save(session.flow.outcome())
        io.close()
        raise
    saved_at = save(outcome)
    _print_outcome(outcome, as_json, saved_at)
    try:
        io.say(" ".join(outcome.spoken_summary()), echo=False)
    finally:
        io.close()


@click.command()
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True, max=60), default=2.0, show_default=True,
              help="About how long to breathe (fractions allowed: 0.5 is thirty seconds). There is always one full "
                   "round and one affirmation, about half a minute.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option("--stop-after", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="With --actor virtual: the virtual actor asks to stop once this many seconds have passed.")
@session_options
def ground(minutes, as_json, stop_after, **settings):
    """A guided box-breathing exercise with affirmations, before you walk out. Say "stop" to finish early."""
    if stop_after is not None and settings["actor"] != "virtual":
        raise CallbackError("--stop-after is when the virtual actor says stop; add --actor virtual")

    from assistant.answers import vocabulary
    from assistant.checklist_items import load_checklist
    from assistant.session.grounding import GroundingSession
    from assistant.store import Store, now

    affirmations = load_checklist().affirmations
    store = Store()
    io = _open_session_io(settings, StopPart(stop_after), echo=not as_json, echo_counts=False)
    started_at = now()
    session = GroundingSession(
        minutes=minutes,
        affirmations=affirmations,
        say=io.say,
        microphone=io.microphone,
        recognizer=io.ear.live.recognizer(vocabulary=vocabulary()),
        dictation=io.ear.live.recognizer(),
        events=io.events,
        ear=io.ear,
    )
    try:
        outcome = session.run()
    finally:
        io.close()
    store.add_session("ground", started_at, now(), outcome.to_dict())
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), ensure_ascii=False))
    else:
        how = "stopped early" if outcome.stopped else "done"
        click.echo(f"Grounding {how}: {outcome.rounds} round{'s' * (outcome.rounds != 1)} of box breathing, "
                   f"{outcome.seconds / 60:.1f} minutes.")


# -- what the virtual actor says --------------------------------------------------------------------------


def parse_answers(text: str) -> list[str | None]:
    """--answers as what to say for each question asked (None: stay silent), or a one-line error."""
    from assistant.answers import interpret

    said: list[str | None] = []
    for raw in text.split(","):
        entry = " ".join(raw.split())
        lowered = entry.lower()
        if lowered.startswith(FREE_SPEECH_PREFIX):
            words = entry[len(FREE_SPEECH_PREFIX):].strip()
            if not words:
                raise CallbackError("--answers: 'say:' needs words after it, e.g. say:purple elephant")
            said.append(words)
        elif lowered == SILENT_ANSWER:
            said.append(None)
        elif not entry:
            raise CallbackError("--answers has an empty item; separate answers with single commas")
        elif interpret(lowered) is None:
            raise CallbackError(
                f"--answers: {entry!r} is not an answer; use yes, no, repeat, skip, back, stop or a synonym "
                f"(yeah, nope, not yet, say again, next, go back, quit), '{SILENT_ANSWER}', or say:ANY WORDS"
            )
        else:
            said.append(lowered)
    return said


@dataclass
class AnswerPart:
    """The virtual actor's part in a checklist: the next scripted answer each time callback listens.
    Once the answers run out it says nothing, like an actor who has walked off."""

    answers: list[str | None]
    said: list[str | None] = field(default_factory=list)

    def __call__(self, event) -> str | None:
        if len(self.said) >= len(self.answers):
            return None
        answer = self.answers[len(self.said)]
        self.said.append(answer)
        return answer


@dataclass
class StopPart:
    """The virtual actor's part in grounding: silent, then asking to stop once, after `after` session seconds.

    It says "that's enough" rather than "stop": PocketSphinx hears hibari's lone "stop" as "the", "static" or
    "seven" (measured), so the bare word would test the voice, not the session."""

    after: float | None
    phrase: str = "that's enough"
    spoken: bool = False

    def __call__(self, event) -> str | None:
        if self.after is None or self.spoken or float(event.data.get("elapsed", 0.0)) < self.after:
            return None
        self.spoken = True
        return self.phrase


# -- speaker, microphone, engine ---------------------------------------------------------------------------


@dataclass
class SessionIO:
    """What a voice session talks through: the event log, the engine, the microphone, and a voice to speak."""

    events: EventLog
    ear: Ear
    microphone: Microphone
    speak: Callable[[str], float]  # renders and plays one line, returning its length in seconds
    echo: bool  # also print what callback says
    echo_counts: bool = True  # print even two-word lines (off for the breathing counts)

    def say(self, text: str, echo: bool | None = None) -> float:
        if (self.echo if echo is None else echo) and (self.echo_counts or len(text.split()) > 2):
            click.echo(f"callback: {text}")
        return self.speak(text)

    def close(self) -> None:
        close = getattr(self.microphone, "close", None)
        if close:
            close()
        self.events.close()


def _open_session_io(settings, part, echo: bool, echo_counts: bool = True) -> SessionIO:
    from assistant.session.events import EventLog
    from assistant.speech.voices import EspeakVoice

    events = EventLog(settings["events_path"])
    # Devices first: a missing microphone should be said before the engine has been loaded for nothing.
    speaker = open_speaker(settings)
    microphone = open_microphone(settings, events, part)
    ear = open_hearing(settings["engine"], settings["model"])
    voice = EspeakVoice("en-us", **({"rate": settings["rate"]} if settings["rate"] else {}))
    rendered: dict[str, object] = {}

    def speak(text: str) -> float:
        # Questions come round again on a re-ask or "back"; rendering once is enough.
        if text not in rendered:
            rendered[text] = voice.render(text)
        audio = rendered[text]
        speaker.play(audio)
        return audio.duration

    return SessionIO(events, ear, microphone, speak, echo, echo_counts)


# -- printing ----------------------------------------------------------------------------------------------


def _echo_heard(utterance, answer) -> None:
    from assistant.session.checklist import SILENCE

    if answer == SILENCE:
        click.echo("heard: (nothing)")
        return
    meaning = answer.value if answer is not None and hasattr(answer, "value") else "unclear, asking again"
    # When no answer word was heard, what dictation made of it shows why ("purple elephants").
    said = utterance.text or utterance.commands or "(nothing clear)"
    click.echo(f"heard: {said}  -> {meaning}")


def _print_outcome(outcome, as_json: bool, saved_at: str) -> None:
    if as_json:
        click.echo(json.dumps({**outcome.to_dict(), "saved_at": saved_at or None}, ensure_ascii=False))
        return
    click.echo("")
    for row in outcome.printed_summary():
        click.echo(row)
    if saved_at:
        click.echo(f"Saved {_local_time(saved_at)}.")
    else:
        click.echo("Nothing answered, so nothing saved.")


def _print_last(store, as_json: bool) -> None:
    record = store.last_checklist()
    if record is None:
        raise CallbackError(f"no checklist saved yet in {store.path}; run `callback checklist` first")
    if as_json:
        summary = dict(record.session.summary)
        summary["items"] = [{"question": a.question, "answer": a.answer} for a in record.answers]
        summary["saved_at"] = record.session.ended_at
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    ended = record.session.summary.get("ended", "finished")
    click.echo(f"Checklist of {_local_time(record.session.ended_at or record.session.started_at)} ({ended}):")
    for answer in record.answers:
        click.echo(f"{answer.answer:<8} {answer.question}")
    revisit = [a.question for a in record.answers if a.revisit]
    if revisit:
        click.echo("To revisit:")
        for question in revisit:
            click.echo(f"  - {question}")
    else:
        click.echo("Nothing to revisit.")


def _local_time(stamp: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


COMMANDS = [checklist, ground]
