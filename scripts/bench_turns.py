"""How quickly callback takes its turn: the gap from the actor's last word to the next cue.

    python scripts/bench_turns.py [--engine auto] [--actor-noise -40] [--script FILE --role NAME] [--runs 1]

Runs a scene with the virtual actor in real time, once ending lines the script's way (the transcript has
reached the line's last words, then a short silence) and once waiting for the recognizer's own endpoint.
Prints p50 and p95 of the gap, the recognizer's real-time factor, the time from start to the first cue and
the peak memory. People leave about 200 ms between turns; the targets are p50 <= 250 ms, p95 <= 450 ms.
With --actor-noise the virtual actor speaks in a room humming and hissing at that level (dBFS). Also
prints which hearing gave each final verdict, and every line whose final verdict was not "ok".
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import take_corpus  # noqa: E402

from assistant.audio.buffers import BufferSpeaker
from assistant.audio.rooms import RoomNoise
from assistant.audio.virtual_actor import VirtualActor
from assistant.script import load_script
from assistant.session.events import EventLog
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.virtual_part import ScenePart
from assistant.speech.hearing import open_ear
from assistant.speech.voices import NaturalVoice, cue_voices


class TimedEngine:
    """Passes recognizers through, adding up how long they spend on how much audio."""

    def __init__(self, engine):
        self.engine = engine
        self.name = engine.name
        self.description = engine.description
        self.busy = 0.0
        self.audio = 0.0

    def recognizer(self, vocabulary=None):
        return _TimedRecognizer(self.engine.recognizer(vocabulary), self)


class _TimedRecognizer:
    def __init__(self, inner, clock: TimedEngine):
        self._inner, self._clock = inner, clock
        self.engine, self.sample_rate = inner.engine, inner.sample_rate

    def feed(self, pcm):
        started = time.perf_counter()
        result = self._inner.feed(pcm)
        self._clock.busy += time.perf_counter() - started
        self._clock.audio += len(pcm) / 2 / self.sample_rate
        return result

    def finish(self):
        started = time.perf_counter()
        result = self._inner.finish()
        self._clock.busy += time.perf_counter() - started
        return result

    def reset(self):
        self._inner.reset()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def one_run(engine_name: str, script_path: Path, role: str, wait_for_engine: bool, seed: int,
            noise: float | None) -> dict:
    started = time.monotonic()
    script = load_script(script_path)
    ear = open_ear(engine_name, names=list(script.roles()))
    engine = TimedEngine(ear.live)
    ear.live = engine
    lines, numbers = select_lines(script.lines, role)
    others = sorted({line.speaker for line in lines if line.speaker != role})
    voices = cue_voices([*others, "CALLBACK"])
    prompter = voices.pop("CALLBACK")
    events = EventLog()
    room = RoomNoise(noise, seed=seed) if noise is not None else None
    actor = VirtualActor(NaturalVoice(), ScenePart(seed=seed), events, realtime=True, room=room, seed=seed)
    rehearsal = Rehearsal(
        lines, ear, voices, prompter, BufferSpeaker(realtime=True), actor, events,
        RunOptions(role=role, wait_for_engine=wait_for_engine, on_miss="note"),
        names=list(script.roles()), line_numbers=numbers,
    )
    rehearsal.prepare()
    rehearsal.run()

    gaps = []
    timeline = events.events
    for index, event in enumerate(timeline):
        if event.type != "actor_speech_end":
            continue
        following = next((e for e in timeline[index:] if e.type in ("cue_start", "listen_start", "session_end")), None)
        if following is not None and following.type == "cue_start":
            gaps.append(following.t - event.t)
    first_cue = next(e.t for e in timeline if e.type == "cue_start")
    verdicts = [e.data["result"] for e in timeline if e.type == "verdict"]
    hearings = [e.data.get("hearing", "") for e in timeline if e.type == "verdict"]
    misses = [(e.data["expected"], e.data["heard"], e.data.get("hearing")) for e in timeline
              if e.type == "verdict" and e.data["result"] != "ok"]
    return {
        "hearings": hearings,
        "misses": misses,
        "gaps": gaps,
        "rtf": engine.busy / max(engine.audio, 1e-9),
        "first_cue": first_cue - started,
        "ok": verdicts.count("ok"),
        "judged": len(verdicts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--actor-noise", type=float, default=None, metavar="DBFS", help="room noise, e.g. -40")
    parser.add_argument("--modes", default="script,engine", help="script (end of line by script), engine, or both")
    parser.add_argument("--script", type=Path, default=None, help="default: the take corpus's two-hander")
    parser.add_argument("--role", default="MAYA")
    parser.add_argument("--runs", type=int, default=1, help="runs per mode, each with another seed")
    args = parser.parse_args()
    if args.script is None:
        args.script = Path(tempfile.mkdtemp(prefix="callback-turns-")) / "scene.txt"
        args.script.write_text(take_corpus.script_text(), encoding="utf-8")

    modes = [(label, wait) for key, label, wait in (("script", "script end-of-line", False),
                                                   ("engine", "recognizer endpoint", True))
             if key in args.modes.split(",")]
    for label, wait in modes:
        gaps, rtfs, firsts, ok, judged, hearings, misses = [], [], [], 0, 0, [], []
        for seed in range(args.runs):
            result = one_run(args.engine, args.script, args.role, wait, seed, args.actor_noise)
            hearings += result["hearings"]
            misses += result["misses"]
            gaps += result["gaps"]
            rtfs.append(result["rtf"])
            firsts.append(result["first_cue"])
            ok += result["ok"]
            judged += result["judged"]
        room = f", room {args.actor_noise:g} dBFS" if args.actor_noise is not None else ", quiet room"
        print(f"\n== {label} ({args.engine}{room}, {len(gaps)} turns)")
        if gaps:
            print(f"gap actor_speech_end -> cue_start: p50 {1000 * percentile(gaps, 0.5):.0f} ms, "
                  f"p95 {1000 * percentile(gaps, 0.95):.0f} ms, max {1000 * max(gaps):.0f} ms")
        print(f"recognizer real-time factor {statistics.mean(rtfs):.3f}")
        print(f"start to first cue {statistics.mean(firsts):.2f} s")
        print(f"lines judged ok {ok} of {judged}; final verdict by " +
              ", ".join(f"{name} {hearings.count(name)}" for name in sorted(set(hearings))))
        for expected, heard, hearing in misses:
            print(f"  not ok: {expected!r} heard {heard!r} ({hearing})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (resident) {peak:.0f} MB")


if __name__ == "__main__":
    main()
