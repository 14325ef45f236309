"""How often grading gets the verdict right, per engine, on a corpus of takes with known right answers.

    python scripts/bench_grade.py [--corpus DIR] [--engine auto,pocketsphinx,whisper,vosk] [--strictness default]

Builds the corpus with scripts/take_corpus.py (every take in every condition and synthetic voice, and the
real human recordings as recorded and over a simulated telephone line) when DIR has none.

Each take must get one of three results: "must pass" (ok), "must flag" (slip or missed: a function word
left out, never plain ok) or "must miss" (missed). Prints, per engine, how many of each were right, with
what the wrong ones got instead; the same per voice (synthetic and human voices apart), per condition and
per kind; the real-time factor; and every take it got wrong.
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


EXPECT_NAMES = {"pass": "must pass", "flag": "must flag", "miss": "must miss"}


def expectation(take: dict) -> str:
    """The take's "pass", "flag" or "miss"; a manifest from before the three verdicts has only should_pass."""
    return take.get("expect") or ("pass" if take["should_pass"] else "miss")


def verdict_name(verdict) -> str:
    """The verdict's word, "ok", "slip" or "missed" (from code with two verdicts, ok or missed)."""
    return getattr(verdict, "verdict", None) or ("ok" if verdict.ok else "missed")


def is_right(expect: str, got: str) -> bool:
    return got == "ok" if expect == "pass" else got != "ok" if expect == "flag" else got == "missed"


def bench(engine_name: str, corpus: Path, strictness: str, every: int | None = None) -> None:
    script = load_script(corpus / "takes_script.txt")
    lines = script.lines_of(take_corpus.ROLE)
    try:
        ear = open_ear(engine_name, names=list(script.roles()), purpose="grading")
    except CallbackError as exc:
        print(f"{engine_name}: skipped ({exc})")
        return
    takes = json.loads((corpus / "manifest.json").read_text())[:: every or 1]

    results, audio_seconds = [], 0.0
    started = time.perf_counter()
    for take in takes:
        audio = read_wav(corpus / take["file"])
        audio_seconds += audio.duration
        verdict = grade_line(ear, audio, lines[take["line"] - 1], take["line"], strictness).verdict
        results.append((take, verdict_name(verdict), verdict))
    elapsed = time.perf_counter() - started

    right = sum(is_right(expectation(t), got) for t, got, _ in results)
    print(f"\n== {engine_name}: {ear.description}; strictness {strictness}")
    print(f"takes {len(results)}: right {100 * right / max(len(results), 1):.1f} % ({right}/{len(results)})")
    print(f"audio {audio_seconds:.1f} s graded in {elapsed:.1f} s: real-time factor {elapsed / max(audio_seconds, 1e-9):.3f}")
    for expect, name in EXPECT_NAMES.items():
        print(f"  {name}: {tally([r for r in results if expectation(r[0]) == expect])}")
    synthetic = [r for r in results if not r[0].get("voice", "").startswith("human")]
    human = [r for r in results if r[0].get("voice", "").startswith("human")]
    for title, group in (("synthetic voices", synthetic), ("human voices", human)):
        if group:
            print(f"{title}: {tally(group)}")
            report_by(group, "voice")
            report_by(group, "condition")
            report_by(group, "kind")
    drops = [r for r in results if r[0]["kind"] in ("drop_each", "dropped", "dropped_function")
             and r[0].get("dropped_word")]
    if drops:
        print("a word left out, by what it is:")
        for label, function in (("content word (must miss)", False), ("function word (must flag)", True)):
            print(f"  {label}: {tally([r for r in drops if r[0].get('function_word') == function])}")
    for take, got, verdict in results:
        if not is_right(expectation(take), got):
            print(f"  {take['id']}: {EXPECT_NAMES[expectation(take)]}, got {got} ({verdict.score:.2f}); "
                  f"expected {take['expected']!r}, said {take['spoken']!r}, heard {verdict.heard!r}")


def tally(results: list) -> str:
    """A group of (take, verdict name, verdict) as "12/14 right (86 %); wrong: 1 ok, 1 slip"."""
    if not results:
        return "none"
    wrong: dict[str, int] = {}
    for take, got, _ in results:
        if not is_right(expectation(take), got):
            wrong[got] = wrong.get(got, 0) + 1
    right = len(results) - sum(wrong.values())
    text = f"{right}/{len(results)} right ({100 * right / len(results):.0f} %)"
    return text + ("; wrong: " + ", ".join(f"{n} {got}" for got, n in sorted(wrong.items())) if wrong else "")


def report_by(results: list, field: str) -> None:
    groups: dict[str, list] = {}
    for result in results:
        groups.setdefault(result[0].get(field, "-"), []).append(result)
    print(f"  by {field}:")
    for name, group in groups.items():
        print(f"    {name}: {tally(group)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder made by take_corpus.py")
    parser.add_argument("--engine", default="auto,pocketsphinx")
    parser.add_argument("--limit", type=int, default=None, help="grade only every Nth take (a quick look)")
    parser.add_argument("--strictness", default="default", choices=["strict", "default", "lenient"])
    args = parser.parse_args()
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="callback-takes-"))
    if not (corpus / "manifest.json").exists():
        take_corpus.build(corpus, every_condition=True, voices=list(take_corpus.ALL_VOICES),
                          human_conditions=["phone"])
        print(f"corpus written to {corpus}")
    for name in args.engine.split(","):
        bench(name, corpus, args.strictness, args.limit)


if __name__ == "__main__":
    main()
