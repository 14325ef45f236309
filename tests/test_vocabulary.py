"""The script's words a recognizer is told of in advance (script/vocabulary.py, whisper_engine.Hints)."""

from __future__ import annotations

from assistant.script import load_script
from assistant.script.vocabulary import hint_words, proper_nouns
from assistant.speech.whisper_engine import HOTWORDS_MOST, Hints


def test_proper_nouns_are_capitalised_words_inside_a_sentence_but_not_days_or_i():
    texts = ["Tell Phil I said so.", "We drove to Whittemore on Tuesday. Then I slept.",
             "(She glances at Marguerite.)", "Nobody came."]
    assert proper_nouns(texts) == ("Phil", "Whittemore", "Marguerite")


def test_hotwords_are_the_names_then_proper_nouns_then_rare_words_only(tmp_path):
    script = tmp_path / "scene.txt"
    script.write_text("THEO: Tell Phil the tintinnabulation stopped.\nMAYA: The light is on for you.\n")
    hints = Hints(("THEO", "MAYA"), (), hint_words(load_script(script)))
    # A stand-in tokenizer: long words are cut into many pieces, as Whisper's cuts rare ones.
    pieces = lambda word: 1 + len(word) // 5  # noqa: E731
    assert hints.hotwords(pieces) == "Theo, Maya, Phil, tintinnabulation"
    assert "light" not in hints.hotwords(pieces) and "Tell" not in hints.hotwords(pieces)


def test_hotwords_are_capped():
    hints = Hints(("THEO",), (), tuple(f"Name{i}" for i in range(100)))
    assert len(hints.hotwords().split(", ")) == HOTWORDS_MOST
