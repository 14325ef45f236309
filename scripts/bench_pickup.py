"""How well callback times a pickup: the measure against a known truth.

    python scripts/bench_pickup.py [--pickups 0.2 0.5 1.0 2.0] [--noise quiet -40] [--scripts FILE ...]

Runs each scene (MAYA's part, callback reading THEO) with the virtual actor in real time, told to pause
`--actor-pickup` seconds after each cue, in a quiet room and in one humming and hissing at -40 dBFS, and
compares every pickup callback recorded (the `pickup` of each `verdict` event) with the truth.

The truth is taken from the audio, not from the setting. The actor's own audio onset: the first sample of
its delivery louder than its voiced level (int16 amplitude 300), where it sits in the stream the microphone
gives (VirtualActor.onsets). The synthesizer's lead-in silence is cut before that sample by the actor, so
the onset is the voice's, not the start of a rendered clip with silence at its head; and a clip's soft first
sound under that level does not count for either side. The cue's end: the last sample of the cue clip on
the speaker (BufferSpeaker.clips: its start plus its length, in real time). Truth = onset - cue end; error =
measured - truth. Prints, per room and pickup, the median truth, the median measure, and the error's p50 and
p95 (absolute), then overall. Target: p95 <= 80 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from assistant.actor import ScenePart
from assistant.audio.buffers import BufferSpeaker
from assistant.audio.rooms import RoomNoise
from assistant.events import EventType
from assistant.script import load_script
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.runtime import ActorSetup, build_runtime
from assistant.speech.hearing import open_ear
from assistant.speech.voices import cue_voices

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "tests" / "scripts" / "kitchen.txt", ROOT / "assistant" / "data" / "demo_scene.txt"]
ROLE = "MAYA"
TARGET_P95 = 0.080


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def one_run(ear, script_path: Path, pickup: float, noise: float | None, seed: int) -> list[tuple[float, float]]:
    """(truth, measured) for every attempt that followed a cue."""
    script = load_script(script_path)
    lines, numbers = select_lines(script.lines, ROLE)
    others = sorted({line.speaker for line in lines if line.speaker != ROLE})
    voices = cue_voices([*others, "CALLBACK"])
    prompter = voices.pop("CALLBACK")
    speaker = BufferSpeaker(realtime=True)
    room = RoomNoise(noise, seed=seed) if noise is not None else None
    runtime = build_runtime(ear=ear, speaker=speaker, voice=prompter,
                            actor=ActorSetup(ScenePart(seed=seed), room=room, realtime=True, seed=seed,
                                             pickup=pickup))
    rehearsal = Rehearsal(lines, voices, RunOptions(role=ROLE, on_miss="note", speak_summary=False),
                          names=list(script.roles()), line_numbers=numbers)
    runtime.run(rehearsal).raise_if_failed()
    actor = runtime.microphone
    ends = sorted(clip.started + clip.duration for clip in speaker.clips if not clip.cut)
    verdicts = runtime.events.of_type(EventType.VERDICT)
    assert len(verdicts) == len(actor.onsets), (len(verdicts), len(actor.onsets))
    pairs = []
    for verdict, onset in zip(verdicts, actor.onsets):
        if verdict.pickup is None:
            continue
        cue_end = max(end for end in ends if end <= onset)
        pairs.append((onset - cue_end, verdict.pickup))
    runtime.close()
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pickups", type=float, nargs="+", default=[0.2, 0.5, 1.0, 2.0])
    parser.add_argument("--noise", nargs="+", default=["quiet", "-40"], help="quiet, or a room level in dBFS")
    parser.add_argument("--scripts", type=Path, nargs="+", default=SCRIPTS)
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()
    ear = open_ear(args.engine, names=[ROLE, "THEO"])
    everything: list[float] = []
    started = time.monotonic()
    print(f"{'room':>8} {'pickup':>7} {'n':>3} {'truth p50':>10} {'measured p50':>13} {'|err| p50':>10} "
          f"{'|err| p95':>10} {'err max':>8}")
    for room in args.noise:
        noise = None if room == "quiet" else float(room)
        for pickup in args.pickups:
            pairs = []
            for seed, script in enumerate(args.scripts):
                pairs += one_run(ear, script, pickup, noise, seed)
            errors = [measured - truth for truth, measured in pairs]
            absolute = [abs(e) for e in errors]
            everything += absolute
            print(f"{room:>8} {pickup:>7.1f} {len(pairs):>3} {statistics.median(t for t, _ in pairs):>10.3f} "
                  f"{statistics.median(m for _, m in pairs):>13.3f} {percentile(absolute, 0.5) * 1000:>8.0f}ms "
                  f"{percentile(absolute, 0.95) * 1000:>8.0f}ms {max(errors, key=abs) * 1000:>+6.0f}ms", flush=True)
    p95 = percentile(everything, 0.95)
    print(f"all: {len(everything)} pickups, |error| p50 {percentile(everything, 0.5) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms (target <= {TARGET_P95 * 1000:.0f} ms: {'met' if p95 <= TARGET_P95 else 'MISSED'}); "
          f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
