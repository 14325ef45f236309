"""Every test, and every callback it starts, keeps its practice history in a folder of its own: never in the
developer's data folder, never shared between tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_history(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBACK_HOME", str(tmp_path / "callback-home"))


# The scene a rehearsal test plays (scene_helpers.rehearse): one of each per test module, as loading them costs
# seconds. A module that needs other voices defines its own `voices`.
@pytest.fixture(scope="module")
def engine():
    """The default setup: PocketSphinx follows the actor, Whisper hears again what it rejects."""
    from assistant.speech.hearing import open_ear

    return open_ear("auto", names=("MAYA", "THEO"))


@pytest.fixture(scope="module")
def actor_voice():
    """The virtual actor's voice: a natural one (espeak's defeats recognizers)."""
    from assistant.speech.voices import NaturalVoice

    return NaturalVoice()


@pytest.fixture(scope="module")
def voices():
    """(THEO's cue voice, callback's own voice)."""
    from assistant.speech.voices import cue_voices

    chosen = cue_voices(["THEO", "CALLBACK"])
    return {"THEO": chosen["THEO"]}, chosen["CALLBACK"]
