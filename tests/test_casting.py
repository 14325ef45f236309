"""Who is a man and who a woman in a script, and which voice each character gets: the rules, without synthesis."""

from __future__ import annotations

from assistant.script import load_script
from assistant.script.casting import MAN, UNKNOWN, WOMAN, cast
from assistant.speech.voice_choice import choose_voices

SCENE = """INT. FERRY TERMINAL - NIGHT

JONAS (20s) leans on the rail. He has not slept.

ELENA (40s) checks her phone, then pockets it.

MARCO (20s) runs in, OTTO (60s) behind him.

JONAS hands ELENA his ticket.

JONAS
You came.

ELENA
(she hesitates)
I said I would. I told him I would.

MARA
(to him)
Boarding in five.

PIP
Tickets!

MARCO
Wait for me!

OTTO
And you are?
"""

ESPEAK = {MAN: ("espeak-m1", "espeak-m3", "espeak-m2"), WOMAN: ("espeak-f1", "espeak-f2")}
EVERY_NATURAL = {"joe", "joe-low", "joe-high", "hibari", "hibari-low", "hibari-high"}


def _script(tmp_path):
    path = tmp_path / "ferry.fountain"
    path.write_text(SCENE, encoding="utf-8")
    return load_script(str(path))


def test_the_script_says_who_is_a_man_and_who_a_woman_and_why(tmp_path) -> None:
    kinds = cast(_script(tmp_path))
    assert (kinds["JONAS"].kind, kinds["JONAS"].reason) == (MAN, "'he' in action lines")
    assert kinds["ELENA"].kind == WOMAN and "action lines" in kinds["ELENA"].reason
    # "(to him)" is about whoever MARA speaks to, and her dialogue is never read: MARA stays unknown.
    assert kinds["MARA"].kind == UNKNOWN
    assert kinds["PIP"].kind == UNKNOWN
    assert (kinds["OTTO"].kind, kinds["OTTO"].reason) == (MAN, "the name Otto is usually a man's")


def test_each_character_gets_a_natural_voice_of_its_kind_and_a_guess_says_so(tmp_path) -> None:
    script = _script(tmp_path)
    chosen = choose_voices(script.roles(), cast(script), {}, EVERY_NATURAL, ESPEAK)
    assert chosen["JONAS"].voice == "joe" and chosen["ELENA"].voice == "hibari"
    # More men: joe's variants, not a woman's voice or a robot; the older the lower.
    assert (chosen["MARCO"].voice, chosen["OTTO"].voice) == ("joe-high", "joe-low")
    assert chosen["OTTO"].why == "man: the name Otto is usually a man's, 60s"
    assert chosen["JONAS"].why == "man: 'he' in action lines, 20s"
    guessed = [chosen["MARA"], chosen["PIP"]]
    assert all(choice.why.endswith("a voice not yet used") for choice in guessed)
    assert len({choice.voice for choice in chosen.values()}) == len(chosen)  # six characters, six voices


def test_without_joe_men_read_in_espeak_never_in_a_womans_voice(tmp_path) -> None:
    script = _script(tmp_path)
    hibari_only = {"hibari", "hibari-low", "hibari-high"}
    chosen = choose_voices(script.roles(), cast(script), {}, hibari_only, ESPEAK)
    assert {chosen[man].voice for man in ("JONAS", "MARCO", "OTTO")} == {"espeak-m1", "espeak-m3", "espeak-m2"}
    assert chosen["ELENA"].voice == "hibari"


def test_the_actors_choice_comes_first(tmp_path) -> None:
    script = _script(tmp_path)
    chosen = choose_voices(script.roles(), cast(script), {"JONAS": "hibari-low"}, EVERY_NATURAL, ESPEAK)
    assert chosen["JONAS"].voice == "hibari-low" and "your choice" in chosen["JONAS"].why
    assert chosen["ELENA"].voice == "hibari"
    assert chosen["MARCO"].voice == "joe"  # joe is free again
