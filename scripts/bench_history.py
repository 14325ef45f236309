"""What the practice history adds to each judged line: the time to commit one attempt, before the next cue.

    python scripts/bench_history.py [--attempts 500] [--takes]

Writes a run's `verdict` events through the real recorder into a real SQLite file (WAL mode, one commit per
attempt) in a fresh folder, on a history that already holds a few evenings of practice, and prints p50, p95 and
max of the time each write took, with and without keeping the take's audio (3 s of FLAC). Target: p95 <= 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.audio.pcm import Audio
from assistant.events import EventStream, Outcome, SessionEnd, SessionStart, Verdict
from assistant.history import Store
from assistant.history.recorder import HistoryRecorder, ScriptIdentity

SCRIPT = Path(__file__).resolve().parents[1] / "assistant" / "data" / "demo_scene.txt"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def one_session(path: Path, attempts: int, takes: bool) -> list[float]:
    stream = EventStream()
    recorder = HistoryRecorder(Store(path), ScriptIdentity.of_file(SCRIPT), keep_takes=takes)
    stream.subscribe(recorder)
    rng = np.random.default_rng(1)
    audio = Audio((rng.normal(0, 2000, 3 * 16000)).astype(np.int16), 16000) if takes else None
    stream.emit(SessionStart("run", script=str(SCRIPT), role="MAYA"))
    for number in range(attempts):
        ok = number % 4 != 0
        stream.emit(Verdict(line=number % 5 + 1, result="ok" if ok else "missed", hearing="whisper",
                            expected="We lost the man in room nine. I keep thinking I missed something.",
                            heard="we lost the man in room nine i keep thinking i missed something",
                            score=1.0 if ok else 0.8, missing=() if ok else ("missed",), audio=audio))
    stream.emit(SessionEnd("run", Outcome.FINISHED, {"lines": attempts}))
    recorder.close()
    return recorder.write_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--takes", action="store_true", help="also measure with each take's audio kept")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="callback-history-"))
    path = folder / "callback.db"
    for _ in range(10):  # evenings of practice already kept
        one_session(path, 50, takes=False)
    for takes in ([False, True] if args.takes else [False]):
        started = time.perf_counter()
        seconds = one_session(path, args.attempts, takes)
        wall = time.perf_counter() - started
        label = "with takes (3 s FLAC each)" if takes else "attempt rows only"
        print(f"{label}: {len(seconds)} attempts, write per judged line p50 {1000 * statistics.median(seconds):.2f} ms, "
              f"p95 {1000 * percentile(seconds, 0.95):.2f} ms, max {1000 * max(seconds):.2f} ms "
              f"({wall:.2f} s in all)")
    print(f"history file {path.stat().st_size / 1024:.0f} KB after {10 * 50 + args.attempts * (2 if args.takes else 1)} attempts")


if __name__ == "__main__":
    main()
