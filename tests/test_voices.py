"""Cue voices, rendered for real: espeak-ng through pyttsx3, and hibari's neural voice."""

from __future__ import annotations

import tempfile

import numpy as np
import pytest

from assistant.errors import CallbackError
from assistant.speech.voices import (
    TIMBRES,
    EspeakVoice,
    NaturalVoice,
    assign_voice_ids,
    cue_voices,
)

SHORT = "Good morning, my lord."
LONG = "Good morning, my lord. How does your honour for this many a day? I have remembrances of yours."
CAST = ["HAMLET", "OPHELIA", "POLONIUS", "GERTRUDE", "CLAUDIUS"]


def _loudness(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.fixture(scope="module")
def espeak() -> EspeakVoice:
    return EspeakVoice("en-us")


def test_espeak_renders_speech_whose_length_follows_the_text(espeak: EspeakVoice) -> None:
    short, long = espeak.render(SHORT), espeak.render(LONG)
    assert short.samples.dtype == np.int16
    assert _loudness(short.samples) > 500  # speech, not silence
    assert 0.5 < short.duration < 4.0
    assert long.duration > 2.5 * short.duration


def test_espeak_prints_nothing(espeak: EspeakVoice, capfd: pytest.CaptureFixture[str]) -> None:
    espeak.render(SHORT)
    espeak.render(LONG)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_consecutive_renders_are_independent(
    espeak: EspeakVoice, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the per-render WAVs go
    alone = espeak.render(SHORT).duration
    first = espeak.render(LONG)
    second = espeak.render(SHORT)
    assert second.duration == pytest.approx(alone, rel=0.02)  # nothing of the long line in it
    assert second.duration < first.duration / 2

    assert list(tmp_path.iterdir()) == []  # each render's WAV is gone

    # Someone else speaks on the shared engine (silently: volume 0, and aplay is usually missing anyway).
    # pyttsx3 would send that speech into the last cue's file, recreating it, unless the render made it forget.
    import pyttsx3

    engine = pyttsx3.init()
    engine.setProperty("volume", 0.0)
    engine.say("a stray line")
    engine.runAndWait()
    espeak.render(SHORT)  # waits for espeak-ng to be idle, so the stray line has certainly been written
    assert list(tmp_path.iterdir()) == []


def test_rate_changes_duration_in_the_right_direction() -> None:
    slow = EspeakVoice("en-us", rate=120).render(LONG).duration
    normal = EspeakVoice("en-us", rate=175).render(LONG).duration
    fast = EspeakVoice("en-us", rate=300).render(LONG).duration
    assert slow > 1.2 * normal > 1.2 * 1.2 * fast
    assert EspeakVoice("en-us", rate=120).render(LONG).duration == pytest.approx(slow, rel=0.02)


def test_bad_voice_settings_are_one_line_errors() -> None:
    for make in (lambda: EspeakVoice("klingon"), lambda: EspeakVoice("en-us+nosuchvariant"),
                 lambda: EspeakVoice(rate=10), lambda: NaturalVoice(speed=3.0)):
        with pytest.raises(CallbackError) as caught:
            make()
        assert "\n" not in str(caught.value)


def test_voice_ids_accept_language_codes_and_keep_the_variant() -> None:
    assert EspeakVoice("en-gb+m3").voice_id == "gmw/en+m3"
    assert EspeakVoice("gmw/en-us+f2").voice_id == "gmw/en-us+f2"


def test_characters_get_distinct_voices_stably() -> None:
    voices = cue_voices(CAST)
    ids = {name: voice.voice_id for name, voice in voices.items()}
    assert set(ids) == set(CAST)
    assert len(set(ids.values())) == len(CAST)
    assert len({voice_id.split("+")[1] for voice_id in ids.values()}) == len(CAST)  # distinct timbres first
    assert {n: v.voice_id for n, v in cue_voices(list(reversed(CAST))).items()} == ids
    assert {n: v.voice_id for n, v in cue_voices(CAST).items()} == ids

    line = "Who's there?"
    hamlet, ophelia = voices["HAMLET"].render(line), voices["OPHELIA"].render(line)
    assert hamlet.duration != ophelia.duration or not np.array_equal(hamlet.samples, ophelia.samples)


def test_cue_voices_pass_the_rate_on() -> None:
    assert all(voice.rate == 250 for voice in cue_voices(["A", "B"], rate=250).values())


def test_assignment_rule_spreads_big_casts_over_pairs() -> None:
    accents = ["gmw/en", "gmw/en-us"]
    cast = [f"Soldier {n}" for n in range(2 * len(TIMBRES))]
    ids = assign_voice_ids(cast, TIMBRES, accents)
    assert len(set(ids.values())) == len(cast)  # every (timbre, accent) pair used once
    same_name_other_spelling = assign_voice_ids(["soldier  1", "Soldier 2"], TIMBRES, accents)
    assert same_name_other_spelling["soldier  1"] == assign_voice_ids(["Soldier 1", "Soldier 2"], TIMBRES, accents)["Soldier 1"]


def test_natural_voice_renders_speech_at_24k() -> None:
    voice = NaturalVoice()
    audio = voice.render(SHORT)
    assert audio.rate == 24000
    assert _loudness(audio.samples) > 500
    assert 0.8 < audio.duration < 5.0
    assert NaturalVoice(speed=1.5).render(SHORT).duration < audio.duration
    assert audio.to_rate(16000).rate == 16000
