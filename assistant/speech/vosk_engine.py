"""Vosk behind the Recognizer protocol: loading a model safely, and turning Kaldi's JSON into Transcripts.

engines.py explains the measured pitfalls this module works around.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from assistant.errors import CallbackError
from assistant.speech.toolkit import (
    Pool,
    Vocabulary,
    WholeSamples,
    no_known_words_error,
    unknown_words_notice,
)
from assistant.speech.models import VerifiedFolders, fingerprint, model_problem, supports_grammar
from assistant.speech.recognizer import Transcript, Word

SAMPLE_RATE = 16000
UNKNOWN = "[unk]"
#: Loading a large model (1-2 GB graph) in the child can take a while; a hung one must not hang us for ever.
PROBE_TIMEOUT = 300

# Runs in a child process: whatever Kaldi does to that process (raise, assert, abort) cannot reach ours.
# It loads the model, builds a recognizer and decodes a second of noise, the three places an abort was seen.
_PROBE = r"""
import random, sys
import vosk
vosk.SetLogLevel(-1)
try:
    model = vosk.Model(sys.argv[1])
    recognizer = vosk.KaldiRecognizer(model, 16000)
    rng = random.Random(0)
    noise = b"".join(max(-32768, min(32767, int(rng.gauss(0, 3000)))).to_bytes(2, "little", signed=True)
                     for _ in range(16000))
    recognizer.AcceptWaveform(bytes(3200))
    recognizer.AcceptWaveform(noise)
    recognizer.FinalResult()
except Exception as exc:
    print("ERROR", exc, file=sys.stderr)
    sys.exit(3)
print("ok")
"""


class VoskBackend:
    """One loaded Vosk model and the pool of warm KaldiRecognizers over it."""

    # A model already in memory is shared by every engine asking for the same, unchanged folder.
    _loaded: "weakref.WeakValueDictionary[tuple[str, str], VoskBackend]" = weakref.WeakValueDictionary()

    def __init__(self, path: Path, model) -> None:
        self.path = path
        self._model = model
        self._has_unknown_word = model.vosk_model_find_word(UNKNOWN) >= 0
        self._grammars = supports_grammar(path) and self._has_unknown_word
        self._pool: Pool[_Kaldi] = Pool(self._new_kaldi, tidy=lambda kaldi: kaldi.recognizer.Reset())
        self._warned: set[tuple[str, ...]] = set()

    @classmethod
    def load(cls, path: Path, notice: Callable[[str], None] | None = None) -> "VoskBackend":
        path = Path(path)
        problem = model_problem(path)
        if problem:
            raise CallbackError(
                f"the Vosk model at {path} is damaged: {problem}; download it again (`callback model download`)"
            )
        key = (str(path.resolve()), fingerprint(path))
        backend = cls._loaded.get(key)
        if backend is not None:
            return backend
        if not _VERIFIED.contains(path):
            _probe(path)
            _VERIFIED.add(path)

        import vosk

        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise CallbackError(f"Vosk could not load the model at {path} ({exc})") from None
        backend = cls(path, model)
        cls._loaded[key] = backend
        return backend

    def recognizer(self, vocabulary: Sequence[str] | None = None, notice: Callable[[str], None] | None = None):
        if vocabulary is None:
            return VoskRecognizer(self._pool, None, None)
        wanted = Vocabulary.of(vocabulary)
        kept, dropped = wanted.keeping(lambda word: self._model.vosk_model_find_word(word) >= 0)
        if kept is None:
            raise no_known_words_error("Vosk", wanted)
        if dropped and notice and wanted.entries not in self._warned:
            self._warned.add(wanted.entries)
            notice(unknown_words_notice("Vosk", dropped))
        if not self._grammars:
            # No "[unk]" to catch other speech (or no run-time grammars at all): a grammar would turn every
            # sentence into commands, so listen freely and keep only the vocabulary.
            return VoskRecognizer(self._pool, None, kept)
        grammar = json.dumps([" ".join(entry) for entry in kept.entries] + [UNKNOWN], ensure_ascii=False)
        return VoskRecognizer(self._pool, grammar, kept)

    @property
    def vocabulary_method(self) -> str:
        return "grammar with [unk]" if self._grammars else "free dictation filtered to the vocabulary"

    def _new_kaldi(self, grammar) -> "_Kaldi":
        import vosk

        if grammar is None:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        else:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar)
        recognizer.SetWords(True)
        return _Kaldi(recognizer)


@dataclass
class _Kaldi:
    """A KaldiRecognizer and the number of samples it has been fed since it was made (its clock)."""

    recognizer: object
    samples: int = 0


class VoskRecognizer:
    engine = "vosk"
    sample_rate = SAMPLE_RATE

    def __init__(self, pool: Pool[_Kaldi], grammar: str | None, vocabulary: Vocabulary | None) -> None:
        self._kaldi = pool.lend(self, grammar)
        self._vocabulary = vocabulary
        self._whole = WholeSamples()
        self._begin()

    def feed(self, pcm: bytes) -> Transcript:
        pcm = self._whole.take(pcm)
        partial: list[str] = []
        if pcm:
            self._kaldi.samples += len(pcm) // 2
            if self._kaldi.recognizer.AcceptWaveform(pcm):
                # Vosk saw the end of speech by itself; keep the segment, the utterance goes on until finish().
                words = self._words(self._kaldi.recognizer.Result())
                if words:
                    self._finalised += words
                    self._ended = True
            else:
                partial = json.loads(self._kaldi.recognizer.PartialResult()).get("partial", "").split()
                partial = [token for token in partial if token != UNKNOWN]
                if partial:
                    self._ended = False
        return self._transcript(partial, final=self._ended and not partial)

    def finish(self) -> Transcript:
        self._finalised += self._words(self._kaldi.recognizer.FinalResult())
        transcript = self._transcript([], final=True)
        self._whole.clear()
        self._begin()
        return transcript

    def reset(self) -> None:
        self._kaldi.recognizer.Reset()
        self._whole.clear()
        self._begin()

    def _begin(self) -> None:
        self._origin = self._kaldi.samples / SAMPLE_RATE
        self._finalised: list[Word] = []
        self._ended = False

    def _words(self, result_json: str) -> list[Word]:
        result = json.loads(result_json)
        words = []
        for item in result.get("result", []):
            if item.get("word") == UNKNOWN:
                continue
            words.append(
                Word(
                    text=item["word"],
                    start=max(0.0, round(float(item["start"]) - self._origin, 3)),
                    end=max(0.0, round(float(item["end"]) - self._origin, 3)),
                    confidence=float(item.get("conf", 1.0)),
                )
            )
        return words

    def _transcript(self, partial: list[str], final: bool) -> Transcript:
        words = self._finalised
        if self._vocabulary is not None:
            words = self._vocabulary.filter(words)
            partial = [partial[i] for start, end in self._vocabulary.spans(partial) for i in range(start, end)]
        text = " ".join([w.text for w in words] + partial)
        return Transcript(text, tuple(words), final=final)


def _probe(path: Path) -> None:
    """Load the model in a child process first: a model that would abort the program only kills the child."""
    try:
        child = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)],
            capture_output=True,
            timeout=PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise CallbackError(f"the Vosk model at {path} did not load within {PROBE_TIMEOUT} s") from None
    if child.returncode == 0:
        return
    # Kaldi quotes what it read in its messages: from a garbage file that is binary, not UTF-8.
    reason = _kaldi_reason(child.stderr.decode("utf-8", errors="replace"))
    how = "crashes Vosk" if child.returncode < 0 else "cannot be loaded"
    raise CallbackError(f"the Vosk model at {path} {how}: {reason}; download it again (`callback model download`)")


def _kaldi_reason(stderr: str) -> str:
    """The first line Kaldi wrote about the failure, without its source-location prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    chosen = next((line for line in lines if line.startswith(("ASSERTION_FAILED", "ERROR"))), None)
    if chosen is None:
        return lines[-1][:200] if lines else "no message"
    chosen = re.sub(r"^(ASSERTION_FAILED|ERROR)\s*(\(\S*\)\s*)?:?\s*", "", chosen)
    chosen = re.sub(r"\s+", " ", chosen).strip()
    chosen = "".join(c if c.isprintable() and c != "\ufffd" else "?" for c in chosen)
    return chosen[:200] or "no message"


_VERIFIED = VerifiedFolders("vosk-models-verified.json")


def verified(path: Path) -> bool:
    """Whether this exact model folder has already loaded fine (so `model list` can say so)."""
    return _VERIFIED.contains(path)
