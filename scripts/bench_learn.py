"""Learn mode with the virtual actor on every script in tests/scripts: lines learned, attempts per line, minutes.

    python scripts/bench_learn.py [--lines N] [--chunk C] [--mistakes P] [--engine auto]

For each script, the role with the most lines (the first of them on a tie), its first N lines (default 6: a
scene's worth, and what a first evening takes on), learned from nothing by a new virtual actor (actor/learner.py:
it can say a line only once it has heard it whole) through the real session, the real recognizers (by default
PocketSphinx live and Whisper hearing again) and a real SQLite history in a temporary folder.

Prints per script: lines learned of lines taken, attempts per line (the least is four: whole line, first
words, cue alone twice; each run of the lines learned so far adds one to each), and two times:

* session minutes: the audio of the session, everything callback played and everything the microphone took
  in while listening. A session in real time lasts at least this long (plus the second hearing's ~0.35 s on a
  line the live hearing did not take word for word);
* compute minutes: how long this machine took with nothing played in real time (synthesis and recognition).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.actor import LearnerPart  # noqa: E402
from assistant.audio.buffers import BufferSpeaker  # noqa: E402
from assistant.commands.run import cast_voices  # noqa: E402
from assistant.history import Store  # noqa: E402
from assistant.history.learning import LearningBook  # noqa: E402
from assistant.history.recorder import HistoryRecorder, ScriptIdentity  # noqa: E402
from assistant.script import load_script  # noqa: E402
from assistant.session.learn import LearnOptions, LearnSession  # noqa: E402
from assistant.session.run import select_lines  # noqa: E402
from assistant.session.runtime import ActorSetup, build_runtime  # noqa: E402
from assistant.speech.hearing import open_ear  # noqa: E402

SCRIPTS = ROOT / "tests" / "scripts"


def busiest_role(script) -> str:
    roles = script.roles()  # in order of first appearance: max keeps the first of a tie
    return max(roles, key=roles.get)


def learn_one(path: Path, lines_cap: int, chunk: int, mistakes: float, engine: str, home: Path) -> dict:
    script = load_script(path)
    role = busiest_role(script)
    total = len(script.lines_of(role))
    end = min(lines_cap, total)
    lines, numbers = select_lines(script.lines, role, None, end)
    names = list(script.roles())
    ear = open_ear(engine, names=names)
    store = Store(home / f"{path.name}.db")
    recorder = HistoryRecorder(store, ScriptIdentity.of_file(path))
    book = LearningBook(store, str(path.resolve()), role)
    voices, prompter = cast_voices(lines, role)
    speaker = BufferSpeaker(realtime=False)
    runtime = build_runtime(ear=ear, speaker=speaker, voice=prompter, history=recorder,
                            actor=ActorSetup(LearnerPart(mistakes, seed=1), realtime=False, seed=1))
    session = LearnSession(lines, numbers, voices, book, LearnOptions(role, chunk=chunk, speak_summary=False),
                           names=names, script=str(path.resolve()))
    started = time.perf_counter()
    try:
        ran = runtime.run(session)
    finally:
        runtime.close()
        book.close()
    ran.raise_if_failed()
    compute = time.perf_counter() - started
    actor = runtime.microphone
    listened = actor._chunks_made * actor._chunk_seconds
    result = ran.result
    attempts = [line["attempts"] for line in result.lines]
    return {"script": path.name, "role": role, "taken": end, "of": total, "learned": result.learned,
            "attempts": sum(attempts), "most": max(attempts, default=0),
            "session_minutes": (speaker.track.duration + listened) / 60, "compute_minutes": compute / 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=6, help="lines of each role taken, at most (default 6)")
    parser.add_argument("--chunk", type=int, default=2, help="lines learned together (default 2)")
    parser.add_argument("--mistakes", type=float, default=0.0,
                        help="share of attempts the virtual actor says wrong once it knows the line")
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as home:
        for path in sorted(SCRIPTS.iterdir()):
            rows.append(learn_one(path, args.lines, args.chunk, args.mistakes, args.engine, Path(home)))
            row = rows[-1]
            print(f"{row['script']:<26} {row['role']:<8} lines {row['taken']:>2} of {row['of']:>2}  "
                  f"learned {row['learned']:>2}  attempts {row['attempts']:>3} "
                  f"({row['attempts'] / max(row['taken'], 1):.1f} a line, most {row['most']})  "
                  f"session {row['session_minutes']:.1f} min  compute {row['compute_minutes']:.1f} min",
                  flush=True)
    taken = sum(row["taken"] for row in rows)
    print(f"\nall {len(rows)} scripts, chunk {args.chunk}, actor mistakes {args.mistakes:.0%}, engine {args.engine}: "
          f"{sum(row['learned'] for row in rows)} of {taken} lines learned; "
          f"{sum(row['attempts'] for row in rows) / taken:.1f} attempts a line; "
          f"session {sum(row['session_minutes'] for row in rows):.1f} min "
          f"({60 * sum(row['session_minutes'] for row in rows) / taken:.0f} s a line); "
          f"compute {sum(row['compute_minutes'] for row in rows):.1f} min")


if __name__ == "__main__":
    main()
