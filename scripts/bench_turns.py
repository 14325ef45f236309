"""How quickly callback takes its turn: the gap from the actor's last word to the next cue.

    python scripts/bench_turns.py [--engine pocketsphinx] [--script FILE --role NAME] [--runs 1]

Runs a scene with the virtual actor in real time, once ending lines the script's way (the transcript has
reached the line's last words, then a short silence) and once waiting for the recognizer's own endpoint.
Prints p50 and p95 of the gap, the recognizer's real-time factor, the time from start to the first cue and
the peak memory. People leave about 200 ms between turns; the targets are p50 <= 250 ms, p95 <= 450 ms.
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
from assistant.audio.virtual_actor import VirtualActor
from assistant.script import load_script
from assistant.session.events import EventLog
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.virtual_part import ScenePart
from assistant.speech.engines import load_engine
from assistant.speech.voices import NaturalVoice, cue_voices


class TimedEngine:
    """Passes recognizers through, adding up how long they spend on how much audio."""

    def __init__(self, engine):
        self.engine = engine
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


def one_run(engine_name: str, script_path: Path, role: str, wait_for_engine: bool, seed: int) -> dict:
    started = time.monotonic()
    engine = TimedEngine(load_engine(engine_name))
    script = load_script(script_path)
    lines, numbers = select_lines(script.lines, role)
    others = sorted({line.speaker for line in lines if line.speaker != role})
    voices = cue_voices([*others, "CALLBACK"])
    prompter = voices.pop("CALLBACK")
    events = EventLog()
    actor = VirtualActor(NaturalVoice(), ScenePart(seed=seed), events, realtime=True, seed=seed)
    rehearsal = Rehearsal(
        lines, engine, voices, prompter, BufferSpeaker(realtime=True), actor, events,
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
    return {
        "gaps": gaps,
        "rtf": engine.busy / max(engine.audio, 1e-9),
        "first_cue": first_cue - started,
        "ok": verdicts.count("ok"),
        "judged": len(verdicts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="pocketsphinx")
    parser.add_argument("--script", type=Path, default=None, help="default: the take corpus's two-hander")
    parser.add_argument("--role", default="MAYA")
    parser.add_argument("--runs", type=int, default=1, help="runs per mode, each with another seed")
    args = parser.parse_args()
    if args.script is None:
        args.script = Path(tempfile.mkdtemp(prefix="callback-turns-")) / "scene.txt"
        args.script.write_text(take_corpus.script_text(), encoding="utf-8")

    for label, wait in (("script end-of-line", False), ("recognizer endpoint", True)):
        gaps, rtfs, firsts, ok, judged = [], [], [], 0, 0
        for seed in range(args.runs):
            result = one_run(args.engine, args.script, args.role, wait, seed)
            gaps += result["gaps"]
            rtfs.append(result["rtf"])
            firsts.append(result["first_cue"])
            ok += result["ok"]
            judged += result["judged"]
        print(f"\n== {label} ({args.engine}, {len(gaps)} turns)")
        if gaps:
            print(f"gap actor_speech_end -> cue_start: p50 {1000 * percentile(gaps, 0.5):.0f} ms, "
                  f"p95 {1000 * percentile(gaps, 0.95):.0f} ms, max {1000 * max(gaps):.0f} ms")
        print(f"recognizer real-time factor {statistics.mean(rtfs):.3f}")
        print(f"start to first cue {statistics.mean(firsts):.2f} s")
        print(f"lines judged ok {ok} of {judged}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (resident) {peak:.0f} MB")


if __name__ == "__main__":
    main()
