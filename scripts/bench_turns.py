"""How quickly callback takes its turn: the gap from the actor's last word to the next cue.

    python scripts/bench_turns.py [--engine auto] [--actor-noise -40] [--script FILE --role NAME] [--runs 1]

Runs a scene with the virtual actor in real time, once ending lines the script's way (the transcript has
reached the line's last words, then a short silence) and once waiting for the recognizer's own endpoint.
Prints p50 and p95 of the gap (from the voice's last sample), how many cues started ahead of the verdict
(session/run.py) and how many of those were cut, the recognizer's real-time factor (from the stream's `recognized` events), the
time the practice history's commit adds to each judged line, the time from start to the first cue and the
peak memory. Each run is a session in a process of its own, as `callback run` is.
People leave about 200 ms between turns; the targets are p50 <= 250 ms, p95 <= 450 ms.
With --actor-noise the virtual actor speaks in a room humming and hissing at that level (dBFS). Also
prints which hearing gave each final verdict, and every line whose final verdict was not "ok".
With --actor-mistakes the virtual actor gets that share of lines wrong (one content word dropped or swapped):
prints how many of its mistakes were caught, and the time from the voice's last sample to the spoken
correction (target p95 <= 1.0 s). --busy keeps one core busy with another process meanwhile, as a laptop
with a browser open would. --recorded-cues first has the virtual reader record the other parts
(`callback record-cues`, session/record_cues.py), then runs the scene with those recordings as the cues:
prints how many cues played recorded and the recordings' size on disk.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import take_corpus  # noqa: E402

from assistant.actor import ScenePart
from assistant.audio.buffers import BufferSpeaker
from assistant.audio.rooms import RoomNoise
from assistant.events import EventType
from assistant.history import Store
from assistant.history.recorder import HistoryRecorder, ScriptIdentity
from assistant.script import load_script
from assistant.session.run import Rehearsal, RunOptions, select_lines
from assistant.session.runtime import ActorSetup, build_runtime
from assistant.speech.hearing import open_ear
from assistant.speech.recorded import with_recordings
from assistant.speech.voices import cue_voices


@dataclass(frozen=True)
class Correction:
    """A spoken correction: seconds from the line's end, the line, what was heard, and what ended the turn."""

    seconds: float
    expected: str
    heard: str
    ended_by: str


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def one_run(engine_name: str, script_path: Path, role: str, wait_for_engine: bool, seed: int,
            noise: float | None, mistakes: float = 0.0, recorded_cues: bool = False) -> dict:
    started = time.monotonic()
    script = load_script(script_path)
    ear = open_ear(engine_name, names=list(script.roles()))
    lines, numbers = select_lines(script.lines, role)
    others = sorted({line.speaker for line in lines if line.speaker != role})
    voices = cue_voices([*others, "CALLBACK"])
    prompter = voices.pop("CALLBACK")
    room = RoomNoise(noise, seed=seed) if noise is not None else None
    # The CLI's own runtime, with the virtual actor in real time: everything measured is read off the stream.
    # A real history file, as the CLI keeps one: its commits are part of every judged line's turn.
    history = HistoryRecorder(Store(Path(tempfile.mkdtemp(prefix="callback-turns-")) / "callback.db"),
                              ScriptIdentity.of_file(script_path))
    recorded_bytes = 0
    if recorded_cues:
        recordings = record_cues(ear, prompter, script, script_path, role, history, seed)
        recorded_bytes = sum(cue.path.stat().st_size for cue in recordings.values())
        voices = with_recordings(voices, recordings)
        started = time.monotonic()  # the recording is a session of its own, before this one
    runtime = build_runtime(ear=ear, speaker=BufferSpeaker(realtime=True), voice=prompter, history=history,
                            actor=ActorSetup(part := ScenePart(seed=seed, mistakes=mistakes), room=room,
                                             realtime=True, seed=seed))
    on_miss = "prompt" if mistakes else "note"
    rehearsal = Rehearsal(lines, voices, RunOptions(role=role, wait_for_engine=wait_for_engine, on_miss=on_miss,
                                                    speak_summary=False),
                          names=list(script.roles()), line_numbers=numbers)
    runtime.run(rehearsal).raise_if_failed()
    timeline = runtime.events.events

    gaps = []
    for index, event in enumerate(timeline):
        if event.type is not EventType.ACTOR_SPEECH_END:
            continue
        following = next((e for e in timeline[index:] if e.type in (EventType.CUE_START, EventType.LISTEN_START,
                                                                   EventType.SESSION_END)), None)
        if following is not None and following.type is EventType.CUE_START:
            # From the voice's last sample, not from the end of the microphone chunk that carried it.
            gaps.append(following.t - event.t + event.late_by)
    first_cue = next(e.t for e in timeline if e.type is EventType.CUE_START)
    verdicts = runtime.events.of_type(EventType.VERDICT)
    live = [e for e in runtime.events.of_type(EventType.RECOGNIZED) if e.hearing == ear.live.name]
    misses = [(e.expected, e.heard, e.hearing) for e in verdicts if not e.ok]
    cues = runtime.events.of_type(EventType.CUE_START)
    cut = runtime.events.of_type(EventType.CUE_END)
    first_verdicts = {e.line: e for e in reversed(verdicts) if e.attempt == 1}
    wrong_lines = [number for number, kind, _ in part.said if kind == "mistake"]
    planted = len(wrong_lines)
    caught = sum(number in first_verdicts and not first_verdicts[number].ok for number in wrong_lines)
    corrections = []
    for index, event in enumerate(timeline):
        if event.type is not EventType.ACTOR_SPEECH_END:
            continue
        verdict = next((e for e in timeline[index:] if e.type is EventType.VERDICT), None)
        if verdict is not None and not verdict.ok:
            spoken = next((e for e in timeline[index:] if e.type is EventType.PROMPT_START
                           and e.kind == "correction"), None)
            if spoken is not None:
                heard = next((e for e in timeline[index:] if e.type is EventType.HEARD), None)
                # A plain tuple: it comes back from a worker process (Correction, in the parent).
                corrections.append((spoken.t - event.t + event.late_by, verdict.expected, verdict.heard,
                                    heard.ended_by if heard is not None else ""))
    return {
        "recorded_played": sum(e.voice == "recorded" for e in cues),
        "recorded_bytes": recorded_bytes,
        "corrections": corrections,
        "planted": planted,
        "caught": caught,
        "hearings": [e.hearing for e in verdicts],
        "misses": misses,
        "gaps": gaps,
        "rtf": sum(e.busy_seconds for e in live) / max(sum(e.audio_seconds for e in live), 1e-9),
        "first_cue": first_cue - started,
        "ok": sum(e.ok for e in verdicts),
        "judged": len(verdicts),
        "history_writes": history.write_seconds,
        "ahead": sum(e.ahead for e in cues),
        "cut": sum(e.cut for e in cut),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def record_cues(ear, prompter, script, script_path: Path, role: str, history, seed: int) -> dict:
    """The virtual reader reads every other part once, as `callback record-cues --actor virtual` has it."""
    from assistant.history.cues import CueBook
    from assistant.session.record_cues import Cue, RecordCuesSession

    book = CueBook(history.store, str(script_path.resolve()))
    todo = list(dict.fromkeys(line for line in script.lines if line.speaker != role and line.text.strip()))
    reading = build_runtime(ear=ear, speaker=BufferSpeaker(realtime=False), voice=prompter,
                            actor=ActorSetup(ScenePart(seed=seed), realtime=False, seed=seed))
    reading.run(RecordCuesSession([Cue(n, line) for n, line in enumerate(todo, 1)], book,
                                  names=list(script.roles()))).raise_if_failed()
    return book.recorded()


def one_session(*arguments) -> dict:
    """one_run in a process of its own, as `callback run` is: its peak memory is one session's, and its start
    includes loading the engines."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(one_run, *arguments).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--actor-noise", type=float, default=None, metavar="DBFS", help="room noise, e.g. -40")
    parser.add_argument("--modes", default="script,engine", help="script (end of line by script), engine, or both")
    parser.add_argument("--script", type=Path, default=None, help="default: the take corpus's two-hander")
    parser.add_argument("--role", default="MAYA")
    parser.add_argument("--runs", type=int, default=1, help="runs per mode, each with another seed")
    parser.add_argument("--actor-mistakes", type=float, default=0.0, metavar="SHARE",
                        help="share of lines the virtual actor gets wrong (corrections are then timed)")
    parser.add_argument("--busy", action="store_true", help="keep one core busy with another process")
    parser.add_argument("--recorded-cues", action="store_true",
                        help="cues recorded first by the virtual reader (record-cues), then played")
    args = parser.parse_args()
    if args.busy:
        burner = multiprocessing.get_context("spawn").Process(target=_burn, daemon=True)
        burner.start()
    if args.script is None:
        args.script = Path(tempfile.mkdtemp(prefix="callback-turns-")) / "scene.txt"
        args.script.write_text(take_corpus.script_text(), encoding="utf-8")

    modes = [(label, wait) for key, label, wait in (("script", "script end-of-line", False),
                                                   ("engine", "recognizer endpoint", True))
             if key in args.modes.split(",")]
    peaks: list[float] = []
    for label, wait in modes:
        gaps, rtfs, firsts, ok, judged, hearings, misses, writes = [], [], [], 0, 0, [], [], []
        ahead = cut = planted = caught = recorded_played = recorded_bytes = 0
        corrections: list[Correction] = []
        for seed in range(args.runs):
            result = one_session(args.engine, args.script, args.role, wait, seed, args.actor_noise,
                                 args.actor_mistakes, args.recorded_cues)
            recorded_played += result["recorded_played"]
            recorded_bytes = max(recorded_bytes, result["recorded_bytes"])
            corrections += [Correction(*correction) for correction in result["corrections"]]
            planted += result["planted"]
            caught += result["caught"]
            peaks.append(result["peak_mb"])
            hearings += result["hearings"]
            misses += result["misses"]
            writes += result["history_writes"]
            gaps += result["gaps"]
            rtfs.append(result["rtf"])
            firsts.append(result["first_cue"])
            ok += result["ok"]
            judged += result["judged"]
            ahead += result["ahead"]
            cut += result["cut"]
        room = f", room {args.actor_noise:g} dBFS" if args.actor_noise is not None else ", quiet room"
        print(f"\n== {label} ({args.engine}{room}, {len(gaps)} turns)")
        if gaps:
            print(f"gap actor_speech_end -> cue_start: p50 {1000 * percentile(gaps, 0.5):.0f} ms, "
                  f"p95 {1000 * percentile(gaps, 0.95):.0f} ms, max {1000 * max(gaps):.0f} ms")
        print(f"cues started ahead of the verdict {ahead} of {len(gaps)}, cut short {cut}")
        if args.recorded_cues:
            print(f"cues played from recordings {recorded_played}; the scene's recordings take "
                  f"{recorded_bytes / 1024:.0f} kB on disk")
        print(f"recognizer real-time factor {statistics.mean(rtfs):.3f}")
        if writes:
            print(f"history write per judged line: p50 {1000 * statistics.median(writes):.2f} ms, "
                  f"p95 {1000 * percentile(writes, 0.95):.2f} ms")
        print(f"start to first cue {statistics.mean(firsts):.2f} s")
        print(f"lines judged ok {ok} of {judged}; final verdict by " +
              ", ".join(f"{name} {hearings.count(name)}" for name in sorted(set(hearings))))
        for expected, heard, hearing in misses:
            print(f"  not ok: {expected!r} heard {heard!r} ({hearing})")
        if planted:
            print(f"the virtual actor's mistakes caught {caught} of {planted}")
        if corrections:
            busy = ", one core busy" if args.busy else ""
            for title, group in (("line's end -> spoken correction", corrections),
                                 ("  of lines taken for over at their end", [c for c in corrections if c.ended_by != "silence"]),
                                 ("  of lines that waited for the long silence", [c for c in corrections if c.ended_by == "silence"])):
                if group:
                    seconds = [c.seconds for c in group]
                    print(f"{title}: p50 {1000 * percentile(seconds, 0.5):.0f} ms, p95 "
                          f"{1000 * percentile(seconds, 0.95):.0f} ms, max {1000 * max(seconds):.0f} ms "
                          f"({len(group)} corrections{busy})")
            for slow in sorted(corrections, key=lambda c: -c.seconds)[:3]:
                print(f"  {1000 * slow.seconds:.0f} ms: {slow.expected!r} heard {slow.heard!r} (ended by {slow.ended_by})")
    print(f"\npeak memory (resident) of one session {max(peaks):.0f} MB")


def _burn() -> None:
    """Another process keeping a core busy, for as long as the benchmark runs."""
    while True:
        sum(i * i for i in range(100_000))


if __name__ == "__main__":
    main()
