"""How well redirection drills hear a changed delivery, on the virtual actor's takes.

    python scripts/bench_drills.py [--lines N] [--rooms quiet,-40] [--repeats R] [--verbose]

For every line (the take corpus's role lines, then the demo scene's MAYA lines), every room, and every note
(each measure, both directions), the actor gives a plain take (seed A) and then either obeys the note
(actor/delivery.py OBEY, seed B) or stubbornly says it again the same way (plain takes, seeds C). Seeds vary
the take as a real actor's takes vary, and the room's noise with them. Prints, per measure and direction:

* detected: the share of obeyed notes compare() calls changed (target >= 95 %);
* false: the share of stubborn repeats compare() calls changed (target <= 5 %): each line, room and seed
  set has eight stubborn repeats, and each is judged against every note;

and the refresh flag (same_delivery): plain against plain should be "same", obeyed against plain should not;
and each measure's analysis time per second of audio. "Fewer pauses" is only asked of takes that had a clear
pause (>= 250 ms) to lose.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import take_corpus  # noqa: E402

from assistant.actor.delivery import OBEY, Delivery, deliver, take_in_room  # noqa: E402
from assistant.delivery import MEASURES, compare, measure_delivery, same_delivery  # noqa: E402
from assistant.delivery.measures import Take  # noqa: E402
from assistant.script import load_script  # noqa: E402
from assistant.speech.voices import NaturalVoice  # noqa: E402

DEMO_SCENE = Path(__file__).resolve().parent.parent / "assistant" / "data" / "demo_scene.txt"
ROOMS = {"quiet": None, "-40": -40.0, "-50": -50.0}
NOTES = [(measure, direction) for measure in MEASURES for direction in (+1, -1)]
#: One function per measure, each run on a fresh analysis so that its time includes everything it needs.
MEASURE_PARTS = {
    "articulation_rate": lambda take: take.speaking_seconds,
    "loudness": lambda take: take.loudness_db,
    "pauses": lambda take: take.pauses,
    "pitch_range": lambda take: take.pitch_percentiles,
}


def bench_lines() -> list[tuple[str, str]]:
    """(text as written, text as said) for every line: the corpus's, then the demo scene's MAYA lines."""
    lines = [(line["text"], line.get("spoken", line["text"])) for line in take_corpus.LINES]
    demo = load_script(DEMO_SCENE)
    lines += [(line.text, line.text) for line in demo.lines_of("MAYA")]
    return lines


def interleaved(lines: list[tuple[str, str]], corpus_count: int) -> list[tuple[str, str]]:
    """Corpus and demo lines alternating, so that --lines N draws from both."""
    corpus, demo = lines[:corpus_count], lines[corpus_count:]
    out = []
    for i in range(max(len(corpus), len(demo))):
        out += corpus[i : i + 1] + demo[i : i + 1]
    return out


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.audio_seconds = 0.0

    def measure(self, audio, text: str):
        self.audio_seconds += audio.duration
        for name, part in MEASURE_PARTS.items():
            started = time.perf_counter()
            part(Take(audio))
            self.seconds[name] += time.perf_counter() - started
        started = time.perf_counter()
        result = measure_delivery(audio, text)
        self.seconds["all four"] += time.perf_counter() - started
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=None, help="how many lines (default: all 17)")
    parser.add_argument("--rooms", default="quiet,-40", help=f"rooms, from {', '.join(ROOMS)}")
    parser.add_argument("--repeats", type=int, default=1, help="seed sets per line and room")
    parser.add_argument("--verbose", action="store_true", help="print every miss and false change")
    args = parser.parse_args()

    lines = interleaved(bench_lines(), len(take_corpus.LINES))[: args.lines]
    rooms = [name.strip() for name in args.rooms.split(",")]
    voice = NaturalVoice()
    timer = Timer()
    detected: dict[tuple, list[bool]] = defaultdict(list)
    false_change: dict[tuple, list[bool]] = defaultdict(list)
    refresh_same: list[bool] = []
    refresh_obeyed: list[bool] = []
    skipped = 0
    started = time.perf_counter()

    def take(said: str, delivery: Delivery, seed: int, room: str):
        audio = take_in_room(deliver(voice, said, delivery, seed=seed), ROOMS[room], seed=seed)
        return timer.measure(audio, written)

    for line_number, (written, said) in enumerate(lines):
        for room in rooms:
            for repeat in range(args.repeats):
                base = 1000 * line_number + 100 * repeat
                plain = take(said, Delivery(), base + 1, room)
                obeyed = {note: take(said, OBEY[note], base + 10 + n, room) for n, note in enumerate(NOTES)}
                stubborn = [take(said, Delivery(), base + 50 + n, room) for n in range(len(NOTES))]
                refresh_same += [same_delivery(plain, again) for again in stubborn]
                for measure, direction in NOTES:
                    key = (measure, direction, room)
                    if measure == "pauses" and direction < 0 and not plain.clear_pause_count:
                        skipped += 1
                        continue
                    refresh_obeyed.append(same_delivery(plain, obeyed[(measure, direction)]))
                    hit = compare(plain, obeyed[(measure, direction)], measure, direction)
                    detected[key].append(hit.changed)
                    if args.verbose and not hit.changed:
                        print(f"  miss   {room:>5} {measure} {direction:+d} {said!r}: {_pair(plain, obeyed[(measure, direction)], measure)}")
                    for again in stubborn:  # every stubborn repeat is a chance for every note to be misheard
                        false = compare(plain, again, measure, direction)
                        false_change[key].append(false.changed)
                        if args.verbose and false.changed:
                            print(f"  FALSE  {room:>5} {measure} {direction:+d} {said!r}: {_pair(plain, again, measure)}")

    print(f"\n{len(lines)} lines x rooms {', '.join(rooms)} x {args.repeats} seed sets; "
          f"{timer.audio_seconds:.0f} s of audio; {time.perf_counter() - started:.0f} s in all")
    print(f"\n{'measure':<18} {'asked':>5} {'room':>6} {'detected':>14} {'false changed':>16}")
    for measure, direction in NOTES:
        for room in rooms:
            hits, falses = detected[(measure, direction, room)], false_change[(measure, direction, room)]
            if not hits:
                continue
            print(f"{measure:<18} {direction:>+5d} {room:>6} {_share(hits):>14} {_share(falses):>16}")
    if skipped:
        print(f"(fewer pauses not asked of {skipped} plain takes without a clear pause)")
    print("\nrefresh flag (same_delivery):")
    print(f"  plain vs plain called same:   {_share(refresh_same)}")
    print(f"  obeyed vs plain called same:  {_share(refresh_obeyed)}")
    print(f"\nanalysis time per second of audio ({timer.audio_seconds:.0f} s measured):")
    for name, seconds in timer.seconds.items():
        print(f"  {name:<18} {1000 * seconds / timer.audio_seconds:6.1f} ms")


def _pair(before, after, measure: str) -> str:
    if measure == "pauses":
        return (f"{before.pause_count} pauses {before.pause_seconds:.2f} s -> {after.pause_count} pauses "
                f"{after.pause_seconds:.2f} s (silences {_gaps(before)} -> {_gaps(after)})")
    return f"{before.value(measure)} -> {after.value(measure)}"


def _gaps(take) -> str:
    return "[" + " ".join(f"{end - start:.2f}" for start, end in take.silences) + "]"


def _share(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} {100 * sum(flags) / len(flags):5.1f} %" if flags else "-"


if __name__ == "__main__":
    main()
