"""How often grading gets the verdict right, per engine, on a corpus of natural-voice takes.

    python scripts/bench_grade.py [--corpus DIR] [--engine pocketsphinx,vosk] [--strictness default]

Builds the corpus with scripts/take_corpus.py when DIR has none. Prints the share of right verdicts, false
rejections (a right take called missed) and false acceptances (a wrong take called ok), the recognizer's
real-time factor, and every take it got wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import take_corpus  # noqa: E402

from assistant.audio.pcm import read_wav  # noqa: E402
from assistant.errors import CallbackError  # noqa: E402
from assistant.grading import grade_line  # noqa: E402
from assistant.script import load_script  # noqa: E402
from assistant.speech.engines import load_engine  # noqa: E402


def bench(engine_name: str, corpus: Path, strictness: str) -> None:
    try:
        engine = load_engine(engine_name)
    except CallbackError as exc:
        print(f"{engine_name}: skipped ({exc})")
        return
    script = load_script(corpus / "takes_script.txt")
    lines = script.lines_of(take_corpus.ROLE)
    names = list(script.roles())
    takes = json.loads((corpus / "manifest.json").read_text())

    wrong, false_reject, false_accept, audio_seconds = [], 0, 0, 0.0
    started = time.perf_counter()
    for take in takes:
        audio = read_wav(corpus / take["file"])
        audio_seconds += audio.duration
        result = grade_line(engine, audio, lines[take["line"] - 1], take["line"], strictness, names)
        if result.verdict.ok != take["should_pass"]:
            wrong.append((take, result.verdict))
            false_reject += take["should_pass"]
            false_accept += not take["should_pass"]
    elapsed = time.perf_counter() - started

    total = len(takes)
    passable = sum(t["should_pass"] for t in takes)
    print(f"\n== {engine.name} ({engine.model_path or 'built-in model'}), strictness {strictness}")
    print(f"takes {total}: right {100 * (total - len(wrong)) / total:.1f} %  "
          f"false rejections {false_reject}/{passable} ({100 * false_reject / max(passable, 1):.1f} %)  "
          f"false acceptances {false_accept}/{total - passable} ({100 * false_accept / max(total - passable, 1):.1f} %)")
    print(f"audio {audio_seconds:.1f} s graded in {elapsed:.1f} s: real-time factor {elapsed / audio_seconds:.3f}")
    by_kind: dict[str, list[int]] = {}
    for take in takes:
        by_kind.setdefault(take["kind"], [0, 0])[1] += 1
    for take, _ in wrong:
        by_kind[take["kind"]][0] += 1
    print("wrong verdicts by kind: " + ", ".join(f"{k} {w}/{n}" for k, (w, n) in by_kind.items()))
    for take, verdict in wrong:
        print(f"  {take['id']}: expected {'ok' if take['should_pass'] else 'missed'}, got {verdict.verdict}"
              f" ({verdict.score:.2f}); said {take['spoken']!r}, heard {verdict.heard!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder made by take_corpus.py")
    parser.add_argument("--engine", default="pocketsphinx,vosk")
    parser.add_argument("--strictness", default="default", choices=["strict", "default", "lenient"])
    args = parser.parse_args()
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="callback-takes-"))
    if not (corpus / "manifest.json").exists():
        take_corpus.build(corpus)
        print(f"corpus written to {corpus}")
    for name in args.engine.split(","):
        bench(name, corpus, args.strictness)


if __name__ == "__main__":
    main()
