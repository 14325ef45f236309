"""Where `callback check`'s limits come from: the sentence heard by the virtual actor at several voice levels in
the rooms the project measures against (audio/rooms.py), through the real ear.

    python scripts/bench_check.py [--engine auto] [--seeds 3] [--voices=-26,-36,-46,-50,-56] [--rooms=quiet,-50,-40,-36,-34,-30]

For each voice level and room: the levels the check measured (voice, room, the margin between them), how
often the sentence was heard right (the run's judge: ok or slip) and by which hearing, and the check's own
verdict (ready, or its problems). The limits in assistant/session/check.py are read off this table: the
voice must be heard right wherever the check says "ready".
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.actor import CheckPart  # noqa: E402
from assistant.audio.buffers import BufferSpeaker  # noqa: E402
from assistant.audio.rooms import RoomNoise  # noqa: E402
from assistant.session.check import CheckSession  # noqa: E402
from assistant.session.listen import Timing  # noqa: E402
from assistant.session.runtime import ActorSetup, build_runtime  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402
from assistant.speech.voices import EspeakVoice  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--voices", default="-26,-36,-46,-50,-56")
    parser.add_argument("--rooms", default="quiet,-50,-40,-36,-34,-30")
    args = parser.parse_args()
    voices = [float(v) for v in args.voices.split(",")]
    rooms = [None if r == "quiet" else float(r) for r in args.rooms.split(",")]

    ear = open_ear(args.engine, on_notice=lambda message: print(f"callback: {message}", file=sys.stderr))
    if ear.strong is not None:
        ear.strong.available()
    print(f"ear: {ear.description}")
    print(f"{'voice set':>9} {'room set':>8} | {'voice':>6} {'room':>6} {'margin':>6} | heard right | hearings"
          f"          | check says")
    for room in rooms:
        for voice in voices:
            measured, right, hearings, verdicts = [], 0, Counter(), Counter()
            for seed in range(args.seeds):
                noise = RoomNoise(room, seed=seed) if room is not None else None
                runtime = build_runtime(ear=ear, speaker=BufferSpeaker(realtime=False), voice=EspeakVoice("en-us"),
                                        actor=ActorSetup(CheckPart(voice), room=noise, realtime=False, seed=seed))
                result = runtime.run(CheckSession(timing=Timing(start_timeout=3.0))).result
                measured.append(result.levels)
                right += result.verdict in ("ok", "slip")
                hearings[result.hearing or "-"] += 1
                verdicts["ready" if result.ready else "+".join(p.kind for p in result.problems)] += 1
            print(f"{voice:>9.0f} {'quiet' if room is None else f'{room:.0f}':>8} | "
                  f"{_median([m.voice_dbfs for m in measured]):>6} {_median([m.room_dbfs for m in measured]):>6} "
                  f"{_median([m.margin_db for m in measured]):>6} | {right:>5} of {args.seeds:<3} | "
                  f"{', '.join(f'{k} {n}' for k, n in hearings.items()):<17} | "
                  f"{', '.join(f'{k} {n}' for k, n in verdicts.items())}")


def _median(values) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.1f}" if known else "-"


if __name__ == "__main__":
    main()
