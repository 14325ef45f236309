"""What a natural cue voice costs: synthesis time per cue for each voice, against espeak-ng.

    python scripts/bench_cue_voices.py [--script assistant/data/demo_scene.txt] [--rounds 2]

Every line of the script is rendered by each voice (after one warm-up line, so loading is counted apart), and
the figures printed: load time, mean and 95th percentile per cue, the real-time factor (synthesis seconds per
second of speech), and the whole scene, which is what `callback run` spends before its first cue (it renders
every cue first, so that none waits on synthesis mid-scene).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.script import load_script  # noqa: E402
from assistant.speech.voice_choice import build_voice  # noqa: E402

VOICES = ("espeak-m3", "hibari", "hibari-low", "joe", "joe-low")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default=str(Path(__file__).resolve().parent.parent / "assistant/data/demo_scene.txt"))
    parser.add_argument("--rounds", type=int, default=2, help="renders of each line (the best is kept)")
    arguments = parser.parse_args()
    lines = [line.text for line in load_script(arguments.script).lines if line.text.strip()]
    print(f"{len(lines)} lines of {arguments.script}, {arguments.rounds} rounds each, best kept")
    print(f"{'voice':12s} {'load s':>7s} {'mean ms':>8s} {'p95 ms':>7s} {'RTF':>6s} {'scene s':>8s}")
    for name in VOICES:
        started = time.perf_counter()
        voice = build_voice(name)
        voice.render("Ready.")
        loaded = time.perf_counter() - started
        seconds, spoken = [], 0.0
        for text in lines:
            best = float("inf")
            for _ in range(arguments.rounds):
                start = time.perf_counter()
                audio = voice.render(text)
                best = min(best, time.perf_counter() - start)
            seconds.append(best)
            spoken += audio.duration
        per_cue = np.array(seconds)
        print(f"{name:12s} {loaded:7.2f} {per_cue.mean() * 1000:8.0f} {np.percentile(per_cue, 95) * 1000:7.0f} "
              f"{per_cue.sum() / spoken:6.3f} {per_cue.sum():8.2f}")


if __name__ == "__main__":
    main()
