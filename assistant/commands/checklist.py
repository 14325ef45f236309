"""`callback checklist` and `callback ground`: the morning of a callback, hands busy, nerves up.

`checklist` asks the callback checklist aloud and takes yes / no / repeat / skip / back / stop by voice;
`ground` is a few minutes of box breathing with spoken counts and affirmations, stoppable by saying "stop".
Both run with the microphone, or headless with the virtual actor (`--actor virtual`), who answers with
`--answers` in a natural voice through the real recognizer.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.commands.history_options import history_option, open_history
from assistant.commands.options import (
    actor_noise_option,
    device_options,
    engine_options,
    finite_range,
    open_runtime,
    timeout_option,
)
from assistant.errors import CallbackError
from assistant.events import Outcome

#: Notes in the drill that follows the checklist's offer: a few minutes, not a session.
DRILL_ROUNDS = 3
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
    return history_option(actor_noise_option(device_options(engine_options(command))))


@click.command()
@click.option("--prep", is_flag=True, help="Also ask the preparation items (script, relationships, look, grounding).")
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON instead of text.")
@click.option("--last", is_flag=True, help="Print the last saved checklist and exit.")
@click.option("--answers", default=None, metavar="LIST",
              help="With --actor virtual: what the virtual actor answers, comma-separated, one per question asked "
                   "(yes, no, repeat, skip, back, stop or a synonym such as yeah, nope, say again; 'silence' to say "
                   "nothing; 'say:ANY WORDS' to say something else).")
@timeout_option("Seconds to wait for an answer to start before asking again.")
@click.option("--script", "drill_script", type=click.Path(path_type=str), default=None,
              help="Your sides: say yes to the drill offer and a redirection drill on them follows at once.")
@click.option("--role", "drill_role", default=None, help="With --script: the character you play.")
@session_options
def checklist(prep, as_json, last, answers, timeout, drill_script, drill_role, **settings):
    """Ask the callback checklist aloud; answer by voice.

    The four questions of the callback checklist, then the practical things to have and know before you
    leave (sides, headshot and résumé, where and when, what to wear). Say yes, no, skip, back (previous
    question), repeat or stop. A "no" gets a concrete tip and is marked to revisit. The answers are saved;
    --last prints the last ones. Without --script, a "no" to taking direction ends with the drill to run
    later, rather than a drill now.

    Your own questions go in ~/.config/callback/checklist.json, or the file $CALLBACK_CHECKLIST names:
    {"items": [{"question": "...", "follow_up": "...", "prep": false, "practical": false}], "affirmations":
    ["..."]}. They are added to the built-in ones (an item with a built-in "id" rewords that one: "sides",
    "headshot", "arrival", "look" are the practical ones); with "mode": "replace" they are used instead.
    """
    from assistant.history import Store

    if last:
        _print_last(Store(), as_json)
        return
    script = parse_answers(answers) if answers is not None else None
    if script is not None and settings["actor"] != "virtual":
        raise CallbackError("--answers is what the virtual actor says; add --actor virtual")

    from assistant.actor import AnswerPart, ScenePart
    from assistant.checklist_items import load_checklist
    from assistant.session.checklist import AnswerTiming, ChecklistFlow, ChecklistSession

    if (drill_script is None) != (drill_role is None):
        raise CallbackError("--script and --role go together: the sides to drill, and who you play in them")
    drill = _prepare_drill(drill_script, drill_role, settings) if drill_script else None
    items = load_checklist().questions(prep)
    drill_later = set()  # items whose drill is said as a command to run later, there being no sides now
    if drill is None:
        drill_later = {item.id for item in items if item.offer is not None and item.offer.action == "drill"}
        items = tuple(_offered_later(item) for item in items)
    # Before the first question: a history that cannot be written is said now, not after the last answer.
    history = open_history(settings, drill_script)
    answering, acting = AnswerPart(script or []), ScenePart(seed=settings.get("seed") or 0)
    part = lambda event: answering(event) if event.purpose == "answer" else acting(event)  # noqa: E731
    runtime = _open_runtime(settings, part, history, as_json, names=drill.names if drill else ())
    session = ChecklistSession(ChecklistFlow(items), AnswerTiming(start_timeout=timeout))
    try:
        ran = runtime.run(session)
        # Whatever ended it (the last question, "stop", Ctrl-C, a lost device), the answers given are kept.
        _print_outcome(ran.result, as_json, history, _later(ran.result, drill_later))
        ran.raise_if_failed()
        # Only after a checklist seen through: "stop" means stop, not "on to the drill".
        if ran.outcome is Outcome.FINISHED and any(
                r.offer_accepted and r.item.offer.action == "drill" for r in ran.result.results):
            _drill_now(runtime, drill, as_json)
    finally:
        runtime.close()


def _prepare_drill(script_path, role, settings):
    """The drill the checklist's offer leads to, made ready before the first question (bad sides are said
    now, not after the checklist)."""
    from assistant.commands.drill import weakest_lines_of
    from assistant.commands.options import load_role
    from assistant.commands.run import cast_voices
    from assistant.commands.voices import chosen_voices
    from assistant.redirections import load_redirections
    from assistant.script.model import canonical_name
    from assistant.session.drill import DrillOptions, DrillSession, drill_order

    script, lines = load_role(script_path, role)
    role = canonical_name(role)
    voices, _ = cast_voices(script.lines, role, settings.get("rate"), script=script,
                            chosen=chosen_voices({"no_history": True}, script, script_path))
    order = drill_order([line.text for line in lines], weakest_lines_of(script_path, role), None)
    return DrillSession(script.lines, role, order, voices, load_redirections(),
                        DrillOptions(rounds=DRILL_ROUNDS, seed=settings.get("seed") or 0),
                        names=list(script.roles()), script=str(Path(script_path).resolve()))


#: What to type later, printed when a drill was called for but there were no sides to run it on.
DRILL_LATER = "callback drill SCRIPT --role ROLE"


def _offered_later(item):
    """The item as asked without sides: a drill offer cannot be kept, so it is not put (a yes would leave a
    hands-free actor to type a command at the end); the follow-up says what to run later instead."""
    from dataclasses import replace

    offer = item.offer
    if offer is None or offer.action != "drill":
        return item
    follow_up = " ".join(part for part in (item.follow_up, offer.later) if part)
    return replace(item, follow_up=follow_up, offer=None)


def _later(outcome, drill_later: set[str]) -> list[str]:
    """Commands to run later: a drill, for a "no" to an item whose drill could not be offered now."""
    return [DRILL_LATER] if any(r.revisit and r.item.id in drill_later for r in outcome.results) else []


def _drill_now(runtime, drill, as_json: bool) -> None:
    ran = runtime.run(drill)
    results = ran.result.redirections
    if as_json:
        click.echo(json.dumps({"drill": [r.to_dict() for r in results]}, ensure_ascii=False))
    else:
        click.echo(f"Drill: {len(results)} notes taken.")
    ran.raise_if_failed()


@click.command()
@click.option("--minutes", type=finite_range(min=0, min_open=True, max=60), default=2.0, show_default=True,
              help="About how long to breathe (fractions allowed: 0.5 is thirty seconds). There is always one full "
                   "round and one affirmation, about half a minute.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option("--stop-after", type=finite_range(0, 3600), default=None, metavar="SECONDS",
              help="With --actor virtual: the virtual actor asks to stop once this many seconds have passed.")
@session_options
def ground(minutes, as_json, stop_after, **settings):
    """A guided box-breathing exercise with affirmations, before you walk out. Say "stop" to finish early."""
    if stop_after is not None and settings["actor"] != "virtual":
        raise CallbackError("--stop-after is when the virtual actor says stop; add --actor virtual")

    from assistant.actor import StopPart
    from assistant.checklist_items import load_checklist
    from assistant.session.grounding import GroundingSession

    affirmations = load_checklist().affirmations
    history = open_history(settings)
    runtime = _open_runtime(settings, StopPart(stop_after), history, as_json, counts=False)
    try:
        ran = runtime.run(GroundingSession(minutes=minutes, affirmations=affirmations))
    finally:
        runtime.close()
    outcome = ran.result
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), ensure_ascii=False))
    else:
        how = "done" if ran.outcome is Outcome.FINISHED else "stopped early"
        click.echo(f"Grounding {how}: {outcome.rounds} round{'s' * (outcome.rounds != 1)} of box breathing, "
                   f"{outcome.seconds / 60:.1f} minutes.")
    ran.raise_if_failed()


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


# -- the runtime -------------------------------------------------------------------------------------------


def _open_runtime(settings, part, history, as_json: bool, counts: bool = True, names=()):
    from assistant.session.printer import TerminalPrinter

    printer = None if as_json else TerminalPrinter(click.echo, counts=counts)
    return open_runtime(settings, part, names=names, history=history, printer=printer)


# -- printing ----------------------------------------------------------------------------------------------


def _print_outcome(outcome, as_json: bool, history, later: list[str]) -> None:
    saved = history is not None and bool(outcome.results)
    if as_json:
        click.echo(json.dumps({**outcome.to_dict(), "saved": saved, "later": later}, ensure_ascii=False))
        return
    click.echo("")
    for row in outcome.printed_summary():
        click.echo(row)
    for command in later:
        click.echo(f"Later, run: {command}")
    if saved:
        click.echo(f"Saved in {history.store.path}.")
    elif history is None:
        click.echo("Not saved (--no-history).")
    else:
        click.echo("Nothing answered, so nothing saved.")


def _print_last(store, as_json: bool) -> None:
    kept = store.kept()  # reading must not create a history
    record = kept.last_checklist() if kept is not None else None
    if record is None:
        raise CallbackError(f"no checklist saved yet in {store.path}; run `callback checklist` first")
    ended = _how_it_ended(record.session)
    if as_json:
        summary = dict(record.session.summary)
        summary["ended"] = ended
        summary["items"] = [{"question": a.question, "answer": a.answer} for a in record.answers]
        summary["saved_at"] = record.session.ended_at
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    shown = UNFINISHED_SAID if ended == UNFINISHED else ended
    click.echo(f"Checklist of {_local_time(record.session.ended_at or record.session.started_at)} ({shown}):")
    for answer in record.answers:
        click.echo(f"{answer.answer:<8} {answer.question}")
    revisit = [a.question for a in record.answers if a.revisit]
    if revisit:
        click.echo("To revisit:")
        for question in revisit:
            click.echo(f"  - {question}")
    else:
        click.echo("Nothing to revisit.")


#: How a checklist that never ended is shown: callback was killed (SIGKILL, a power cut) before it could say how
#: it ended, so its answers are those given before; it is not "finished".
UNFINISHED = "unfinished"
UNFINISHED_SAID = "unfinished: callback was stopped before it could end it"


def _how_it_ended(session) -> str:
    """The outcome the history kept; a session with no end kept was cut off, whatever else it says."""
    if session.ended_at is None:
        return UNFINISHED
    return session.outcome or session.summary.get("ended") or "finished"


def _local_time(stamp: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


COMMANDS = [checklist, ground]
