"""Generate a corpus of natural-voice takes with known right answers, for the grading tests and benchmark.

Every take is one of the role's lines spoken by hibari's neural voice (espeak's robotic voice defeats
recognizers, so it cannot stand in for an actor), either as written or with a mistake an actor makes.
Nothing here is committed as audio: run it to make the files.

    python scripts/take_corpus.py OUT_DIR [--lines N] [--kinds exact,swapped,...]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROLE = "MAYA"

# Each line as the script has it, then the variants an actor might deliver.
# Keys: contracted/expanded (same words, other form: must pass), dropped/swapped/paraphrase (must miss).
LINES: list[dict[str, str]] = [
    {
        "text": "I haven't slept since Tuesday.",
        "expanded": "I have not slept since Tuesday.",
        "dropped": "I haven't slept.",
        "swapped": "I haven't slept since Thursday.",
        "paraphrase": "I've been awake since Tuesday.",
    },
    {
        "text": "You kept the light on for me.",
        "dropped": "You kept the light on.",
        "swapped": "You left the light on for me.",
        "paraphrase": "You waited up for me.",
    },
    {
        "text": "We lost the man in room nine.",
        "dropped": "We lost the man in the room.",
        "swapped": "We lost the man in room five.",
        "paraphrase": "The patient in room nine died.",
    },
    {
        "text": "I keep thinking I missed something.",
        "dropped": "I keep thinking I missed.",
        "swapped": "I keep thinking I forgot something.",
        "paraphrase": "I can't stop feeling I overlooked something.",
    },
    {
        "text": "That doesn't make it easier.",
        "expanded": "That does not make it easier.",
        "dropped": "That doesn't make it.",
        "swapped": "That doesn't make it harder.",
        "paraphrase": "It is still just as hard.",
    },
    {
        "text": "Ask me again tomorrow, after I sleep for twelve hours.",
        "dropped": "Ask me again tomorrow, after I sleep for hours.",
        "swapped": "Ask me again tomorrow, after I sleep for ten hours.",
        "paraphrase": "Talk to me tomorrow once I have slept.",
    },
    {
        "text": "Tell me the truth, Theo, did you call her?",
        "dropped": "Tell me the truth, did you call her?",
        "swapped": "Tell me the truth, Theo, did you see her?",
        "paraphrase": "Be honest with me, did you phone her?",
    },
    {
        "text": "We have until Friday to fix the roof.",
        "dropped": "We have until Friday to fix it.",
        "swapped": "We have until Monday to fix the roof.",
        "paraphrase": "The roof has to be repaired by Friday.",
    },
    {
        "text": "42 dollars and a broken watch.",
        "spoken": "Forty-two dollars and a broken watch.",
        "dropped": "Forty-two dollars and a watch.",
        "swapped": "Forty-two dollars and a broken phone.",
        "paraphrase": "Some cash and a watch that does not work.",
    },
    {
        "text": "I'll call back tomorrow, I promise.",
        "expanded": "I will call back tomorrow, I promise.",
        "dropped": "I'll call back, I promise.",
        "swapped": "I'll call back tonight, I promise.",
        "paraphrase": "I promise to ring you tomorrow.",
    },
    {
        "text": "Don't you dare walk out that door.",
        "dropped": "Don't you walk out that door.",
        "swapped": "Don't you dare walk out that window.",
        "paraphrase": "Stay right here with me.",
    },
    {
        "text": "The keys are on the table by the window.",
        "dropped": "The keys are on the table.",
        "swapped": "The keys are on the chair by the window.",
        "paraphrase": "Your keys are next to the window.",
    },
]

# The other character's cues, so the corpus script looks like a real two-hander.
CUES = [
    "You look exhausted.",
    "Somebody had to.",
    "What happened up there?",
    "You did everything you could.",
    "It never gets easier.",
    "When can we talk about it?",
    "Why are you looking at me like that?",
    "How long do we have?",
    "What did they leave behind?",
    "Will you call me?",
    "I'm leaving.",
    "Where did I put my keys?",
]

# What each kind of take should get at the default strictness.
KIND_PASSES = {
    "exact": True,
    "slow": True,
    "fast": True,
    "fillers": True,
    "expanded": True,
    "noisy_48k_stereo": True,
    "dropped": False,
    "swapped": False,
    "paraphrase": False,
    "wrong_line": False,
}
ALL_KINDS = list(KIND_PASSES)


@dataclass(frozen=True)
class Take:
    id: str
    file: str
    line: int  # 1-based among the role's lines
    expected: str
    spoken: str
    kind: str
    should_pass: bool


def script_text() -> str:
    rows = ["# A two-hander for grading takes: MAYA is graded, THEO gives cues.", "", "== INT. KITCHEN - NIGHT", ""]
    for cue, line in zip(CUES, LINES):
        rows.append(f"THEO: {cue}")
        rows.append(f"{ROLE}: {line['text']}")
    return "\n".join(rows) + "\n"


def with_fillers(text: str) -> str:
    words = text.split()
    middle = len(words) // 2
    return " ".join(["Um,"] + words[:middle] + ["uh,"] + words[middle:])


def plan(lines: int | None = None, kinds: list[str] | None = None) -> list[tuple[int, str, str]]:
    """(line number, kind, text to speak) for every take, in a stable order."""
    chosen = LINES[:lines] if lines else LINES
    takes = []
    for index, line in enumerate(chosen):
        said = line.get("spoken", line["text"])
        texts = {
            "exact": said,
            "slow": said,
            "fast": said,
            "fillers": with_fillers(said),
            "expanded": line.get("expanded"),
            "noisy_48k_stereo": said,
            "dropped": line["dropped"],
            "swapped": line["swapped"],
            "paraphrase": line["paraphrase"],
            "wrong_line": LINES[(index + 3) % len(LINES)].get("spoken", LINES[(index + 3) % len(LINES)]["text"]),
        }
        for kind in kinds or ALL_KINDS:
            if texts.get(kind):
                takes.append((index + 1, kind, texts[kind]))
    return takes


def render_take(tts, text: str, kind: str, seed: int):
    """Speak a take and dress it as that kind of recording: pace, room noise, sample rate, channels."""
    from assistant.audio.pcm import Audio

    speed = {"slow": 0.8, "fast": 1.25}.get(kind, 1.0)
    voice = np.asarray(tts(text, speed=speed, seed=seed), dtype=np.float32)
    rate = 24000
    if kind != "noisy_48k_stereo":
        return Audio.from_float(voice, rate), 1

    rng = np.random.default_rng(seed)
    lead, tail = np.zeros(int(0.8 * rate), np.float32), np.zeros(int(1.0 * rate), np.float32)
    padded = np.concatenate([lead, voice, tail])
    # Room noise about 30 dB under the voice: a fan or traffic, not a second speaker.
    level = float(np.sqrt(np.mean(voice**2))) * 10 ** (-30 / 20)
    noisy = padded + rng.normal(0.0, level, padded.shape).astype(np.float32)
    mono48 = Audio.from_float(noisy, rate).to_rate(48000)
    return mono48, 2


def write_take(audio, channels: int, path: Path) -> None:
    import soundfile

    samples = audio.samples.astype(np.float32) / 32767
    if channels == 2:
        samples = np.stack([samples, samples * 0.9], axis=1)
    soundfile.write(str(path), samples, audio.rate, subtype="PCM_16")


def build(out_dir: Path, lines: int | None = None, kinds: list[str] | None = None) -> tuple[Path, list[Take]]:
    """Write the script, the takes and manifest.json into out_dir; return the script path and the takes."""
    from hibari import Hibari

    out_dir.mkdir(parents=True, exist_ok=True)
    script_path = out_dir / "takes_script.txt"
    script_path.write_text(script_text(), encoding="utf-8")
    tts = Hibari()
    takes = []
    for seed, (number, kind, text) in enumerate(plan(lines, kinds)):
        take_id = f"line{number:02d}-{kind}"
        audio, channels = render_take(tts, text, kind, seed)
        write_take(audio, channels, out_dir / f"{take_id}.wav")
        takes.append(
            Take(take_id, f"{take_id}.wav", number, LINES[number - 1]["text"], text, kind, KIND_PASSES[kind])
        )
    (out_dir / "manifest.json").write_text(json.dumps([asdict(t) for t in takes], indent=1), encoding="utf-8")
    return script_path, takes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=None, help="only the first N lines")
    parser.add_argument("--kinds", default=None, help="comma-separated kinds: " + ",".join(ALL_KINDS))
    args = parser.parse_args()
    kinds = args.kinds.split(",") if args.kinds else None
    _, takes = build(args.out_dir, args.lines, kinds)
    print(f"{len(takes)} takes written to {args.out_dir}")


if __name__ == "__main__":
    main()
