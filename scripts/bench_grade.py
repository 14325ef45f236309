"""How often grading gets the verdict right, per engine, on a corpus of natural-voice takes.

    python scripts/bench_grade.py [--corpus DIR] [--engine auto,pocketsphinx,whisper,vosk] [--strictness default]

Builds the corpus with scripts/take_corpus.py (every take in every condition and voice) when DIR has none.
Prints, per engine, the share of right verdicts, false rejections (a right take called missed) and false
acceptances (a wrong take called ok), the same per condition and per voice, the real-time factor, and every
take it got wrong. "auto" is the default setup: Whisper grading when its model is installed.
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
from assistant.speech.hearing import open_ear  # noqa: E402


def bench(engine_name: str, corpus: Path, strictness: str, every: int | None = None) -> None:
    script = load_script(corpus / "takes_script.txt")
    lines = script.lines_of(take_corpus.ROLE)
    try:
        ear = open_ear(engine_name, names=list(script.roles()), purpose="grading")
    except CallbackError as exc:
        print(f"{engine_name}: skipped ({exc})")
        return
    takes = json.loads((corpus / "manifest.json").read_text())[:: every or 1]

    wrong, false_reject, false_accept, audio_seconds = [], 0, 0, 0.0
    started = time.perf_counter()
    for take in takes:
        audio = read_wav(corpus / take["file"])
        audio_seconds += audio.duration
        result = grade_line(ear, audio, lines[take["line"] - 1], take["line"], strictness)
        if result.verdict.ok != take["should_pass"]:
            wrong.append((take, result.verdict))
            false_reject += take["should_pass"]
            false_accept += not take["should_pass"]
    elapsed = time.perf_counter() - started

    total = len(takes)
    passable = sum(t["should_pass"] for t in takes)
    print(f"\n== {engine_name}: {ear.description}; strictness {strictness}")
    print(f"takes {total}: right {100 * (total - len(wrong)) / total:.1f} %  "
          f"false rejections {false_reject}/{passable} ({100 * false_reject / max(passable, 1):.1f} %)  "
          f"false acceptances {false_accept}/{total - passable} ({100 * false_accept / max(total - passable, 1):.1f} %)")
    print(f"audio {audio_seconds:.1f} s graded in {elapsed:.1f} s: real-time factor {elapsed / audio_seconds:.3f}")
    wrong_ids = {take["id"] for take, _ in wrong}
    for field in ("kind", "condition", "voice"):
        groups: dict[str, list[int]] = {}
        for take in takes:
            tally = groups.setdefault(take.get(field, "-"), [0, 0, 0])
            tally[0] += take["id"] not in wrong_ids
            tally[1] += 1
            tally[2] += take["id"] in wrong_ids and not take["should_pass"]
        print(f"right by {field}: " + ", ".join(
            f"{name} {100 * ok / n:.1f}% ({ok}/{n}{f', {fa} false accepts' if fa else ''})"
            for name, (ok, n, fa) in groups.items()))
    for take, verdict in wrong:
        print(f"  {take['id']}: expected {'ok' if take['should_pass'] else 'missed'}, got {verdict.verdict}"
              f" ({verdict.score:.2f}); said {take['spoken']!r}, heard {verdict.heard!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder made by take_corpus.py")
    parser.add_argument("--engine", default="auto,pocketsphinx")
    parser.add_argument("--limit", type=int, default=None, help="grade only every Nth take (a quick look)")
    parser.add_argument("--strictness", default="default", choices=["strict", "default", "lenient"])
    args = parser.parse_args()
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="callback-takes-"))
    if not (corpus / "manifest.json").exists():
        take_corpus.build(corpus, every_condition=True)
        print(f"corpus written to {corpus}")
    for name in args.engine.split(","):
        bench(name, corpus, args.strictness, args.limit)


if __name__ == "__main__":
    main()
