"""Running the demo scene with the virtual actor through the one session runtime, as the CLI does."""

from __future__ import annotations

from collections import deque
from importlib import resources
from pathlib import Path

from assistant.audio.buffers import BufferSpeaker
from assistant.script import load_script
from assistant.session.listen import Timing
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.runtime import ActorSetup, build_runtime
from assistant.speech.voices import cue_voices

DEMO = Path(str(resources.files("assistant") / "data" / "demo_scene.txt"))
ROLE = "MAYA"


class Scripted:
    """A part that says what a test tells it for given lines, and the line itself otherwise."""

    def __init__(self, plan: dict[int, list[str | None]], resume: str = "Carry on."):
        self.plan = {number: deque(items) for number, items in plan.items()}
        self.resume = resume

    def __call__(self, event):
        if event.purpose == "resume":
            return self.resume
        if event.line in self.plan and self.plan[event.line]:
            return self.plan[event.line].popleft()
        return event.expected


def rehearse(ear, part, actor_voice=None, voices=None, echo=False, room=None, timing=Timing(), history=None,
             end=None, realtime=False, printer=None, actor_pickup=None, **options):
    """(events, summary, script) of one run of the demo scene (to MAYA's line `end`), the virtual actor
    playing MAYA; in real time (cues take as long as they sound, the actor speaks at speaking pace) or as
    fast as the machine goes. `printer`: a subscriber such as the terminal's. `actor_pickup`: the actor's pause
    after each cue, in seconds."""
    script = load_script(DEMO)
    lines, numbers = select_lines(script.lines, ROLE, end=end)
    if voices is None:
        chosen = cue_voices(["THEO", "CALLBACK"])
        voices = {"THEO": chosen["THEO"]}, chosen["CALLBACK"]
    cue, prompter = voices
    speaker = BufferSpeaker(realtime=realtime)
    runtime = build_runtime(ear=ear, speaker=speaker, voice=prompter, history=history, printer=printer,
                            actor=ActorSetup(part, voice=actor_voice, room=room, realtime=realtime, seed=2,
                                             pickup=actor_pickup))
    if echo:
        started, actor = speaker.start, runtime.microphone

        def start_into_room(audio):  # play() is start().wait(), so cues started ahead are heard too
            actor.hear(audio)
            return started(audio)

        speaker.start = start_into_room
    rehearsal = Rehearsal(lines, cue, RunOptions(role=ROLE, timing=timing, **options),
                          names=list(script.roles()), line_numbers=numbers, script=str(DEMO))
    ran = runtime.run(rehearsal)
    ran.raise_if_failed()
    return runtime.events, ran.result, script
