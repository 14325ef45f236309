"""Delivery measures on audio whose pace, level, pauses and pitch are known, and the drill's judgements.

Most tests use a synthetic "syllable train": sung "ah"s (harmonics of a known F0 contour through three
formant resonators) of known length, gaps and level, in a quiet room or one humming and hissing at -40 dBFS.
The virtual actor's deliveries are tested on it too, through a voice that sings the train; the slow tests do
the same with the natural voice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest
from scipy.signal import lfilter

from assistant.actor.delivery import OBEY, Delivery, deliver, take_in_room
from assistant.audio.pcm import SPEECH_RATE, Audio
from assistant.audio.rooms import RoomNoise, at_level, hiss
from assistant.delivery import MEASURES, DeliveryMeasures, compare, measure_delivery, same_delivery, spoken_verdict
from assistant.delivery.syllables import count_syllables, spelled_syllables, word_syllables
from assistant.speech.recognizer import Word

NOTES = [(measure, direction) for measure in MEASURES for direction in (+1, -1)]
ROOMS = [None, -40.0]  # the actor's quiet room; a fan humming and hissing 14 dB under the voice


# --- a syllable train of known delivery ------------------------------------------------------------------


def sung_ah(f0: np.ndarray) -> np.ndarray:
    """An "ah" on an F0 contour (Hz, one value per sample): harmonics up to 4 kHz through formants."""
    phase = 2 * np.pi * np.cumsum(f0) / SPEECH_RATE
    source = sum(np.sin(k * phase) / k for k in range(1, int(4000 / f0.max()) + 1))
    for formant, bandwidth in ((700, 110), (1200, 120), (2600, 160)):
        r = np.exp(-np.pi * bandwidth / SPEECH_RATE)
        source = lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * formant / SPEECH_RATE), r * r], source)
    ramp = int(0.015 * SPEECH_RATE)
    envelope = np.ones(len(f0))
    envelope[:ramp] = np.sin(np.linspace(0, np.pi / 2, ramp)) ** 2
    envelope[-ramp:] = envelope[:ramp][::-1]
    return source * envelope


def flat(hz: float = 200.0):
    return lambda index, t: np.full(len(t), hz)


def glide(semitones: float, total_seconds: float, hz: float = 200.0):
    """F0 rising steadily over the whole train's voiced time, by `semitones`."""
    return lambda index, t: hz * 2 ** (semitones * t / total_seconds / 12)


def syllable_train(lengths, gaps, f0=flat(), level: float = -26.0) -> np.ndarray:
    """Clean samples (int16 scale): syllables of the given lengths, gaps after each but the last.

    f0(index, t): the contour of syllable `index`, t in seconds of voiced time from the train's start.
    """
    pieces, voiced = [], 0.0
    for index, length in enumerate(lengths):
        t = voiced + np.arange(int(length * SPEECH_RATE)) / SPEECH_RATE
        pieces.append(sung_ah(f0(index, t)))
        voiced += length
        if index < len(gaps):
            pieces.append(np.zeros(int(gaps[index] * SPEECH_RATE)))
    return at_level(np.concatenate(pieces), level)


def recorded(clean: np.ndarray, room: float | None = None, seed: int = 0, before: float = 0.4, after: float = 0.5) -> Audio:
    """The clean train as the microphone hears it in a room, with room before and after."""
    voice = np.concatenate([np.zeros(int(before * SPEECH_RATE)), clean, np.zeros(int(after * SPEECH_RATE))])
    noise = hiss(-64.0, len(voice), seed) if room is None else RoomNoise(room, seed=seed).chunk(len(voice))
    return Audio(np.clip(voice + noise, -32768, 32767).astype(np.int16), SPEECH_RATE)


def text_of(syllables: int) -> str:
    return " ".join(["la"] * syllables)


# --- syllables ----------------------------------------------------------------------------------------


def test_syllables_come_from_the_pronouncing_dictionary_and_the_text_as_said():
    assert count_syllables("You kept the light on for me.") == 7
    assert count_syllables("Ask me again tomorrow, after I sleep for twelve hours.") == 15
    assert count_syllables("42 dollars and a broken watch.") == 10  # forty-two: numbers are said
    assert count_syllables("(taking it) Sit down.") == 2  # a stage direction is not said
    assert word_syllables("haven't") == 2 and word_syllables("everything") == 3


def test_unknown_words_fall_back_to_a_spelling_rule():
    assert word_syllables("theo") == spelled_syllables("theo") == 2
    assert [spelled_syllables(word) for word in ("maya", "kate", "elena", "zorblax")] == [2, 1, 3, 2]


# --- each measure against the truth ------------------------------------------------------------------


@pytest.mark.parametrize("room", ROOMS)
def test_articulation_rate_is_syllables_per_second_of_speaking(room):
    lengths, gaps = [0.15] * 12, [0.05] * 11
    audio = recorded(syllable_train(lengths, gaps), room)
    truth = 12 / (sum(lengths) + sum(gaps))
    measured = measure_delivery(audio, text_of(12))
    assert measured.syllables == 12
    assert measured.articulation_rate == pytest.approx(truth, rel=0.04)


@pytest.mark.parametrize("room", ROOMS)
def test_articulation_rate_leaves_pauses_out(room):
    lengths = [0.15] * 12
    steady = measure_delivery(recorded(syllable_train(lengths, [0.05] * 11), room), text_of(12))
    paused = measure_delivery(recorded(syllable_train(lengths, [0.05] * 5 + [0.5] + [0.05] * 5), room), text_of(12))
    assert paused.pause_count == 1
    assert paused.articulation_rate == pytest.approx(steady.articulation_rate, rel=0.03)


@pytest.mark.parametrize("room", ROOMS)
def test_a_faster_train_measures_faster_by_its_factor(room):
    slow = syllable_train([0.2] * 10, [0.06] * 9)
    fast = syllable_train([0.16] * 10, [0.048] * 9)  # everything 0.8 as long: 1.25 x the rate
    ratio = (measure_delivery(recorded(fast, room), text_of(10)).articulation_rate
             / measure_delivery(recorded(slow, room), text_of(10)).articulation_rate)
    assert ratio == pytest.approx(1.25, abs=0.04)


@pytest.mark.parametrize("room", ROOMS)
def test_loudness_is_the_level_of_the_voiced_frames(room):
    lengths, gaps = [0.2] * 8, [0.08] * 7
    clean = syllable_train(lengths, gaps)
    plateau = clean[int(0.05 * SPEECH_RATE) : int(0.15 * SPEECH_RATE)]  # the steady middle of the first "ah"
    truth = 20 * np.log10(np.sqrt(np.mean(plateau**2)) / 32768)
    measured = measure_delivery(recorded(clean, room), text_of(8)).loudness_db
    assert measured == pytest.approx(truth, abs=1.0)
    softer = measure_delivery(recorded(clean * 10 ** (-6 / 20), room, seed=1), text_of(8)).loudness_db
    assert measured - softer == pytest.approx(6.0, abs=0.5)


@pytest.mark.parametrize("room", ROOMS)
def test_pauses_are_the_internal_silences_of_200_ms_or_more(room):
    gaps = [0.05, 0.3, 0.05, 0.15, 0.05, 0.5, 0.05]  # two pauses; the 150 ms gap is not one
    audio = recorded(syllable_train([0.18] * 8, gaps), room, before=1.0, after=1.0)  # long lead-in and tail
    measured = measure_delivery(audio, text_of(8))
    assert measured.pause_count == 2
    assert measured.pause_seconds == pytest.approx(0.8, abs=0.05)
    (first_start, first_end), (second_start, second_end) = measured.pauses
    assert first_end - first_start == pytest.approx(0.3, abs=0.03)
    assert second_end - second_start == pytest.approx(0.5, abs=0.03)
    assert measured.speech_start == pytest.approx(1.0, abs=0.03)


def test_a_line_without_pauses_has_none():
    measured = measure_delivery(recorded(syllable_train([0.18] * 8, [0.06] * 7)), text_of(8))
    assert (measured.pause_count, measured.pause_seconds, measured.pauses) == (0, 0.0, ())


@pytest.mark.parametrize("room", ROOMS)
def test_pitch_range_is_the_10th_to_90th_percentile_in_semitones(room):
    lengths, gaps = [0.18] * 10, [0.06] * 9
    for semitones in (6.0, 12.0):
        clean = syllable_train(lengths, gaps, glide(semitones, sum(lengths)))
        measured = measure_delivery(recorded(clean, room), text_of(10))
        # F0 uniform in semitones over the voiced time: its 10th to 90th percentiles span 80 % of the glide.
        assert measured.pitch_range_st == pytest.approx(0.8 * semitones, abs=0.5)
        assert measured.pitch_median_hz == pytest.approx(200 * 2 ** (semitones / 2 / 12), rel=0.03)
    monotone = measure_delivery(recorded(syllable_train(lengths, gaps, flat(220.0)), room), text_of(10))
    assert monotone.pitch_range_st < 0.5


def test_pitch_range_holds_for_a_low_voice():
    lengths, gaps = [0.18] * 10, [0.06] * 9
    clean = syllable_train(lengths, gaps, glide(8.0, sum(lengths), hz=95.0))
    measured = measure_delivery(recorded(clean, -40.0), text_of(10))
    assert measured.pitch_range_st == pytest.approx(6.4, abs=0.5)


def test_the_recognizers_words_leave_out_what_was_said_before_the_line():
    # "Sorry" (two syllables), 0.7 s of silence, then the eight-syllable line.
    clean = syllable_train([0.18, 0.18] + [0.18] * 8, [0.05, 0.7] + [0.05] * 7)
    audio = recorded(clean, before=0.4)
    line_start = 0.4 + 0.18 * 2 + 0.05 + 0.7
    words = [Word("la", line_start + 0.23 * k, line_start + 0.23 * k + 0.18) for k in range(8)]
    with_words = measure_delivery(audio, text_of(8), words)
    without = measure_delivery(audio, text_of(8))
    assert with_words.speech_start == pytest.approx(line_start, abs=0.03) and with_words.pause_count == 0
    assert without.speech_start == pytest.approx(0.4, abs=0.03) and without.pause_count == 1


def test_a_take_of_nothing_but_the_room_has_no_delivery():
    with pytest.raises(ValueError, match="no speech"):
        measure_delivery(recorded(np.zeros(SPEECH_RATE), -40.0), "Anything at all.")


def test_every_raw_measure_is_kept():
    data = measure_delivery(recorded(syllable_train([0.18] * 8, [0.05, 0.4] + [0.05] * 5)), text_of(8)).to_dict()
    for key in ("articulation_rate", "loudness_db", "pause_count", "pause_seconds", "pitch_range_st",
                "speaking_seconds", "syllables", "pitch_p10_hz", "pitch_p90_hz", "room_db", "pauses", "silences"):
        assert key in data
    assert data["pauses"] and isinstance(data["pauses"][0], list)


# --- compare, same_delivery, spoken_verdict ------------------------------------------------------------


def measures(rate=5.0, loudness=-26.0, pitch=6.0, silences=(), speaking=2.0) -> DeliveryMeasures:
    """A take's measures by hand. silences: (seconds of speaking before it, its length) pairs."""
    placed, clock, spoken = [], 0.5, 0.0
    for said_before, length in silences:
        clock += said_before - spoken
        spoken = said_before
        placed.append((clock, clock + length))
        clock += length
    pauses = tuple(p for p in placed if p[1] - p[0] >= 0.2)
    return DeliveryMeasures(
        articulation_rate=rate, loudness_db=loudness, pause_count=len(pauses),
        pause_seconds=round(sum(end - start for start, end in pauses), 3), pitch_range_st=pitch,
        speaking_seconds=speaking, syllables=int(rate * speaking), speech_start=0.5,
        speech_end=clock + speaking - spoken, pauses=pauses, silences=tuple(placed),
    )


def test_rate_changes_past_eight_percent_in_the_asked_direction():
    before = measures(rate=5.0)
    assert compare(before, measures(rate=5.5), "articulation_rate", +1).changed
    assert not compare(before, measures(rate=5.3), "articulation_rate", +1).changed  # 6 %: within the noise
    assert compare(before, measures(rate=4.6), "articulation_rate", -1).changed  # 5 / 4.6 = 1.087
    wrong_way = compare(before, measures(rate=4.5), "articulation_rate", +1)
    assert not wrong_way.changed and wrong_way.moved == -1
    assert compare(before, measures(rate=5.5), "articulation_rate", +1).amount == pytest.approx(0.10)


def test_loudness_and_pitch_range_thresholds():
    before = measures(loudness=-26.0, pitch=6.0)
    assert compare(before, measures(loudness=-23.9), "loudness", +1).changed
    assert not compare(before, measures(loudness=-24.5), "loudness", +1).changed
    assert compare(before, measures(loudness=-29.0), "loudness", -1).changed
    assert compare(before, measures(pitch=8.1), "pitch_range", +1).changed
    assert not compare(before, measures(pitch=7.5), "pitch_range", +1).changed
    assert compare(before, measures(pitch=3.5), "pitch_range", -1).changed
    assert not compare(before, measures(pitch=None), "pitch_range", -1).changed


def test_asking_for_any_change_takes_either_direction():
    before = measures(rate=5.0)
    assert compare(before, measures(rate=6.0), "articulation_rate", 0).changed
    assert compare(before, measures(rate=4.0), "articulation_rate", 0).changed
    assert not compare(before, measures(rate=5.1), "articulation_rate", 0).changed


def test_a_new_pause_is_more_pauses():
    before = measures(silences=[(1.0, 0.12)])
    after = measures(silences=[(0.6, 0.45), (1.0, 0.12)])
    change = compare(before, after, "pauses", +1)
    assert change.changed and change.pauses_added == 1 and change.amount == pytest.approx(0.45)


def test_a_pause_cut_where_a_gap_already_was_is_new():
    # Masked by a room, a word juncture measures 160 ms; the actor's new pause there is still a new pause.
    assert compare(measures(silences=[(1.0, 0.16)]), measures(silences=[(1.0, 0.5)]), "pauses", +1).changed


def test_a_gap_hovering_around_200_ms_is_not_a_new_pause():
    before = measures(silences=[(1.0, 0.19)])
    after = measures(silences=[(1.0, 0.21)])
    assert after.pause_count == before.pause_count + 1
    assert not compare(before, after, "pauses", +1).changed
    assert not compare(after, before, "pauses", -1).changed
    assert same_delivery(before, after)


def test_longer_pauses_alone_are_not_more_pauses():
    before = measures(silences=[(1.0, 0.3)])
    after = measures(silences=[(1.0, 0.8)])
    assert not compare(before, after, "pauses", +1).changed


def test_fewer_pauses_needs_one_gone_and_a_fifth_less_pause_time():
    before = measures(silences=[(0.6, 0.3), (1.2, 0.6)])
    assert compare(before, measures(silences=[(0.6, 0.3)]), "pauses", -1).changed
    assert compare(before, measures(), "pauses", -1).changed  # all gone
    assert not compare(before, measures(silences=[(0.6, 0.3), (1.2, 0.55)]), "pauses", -1).changed
    assert not compare(measures(), measures(), "pauses", -1).changed  # nothing to lose


def test_only_a_clear_pause_can_be_lost():
    hovering = measures(silences=[(1.0, 0.22)])
    assert hovering.pause_count == 1 and hovering.clear_pause_count == 0
    assert not compare(hovering, measures(), "pauses", -1).changed
    assert measures(silences=[(0.6, 0.3), (1.2, 0.6)]).clear_pause_count == 2


def test_same_delivery_is_within_every_threshold():
    take = measures(rate=5.0, loudness=-26.0, pitch=6.0, silences=[(1.0, 0.3)])
    near = measures(rate=5.2, loudness=-25.0, pitch=7.0, silences=[(1.02, 0.33)])
    assert same_delivery(take, near)
    assert not same_delivery(take, replace(near, loudness_db=-23.5))
    assert not same_delivery(take, replace(near, pitch_range_st=3.5))
    assert not same_delivery(take, measures(rate=5.6, pitch=6.0, silences=[(1.0, 0.3)]))


def test_spoken_verdicts():
    before = measures(rate=5.0, loudness=-26.0, pitch=6.0, silences=[(1.0, 0.3)])
    assert spoken_verdict(compare(before, measures(rate=5.9), "articulation_rate", +1)) == "Eighteen percent faster. Good."
    assert spoken_verdict(compare(before, measures(rate=5.1), "articulation_rate", +1)) == "Same pace as before. Push it further."
    assert spoken_verdict(compare(before, measures(loudness=-23.0), "loudness", +1)) == "Three decibels louder. Good."
    assert spoken_verdict(compare(before, measures(loudness=-29.0), "loudness", +1)) == (
        "That was three decibels softer. The note was louder.")
    assert spoken_verdict(compare(before, measures(pitch=3.0), "pitch_range", -1)) == "Three semitones less range. Good."
    more = measures(silences=[(0.5, 0.4), (1.0, 0.3)])
    assert spoken_verdict(compare(before, more, "pauses", +1)) == "One more pause. Good."
    assert spoken_verdict(compare(before, measures(), "pauses", -1)) == "No pauses left. Good."
    assert spoken_verdict(compare(before, measures(pitch=None), "pitch_range", +1)).startswith("I could not hear")
    assert spoken_verdict(compare(before, before, "loudness", 0)) == "Same level as before. Try something different."


# --- the virtual actor's deliveries --------------------------------------------------------------------


@dataclass
class SyllableTrainVoice:
    """A voice that sings the line: one "ah" per syllable, a break at each comma, a tune of ~8 semitones."""

    name: str = "syllable train"

    def render(self, text: str) -> Audio:
        lengths, gaps = [], []
        for phrase in text.split(","):
            count = count_syllables(phrase)
            lengths += [0.17] * count
            gaps += [0.05] * (count - 1) + [0.3]
        tune = lambda index, t: 190 * 2 ** ((4 * np.sin(index * 1.7) + 3 * np.sin(12 * t)) / 12)  # noqa: E731
        return Audio(syllable_train(lengths, gaps[: len(lengths) - 1], tune).astype(np.int16), SPEECH_RATE)


LINE = "Ask me again tomorrow, after I sleep for twelve hours."


def _takes(voice, line, note, room):
    plain = measure_delivery(take_in_room(deliver(voice, line, Delivery(), seed=1), room, seed=1), line)
    obeyed = measure_delivery(take_in_room(deliver(voice, line, OBEY[note], seed=2), room, seed=2), line)
    again = measure_delivery(take_in_room(deliver(voice, line, Delivery(), seed=3), room, seed=3), line)
    return plain, obeyed, again


@pytest.mark.parametrize("note", NOTES, ids=[f"{m}{d:+d}" for m, d in NOTES])
def test_an_obedient_actor_changes_the_measure_asked(note):
    plain, obeyed, again = _takes(SyllableTrainVoice(), LINE, note, None)
    assert compare(plain, obeyed, *note).changed, (plain, obeyed)
    assert not compare(plain, again, *note).changed
    assert not same_delivery(plain, obeyed)


def test_a_plain_retake_is_the_same_delivery_but_not_the_same_audio():
    voice = SyllableTrainVoice()
    first, second = deliver(voice, LINE, seed=1), deliver(voice, LINE, seed=2)
    assert not np.array_equal(first.samples, second.samples)  # a real actor never says it twice alike
    assert same_delivery(measure_delivery(take_in_room(first, seed=1), LINE), measure_delivery(take_in_room(second, seed=2), LINE))


def test_deliveries_do_what_they_say():
    voice = SyllableTrainVoice()

    def take(delivery: Delivery) -> DeliveryMeasures:  # the same seed: the same scatter, only the note differs
        return measure_delivery(take_in_room(deliver(voice, LINE, delivery, seed=5), seed=5), LINE)

    plain, faster, louder = take(Delivery()), take(Delivery(pace=1.25)), take(Delivery(loudness_db=6.0))
    wider, paused, unpaused = take(Delivery(pitch_range=1.5)), take(Delivery(pause_seconds=0.4)), take(Delivery(pause_seconds=-1.0))
    assert faster.articulation_rate / plain.articulation_rate == pytest.approx(1.25, abs=0.05)
    assert louder.loudness_db - plain.loudness_db == pytest.approx(6.0, abs=0.3)
    assert wider.pitch_range_st / plain.pitch_range_st == pytest.approx(1.5, abs=0.15)
    assert plain.pause_count == 1 and unpaused.pause_count == 0
    assert paused.pause_count >= 2  # the comma's break lengthened and a new one cut into the long phrase
    assert paused.pause_seconds >= plain.pause_seconds + 0.75


# --- the same with the natural voice -----------------------------------------------------------------


@pytest.fixture(scope="module")
def natural_voice():
    from assistant.speech.voices import NaturalVoice

    return NaturalVoice()


@pytest.mark.slow
@pytest.mark.parametrize("room", ROOMS, ids=["quiet", "room-40"])
@pytest.mark.parametrize("note", NOTES, ids=[f"{m}{d:+d}" for m, d in NOTES])
def test_the_natural_voice_obeys_every_note(natural_voice, note, room):
    plain, obeyed, again = _takes(natural_voice, LINE, note, room)
    assert compare(plain, obeyed, *note).changed, (plain, obeyed)
    assert not compare(plain, again, *note).changed, (plain, again)


@pytest.mark.slow
@pytest.mark.parametrize("room", ROOMS, ids=["quiet", "room-40"])
def test_natural_voice_retakes_are_the_same_delivery(natural_voice, room):
    line = "We lost the man in room nine. I keep thinking I missed something."
    takes = [measure_delivery(take_in_room(deliver(natural_voice, line, seed=seed), room, seed=seed), line) for seed in (1, 2, 3)]
    assert same_delivery(takes[0], takes[1]) and same_delivery(takes[0], takes[2]) and same_delivery(takes[1], takes[2])
