"""Which cue voice each character gets, and why: natural voices of the right kind first, espeak-ng last.

The voices, by kind, in the order they are handed out:

* a man: joe (Piper), joe-low, joe-high, then espeak-ng's male timbres (espeak-m1, espeak-m3, ...)
* a woman: hibari, hibari-low, hibari-high, then espeak-ng's female timbres (espeak-f1, ...)

The -low and -high voices are the natural ones changed in pitch, formants and pace (speech/voices.py
VariedVoice): a second man is joe-low, not a woman's voice and not a robot. espeak-ng is the last resort: for
the fourth man of a scene, or when Piper's joe is not installed (then men read in espeak-ng's male timbres, never
in hibari's woman's voice).

The rule, so an actor can predict it (`callback voices` prints each reason):
1. The actor's own choice (`--voice THEO=joe`, kept per script) comes first, whatever the kind.
2. Then the characters the script shows as men or women, in order of how much they say (most first, ties by
   first appearance), so a scene's main parts get the plain natural voices and the walk-ons the variants;
   a walk-on introduced as "(40s)" or older takes the lower variant first, one under 30 the higher. Each takes the first voice of its kind not
   yet used; when all are used, the least used one (a crowd scene repeats voices rather than failing).
3. Last, a character the script does not show as a man or a woman takes the first voice not yet used, alternating
   man's and woman's, and the reason says so: a hands-free session never stops to ask. `--voice` settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec
from typing import Iterable

from assistant.errors import CallbackError
from assistant.script.casting import MAN, UNKNOWN, WOMAN, Casting
from assistant.speech.voice import Voice

#: The natural voices and their variants, by kind, in the order they are handed out.
NATURAL = {MAN: ("joe", "joe-low", "joe-high"), WOMAN: ("hibari", "hibari-low", "hibari-high")}
_BASE = {"joe": "joe", "joe-low": "joe", "joe-high": "joe", "hibari": "hibari", "hibari-low": "hibari",
         "hibari-high": "hibari"}


@dataclass(frozen=True)
class VoiceChoice:
    """A character's voice by name ("joe", "hibari-low", "espeak-m3") and why, as `callback voices` says it."""

    voice: str
    why: str


def variations():
    """The variant voices' changes. Measured on a nine-word line: joe's median pitch is 96 Hz, hibari's 207 Hz;
    a variant moves it by about a sixth, enough to tell two people apart, and keeps formants within 12 %."""
    from assistant.speech.voices import Variation

    return {
        "joe-low": Variation(formants=0.88, pitch_hz=82, duration=1.12),
        "joe-high": Variation(formants=1.06, pitch_hz=115, duration=0.96),
        "hibari-low": Variation(formants=0.94, pitch_hz=180, duration=1.06),
        "hibari-high": Variation(formants=1.05, pitch_hz=240, duration=0.96),
    }


def installed_natural() -> set[str]:
    """The natural voice names whose packages are installed (nothing is loaded)."""
    from assistant.speech.voices import joe_installed

    bases = {"joe"} if joe_installed() else set()
    if find_spec("hibari") is not None:
        bases.add("hibari")
    return {name for name, base in _BASE.items() if base in bases}


def espeak_names() -> dict[str, tuple[str, ...]]:
    """espeak-ng's installed timbres as voice names, by kind: {"man": ("espeak-m1", ...), "woman": (...)}."""
    from assistant.speech.voices import installed_timbres

    timbres = installed_timbres()
    return {MAN: tuple(f"espeak-{t}" for t in timbres if t.startswith("m")),
            WOMAN: tuple(f"espeak-{t}" for t in timbres if t.startswith("f"))}


def kind_of_voice(name: str) -> str:
    if name in NATURAL[MAN] or name.startswith("espeak-m"):
        return MAN
    if name in NATURAL[WOMAN] or name.startswith("espeak-f"):
        return WOMAN
    return UNKNOWN


def choose_voices(speech_counts: dict[str, int], casting: dict[str, Casting], chosen: dict[str, str],
                  natural: Iterable[str], espeak: dict[str, tuple[str, ...]]) -> dict[str, VoiceChoice]:
    """The module's rule. speech_counts: each character's speeches, in order of first appearance. natural: the
    natural voices installed; espeak: espeak_names()."""
    natural = set(natural)
    order = {kind: [v for v in NATURAL[kind] if v in natural] + list(espeak.get(kind, ())) for kind in (MAN, WOMAN)}
    uses: dict[str, int] = {}
    result: dict[str, VoiceChoice] = {}
    appearance = {name: index for index, name in enumerate(speech_counts)}
    for name in speech_counts:
        wanted = chosen.get(name)
        if wanted and (wanted in natural or wanted.startswith("espeak-")):
            result[name] = VoiceChoice(wanted, "your choice, kept for this script")
            uses[wanted] = uses.get(wanted, 0) + 1
    def known(name: str) -> bool:
        return casting.get(name, Casting(UNKNOWN, "")).kind in (MAN, WOMAN)

    # Characters the script shows first: a guess must never push a known man off joe onto a robot.
    rest = sorted((n for n in speech_counts if n not in result),
                  key=lambda n: (not known(n), -speech_counts[n], appearance[n]))
    for name in rest:
        casting_ = casting.get(name, Casting(UNKNOWN, "the script does not say"))
        note = f"; {chosen[name]} is not installed" if name in chosen else ""
        if casting_.kind in (MAN, WOMAN) and order[casting_.kind]:
            mine = _by_age(order[casting_.kind], casting_.age)
            voice = min(mine, key=lambda v: (uses.get(v, 0), mine.index(v)))
            age = f", {casting_.age}s" if casting_.age is not None else ""
            why = f"{casting_.kind}: {casting_.reason}{age}{note}"
        else:
            mixed = [v for pair in zip(order[MAN], order[WOMAN]) for v in pair]
            mixed += [v for v in order[MAN] + order[WOMAN] if v not in mixed]
            if not mixed:
                raise CallbackError("no voice to read the cues: install espeak-ng (apt-get install espeak-ng)")
            voice = min(mixed, key=lambda v: (uses.get(v, 0), mixed.index(v)))
            why = f"{casting_.reason}: a voice not yet used{note}"
        uses[voice] = uses.get(voice, 0) + 1
        result[name] = VoiceChoice(voice, why)
    return {name: result[name] for name in speech_counts}


def _by_age(voices: list[str], age: int | None) -> list[str]:
    """A character introduced as 40 or older takes the lower variant before the higher one, one under 30 the
    higher first; the plain natural voice still comes first (it goes to whoever of the kind says most)."""
    if age is None or 30 <= age < 40:
        return voices
    first, second = ("-low", "-high") if age >= 40 else ("-high", "-low")
    return sorted(voices, key=lambda v: 0 if "-" not in v else 1 if v.endswith(first) else 2
                  if v.endswith(second) else 3)


def known_voice(name: str) -> str:
    """The voice name as given, checked: a one-line error naming the voices there are."""
    key = name.strip().lower()
    espeak = espeak_names()
    every = [*NATURAL[MAN], *NATURAL[WOMAN], *espeak[MAN], *espeak[WOMAN]]
    if key not in every:
        raise CallbackError(f"unknown voice {name!r}; voices: {', '.join(every)}")
    if key in _BASE and key not in installed_natural():
        from assistant.speech.voices import HIBARI_MISSING, JOE_MISSING

        raise CallbackError(JOE_MISSING if _BASE[key] == "joe" else HIBARI_MISSING)
    return key


def build_voices(choices: dict[str, VoiceChoice], rate: int | None = None) -> dict[str, Voice]:
    """The Voice objects for the choices, one per voice name (characters sharing a voice share the object).
    rate: words per minute as for espeak-ng; natural voices take it as a speed relative to espeak's default."""
    built: dict[str, Voice] = {}
    voices: dict[str, Voice] = {}
    for name, choice in choices.items():
        if choice.voice not in built:
            built[choice.voice] = build_voice(choice.voice, rate)
        voices[name] = built[choice.voice]
    return voices


def build_voice(name: str, rate: int | None = None) -> Voice:
    from assistant.speech.voices import (DEFAULT_RATE, FALLBACK_ACCENT, EspeakVoice, JoeVoice, NaturalVoice,
                                         VariedVoice)

    if name.startswith("espeak-"):
        return EspeakVoice(f"{FALLBACK_ACCENT}+{name.removeprefix('espeak-')}",
                           rate=rate if rate is not None else DEFAULT_RATE, name=name)
    speed = min(2.0, max(0.5, (rate or DEFAULT_RATE) / DEFAULT_RATE))
    base = JoeVoice(speed=speed) if _BASE[name] == "joe" else NaturalVoice(speed=speed)
    if name == _BASE[name]:
        return base
    return VariedVoice(base, variations()[name], name=name)


def prompter_voice(taken: Iterable[str], rate: int | None = None) -> Voice:
    """callback's own voice (corrections, prompts, the line): espeak-ng, never a timbre a character reads in.
    espeak-ng, because what callback says is made up on the spot and espeak renders it in ~10 ms, and because
    a robot's voice is plainly not one of the characters."""
    from assistant.speech.voices import DEFAULT_RATE, EspeakVoice, assign_voice_ids, english_accents, installed_timbres

    timbres = [t for t in installed_timbres() if f"espeak-{t}" not in set(taken)] or list(installed_timbres())
    voice_id = assign_voice_ids(["CALLBACK"], timbres, english_accents())["CALLBACK"]
    return EspeakVoice(voice_id, rate=rate if rate is not None else DEFAULT_RATE, name=f"callback ({voice_id})")
