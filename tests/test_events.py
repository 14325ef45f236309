"""The event stream: typed events that round-trip through JSON, one dispatch, and a log that refuses to write
into a file that is not one."""

from __future__ import annotations

import dataclasses
import json

import pytest

from assistant.errors import CallbackError
from assistant.events import (
    EVENT_CLASSES,
    ActorSays,
    ActorSpeechEnd,
    Answer,
    Command,
    CueEnd,
    CueStart,
    ErrorCode,
    EventFile,
    EventStream,
    EventType,
    Heard,
    ListenStart,
    Outcome,
    Partial,
    PromptEnd,
    PromptStart,
    Recognized,
    Redirection,
    Refresh,
    SceneStart,
    SessionEnd,
    SessionStart,
    Verdict,
    event_from_dict,
    read_events,
)

#: One example of every event type, as a session would fill it in.
EXAMPLES = [
    SessionStart("run", script="/scripts/night.fountain", role="MAYA", history="/home/me/callback.db"),
    SessionEnd("run", Outcome.STOPPED, {"lines": 3}),
    CueStart("THEO", "Sit down."),
    CueEnd("THEO"),
    PromptStart("correction", "You dropped 'light'."),
    PromptEnd("correction"),
    ListenStart("line", line=2, expected="I kept the light on.", attempt=2),
    Partial("i kept"),
    Recognized("whisper", 1.5, 0.3),
    Heard("i kept the light on", "pocketsphinx", "complete", line=2),
    Verdict(line=2, result="ok", hearing="whisper", expected="I kept the light on.", heard="i kept the light on",
            score=1.0),
    Command("skip", "whisper", 3),
    Answer(0, "Ready?", "yes", "whisper", recorded="yes"),
    Redirection("Faster, there's urgency.", "pace", 2, "articulation_rate", 4.0, 4.6, True, direction=1,
                amount=0.15, measures_before={"articulation_rate": 4.0}, measures_after={"articulation_rate": 4.6}),
    Refresh(3, {"loudness_db": 60.1}, {"loudness_db": 60.4}),
    ActorSays("I kept the light on."),
    ActorSpeechEnd("I kept the light on."),
    SceneStart(7, "INT. GARAGE - DAY", round=2),
]


def test_there_is_an_example_of_every_type():
    assert {event.type for event in EXAMPLES} == set(EventType) == set(EVENT_CLASSES)


@pytest.mark.parametrize("event", EXAMPLES, ids=[e.type.value for e in EXAMPLES])
def test_every_event_round_trips_through_json(event):
    stamped = dataclasses.replace(event, t=12.5)
    written = json.loads(json.dumps(stamped.to_dict()))
    assert written["type"] == event.type.value and written["t"] == 12.5
    assert event_from_dict(written) == stamped


def test_fields_round_trip_with_their_types():
    end = SessionEnd("checklist", Outcome.FAILED, {"answered": 2}, ErrorCode.DEVICE, "lost the microphone")
    verdict = Verdict(line=3, result="missed", hearing="whisper", expected="a b c", heard="a c", score=0.6,
                      missing=("b",), substituted=(("kept", "left"),))
    for event in (end, verdict, Answer(1, "Ready?", "no", recorded="no", revisit=True),
                  Redirection("Faster.", "pace", 2, "articulation_rate", 4.1, 4.9, True)):
        assert event_from_dict(json.loads(json.dumps(event.to_dict()))) == event
    assert event_from_dict(end.to_dict()).outcome is Outcome.FAILED


def test_audio_travels_with_a_verdict_but_never_into_the_log():
    verdict = Verdict(line=1, result="ok", hearing="vosk", expected="x", heard="x", score=1.0, audio=object())
    assert "audio" not in verdict.to_dict()


def test_one_dispatch_in_order_with_a_monotonic_clock():
    ticks = iter([1.0, 2.0])
    stream = EventStream(clock=lambda: next(ticks))
    seen: list[tuple[str, str]] = []
    stream.subscribe(lambda event: seen.append(("first", event.type.value)))
    stream.subscribe(lambda event: seen.append(("second", event.type.value)))
    stream.emit(Heard("line", "whisper"))
    stream.emit(SessionEnd("run"))
    assert seen == [("first", "heard"), ("second", "heard"), ("first", "session_end"), ("second", "session_end")]
    assert [e.t for e in stream.events] == [1.0, 2.0]
    assert [e.type for e in stream.of_type("heard")] == [EventType.HEARD]


def test_the_log_appends_to_an_earlier_log(tmp_path):
    path = tmp_path / "events.jsonl"
    for text in ("one", "two"):
        log = EventFile(path)
        stream = EventStream()
        stream.subscribe(log)
        stream.emit(Heard(text, "vosk"))
        stream.close()
    assert [e["text"] for e in read_events(path)] == ["one", "two"]


@pytest.mark.parametrize("content", ["name,age\nMaya,30\n", '{"not": "an event"}\n', "\x00\x01binary"])
def test_the_log_refuses_a_file_that_is_not_an_event_log(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_text(content)
    with pytest.raises(CallbackError, match="not a callback event log"):
        EventFile(path)
    assert path.read_text() == content


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError):
        event_from_dict({"type": "telepathy", "t": 1.0})


def test_the_terminal_prints_a_cue_started_ahead_after_the_verdict_and_never_a_cut_one():
    from assistant.events import CueEnd, CueStart, PromptStart, SessionStart, Verdict
    from assistant.session.printer import TerminalPrinter

    printed: list[str] = []
    printer = TerminalPrinter(printed.append)
    for event in [
        SessionStart("run", role="MAYA"),
        CueStart("THEO", "Sit down.", ahead=True),
        Verdict(1, "ok", "whisper", "I haven't.", "I haven't.", 1.0),
        CueEnd("THEO"),
        CueStart("THEO", "What happened?", ahead=True),
        Verdict(2, "missed", "whisper", "You kept the light on.", "You kept the door on.", 0.8),
        CueEnd("THEO", cut=True),
        PromptStart("correction", "You said door; the line has light."),
        CueStart("THEO", "What happened?"),
        CueEnd("THEO"),
    ]:
        printer(event)
    assert printed == [
        "MAYA: I haven't.  [ok]",
        "THEO: Sit down.",
        "MAYA: You kept the door on.  [missed]",
        "  callback: You said door; the line has light.",
        "THEO: What happened?",
    ]
