"""PocketSphinx behind the Recognizer protocol: the built-in fallback when no Vosk model is installed.

engines.py explains why a vocabulary is recognized by a grammar that proposes and free dictation that confirms.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import weakref
from dataclasses import dataclass, field, replace
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
from assistant.speech.recognizer import Transcript, Word

SAMPLE_RATE = 16000
FRAMES_PER_SECOND = 100
#: How many next-best readings a final transcript carries (the line check looks at the first ten).
ALTERNATIVES = 10
#: A proposed command stands if dictation heard a word that differs in less than this share of its phones
#: (0.5 let "get" confirm "again" when vowel swaps cost a full phone; see engines.py for the measurements).
SOUNDS_ALIKE = 0.5

#: How wide the decoder searches. PocketSphinx's defaults (up to 30000 HMMs a frame, and a second "fwdflat"
#: pass when an utterance ends) cost 0.73 of real time on noisy takes and 335 ms to close an utterance on
#: this project's 2-core machines: in a humming room the streaming hearing fell behind the actor, and every
#: turn waited for it. Capped, it runs at about 0.2 of real time and closes in ~15 ms (measured on 18 takes,
#: -40 dBFS hum and quiet); what the narrower search mishears, the strong hearing hears again. Grading, where
#: nobody waits, keeps the full search: graded alone by PocketSphinx (no Whisper), 108 corpus takes were
#: right 79.6 % of the time at 0.83 of real time with it, and 75.9 % at 0.25 with the cap.
SEARCH = {"maxhmmpf": 3000, "maxwpf": 5, "fwdflat": False}

#: In a partial, only dictation words that ended at least this long (10 ms frames) before the audio so far count.
SETTLING_FRAMES = 25

# Fillers, and the "(NULL)" entries a grammar search puts in its partial segmentations.
_FILLER = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+.*\+|<.*>|\(NULL\))$")
_ALTERNATE = re.compile(r"\(\d+\)$")


class SphinxBackend:
    """PocketSphinx's built-in US-English model, shared by every engine in the process, and its decoders."""

    _shared: "weakref.ref[SphinxBackend] | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        import pocketsphinx

        self.model_path = Path(pocketsphinx.get_model_path())
        # Decoders are pooled by whether they search thoroughly (grading) or within SEARCH (live).
        self._pool: Pool[_Decoder] = Pool(lambda thorough: self._new_decoder(bool(thorough)),
                                          tidy=lambda decoder: decoder.stop())
        self._lexicon = self._new_decoder()  # also proves the model loads
        self._pool.put(self._lexicon, False)
        self._pronunciations: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._warned: set[tuple[tuple[str, ...], ...]] = set()

    @classmethod
    def load(cls) -> "SphinxBackend":
        with cls._lock:
            backend = cls._shared() if cls._shared else None
            if backend is None:
                backend = cls()
                cls._shared = weakref.ref(backend)
            return backend

    def _new_decoder(self, thorough: bool = False) -> "_Decoder":
        from pocketsphinx import Decoder

        try:
            return _Decoder(Decoder(loglevel="FATAL", samprate=SAMPLE_RATE, **({} if thorough else SEARCH)))
        except (RuntimeError, ValueError, OSError) as exc:
            raise CallbackError(f"PocketSphinx could not load its built-in model at {self.model_path} ({exc})") from None

    def recognizer(self, vocabulary: Sequence[str] | None = None, notice: Callable[[str], None] | None = None,
                   thorough: bool = False):
        if vocabulary is None:
            return SphinxRecognizer(self, None, thorough)
        wanted = Vocabulary.of(vocabulary)
        kept, dropped = wanted.keeping(lambda word: bool(self.pronunciations(word)))
        if kept is None:
            raise no_known_words_error("PocketSphinx", wanted)
        if dropped and notice and wanted.entries not in self._warned:
            self._warned.add(wanted.entries)
            notice(unknown_words_notice("PocketSphinx", dropped))
        return SphinxRecognizer(self, _Grammar.of(kept), thorough)

    def lend(self, owner: object, thorough: bool = False) -> "_Decoder":
        return self._pool.lend(owner, thorough)

    def pronunciations(self, word: str) -> tuple[tuple[str, ...], ...]:
        """Every pronunciation the dictionary has for a word ("again", "again(2)", ...), as phone tuples."""
        base = _ALTERNATE.sub("", word)
        if base not in self._pronunciations:
            found = []
            variant = base
            while True:
                phones = self._lexicon.decoder.lookup_word(variant)
                if not phones:
                    break
                found.append(tuple(phones.split()))
                variant = f"{base}({len(found) + 1})"
            self._pronunciations[base] = tuple(found)
        return self._pronunciations[base]

    def sounds_alike(self, command: str, heard: str) -> bool:
        """Whether a word dictation heard is close enough in sound to confirm a proposed command word."""
        if _ALTERNATE.sub("", command) == _ALTERNATE.sub("", heard):
            return True
        heard_phones = self._lexicon.decoder.lookup_word(heard)
        heard_forms = [tuple(heard_phones.split())] if heard_phones else list(self.pronunciations(heard))
        return any(
            _edit_distance(said, meant) < SOUNDS_ALIKE * max(len(said), len(meant))
            for meant in self.pronunciations(command)
            for said in heard_forms
        )


@dataclass(frozen=True)
class _Grammar:
    vocabulary: Vocabulary
    name: str
    jsgf: str

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> "_Grammar":
        alternatives = " | ".join(" ".join(entry) for entry in vocabulary.entries)
        jsgf = (
            "#JSGF V1.0;\ngrammar commands;\n"
            f"public <commands> = <command>+;\n<command> = {alternatives};\n"
        )
        name = "vocabulary-" + hashlib.sha1(jsgf.encode()).hexdigest()[:12]
        return cls(vocabulary, name, jsgf)


@dataclass
class _Decoder:
    """A PocketSphinx decoder, the grammars already added to it, and whether an utterance is open."""

    decoder: object
    searches: set[str] = field(default_factory=set)
    listening: bool = False
    initial_mean: str = ""  # the model's cepstral mean, before any audio adapted it
    running: list = field(default_factory=list)  # the running segmentation as the utterance ended
    ended: list | None = None  # the final one (None while an utterance is open)

    def __post_init__(self) -> None:
        self.initial_mean = self.decoder.get_cmn()

    def fresh(self) -> None:
        """Forget the previous borrower's room: its level and microphone colour the mean the decoder adapts."""
        self.decoder.set_cmn(self.initial_mean)

    def prepare(self, grammar: _Grammar) -> None:
        """Compile the grammar now, so a problem shows when the recognizer is made, not mid-scene."""
        if grammar.name in self.searches:
            return
        try:
            self.decoder.add_jsgf_string(grammar.name, grammar.jsgf)
        except (RuntimeError, ValueError) as exc:
            phrases = ", ".join(" ".join(entry) for entry in grammar.vocabulary.entries)
            raise CallbackError(f"PocketSphinx cannot build a grammar of {phrases} ({exc})") from None
        self.searches.add(grammar.name)

    def start(self, grammar: _Grammar | None) -> None:
        if grammar is None:
            self.decoder.activate_search()  # the default search: free dictation with the built-in LM
        else:
            self.prepare(grammar)
            self.decoder.activate_search(grammar.name)
        self.decoder.start_utt()
        self.listening = True
        self.ended = None

    def feed(self, pcm: bytes) -> None:
        self.decoder.process_raw(pcm, False, False)

    def frames(self) -> int:
        return self.decoder.n_frames()

    def stop(self) -> None:
        if self.listening:
            self.listening = False
            # With the capped search (SEARCH) the decoder sometimes ends an utterance with no path reaching its
            # end, and so no final reading at all, although its running one was right ("you kept the light on
            # for me" -> nothing); the running reading is kept for that case.
            self.running = self._segments()
            self.decoder.end_utt()
            self.ended = self._segments()

    def alternatives(self, best: str, limit: int = ALTERNATIVES) -> tuple[str, ...]:
        """The lattice's next-best readings of the utterance just ended, best first, without repeats."""
        seen, found = {best}, []
        for hypothesis in itertools.islice(self.decoder.nbest() or (), limit * 3):
            if hypothesis is None:  # the N-best iterator ends on None when no path reached the end (a voice at
                break               # -53 dBFS in a quiet room, the check's virtual actor): no more readings
            text = " ".join(
                _ALTERNATE.sub("", word) for word in hypothesis.hypstr.split() if not _FILLER.match(word)
            )
            if text and text not in seen:
                seen.add(text)
                found.append(text)
                if len(found) == limit:
                    break
        return tuple(found)

    def segments(self) -> list["_Segment"]:
        if not self.listening and self.ended is not None:
            return self.ended or self.running
        return self._segments()

    def _segments(self) -> list["_Segment"]:
        found = []
        for seg in self.decoder.seg() or ():
            if _FILLER.match(seg.word):
                continue
            found.append(_Segment(seg.word, seg.start_frame, seg.end_frame, seg.prob))
        return found


@dataclass(frozen=True)
class _Segment:
    raw: str  # as the decoder spelled it, "to(3)"
    start_frame: int
    end_frame: int  # inclusive
    probability: float

    @property
    def text(self) -> str:
        return _ALTERNATE.sub("", self.raw)

    def overlaps(self, other: "_Segment") -> bool:
        return self.start_frame <= other.end_frame and other.start_frame <= self.end_frame

    def word(self) -> Word:
        return Word(
            text=self.text,
            start=self.start_frame / FRAMES_PER_SECOND,
            end=(self.end_frame + 1) / FRAMES_PER_SECOND,
            confidence=min(1.0, max(0.0, float(self.probability))),
        )


class SphinxRecognizer:
    """Free dictation, or a vocabulary: a grammar decoder proposes, a dictation decoder on the same audio confirms.

    Its voice-activity endpointer marks a transcript final when speech gives way to silence (see SpeechEnd).
    """

    engine = "pocketsphinx"
    sample_rate = SAMPLE_RATE

    def __init__(self, backend: SphinxBackend, grammar: _Grammar | None, thorough: bool = False) -> None:
        self._backend = backend
        self._grammar = grammar
        self._listener = backend.lend(self, thorough)
        self._dictation = backend.lend(self, thorough) if grammar else None
        for decoder in self._decoders():
            decoder.fresh()
        if grammar:
            self._listener.prepare(grammar)
        self._whole = WholeSamples()
        self._endpoint = SpeechEnd()

    def _decoders(self) -> list[_Decoder]:
        return [self._listener] + ([self._dictation] if self._dictation else [])

    def feed(self, pcm: bytes) -> Transcript:
        pcm = self._whole.take(pcm)
        if pcm:
            if not self._listener.listening:
                self._listener.start(self._grammar)
                if self._dictation:
                    self._dictation.start(None)
            for decoder in self._decoders():
                decoder.feed(pcm)
        ended = self._endpoint.feed(pcm) if pcm else False
        return self._transcript(final=False, ended=ended)

    def finish(self) -> Transcript:
        self._endpoint = SpeechEnd()
        heard_anything = self._listener.listening
        for decoder in self._decoders():
            decoder.stop()
        # After end_utt, seg() still shows the previous utterance: an utterance without audio must come back empty.
        transcript = self._transcript(final=True) if heard_anything else Transcript("", (), final=True)
        if heard_anything and self._grammar is None and transcript.text:
            transcript = replace(transcript, alternatives=self._listener.alternatives(transcript.text))
        self._whole.clear()
        return transcript

    def reset(self) -> None:
        for decoder in self._decoders():
            decoder.stop()
        self._whole.clear()
        self._endpoint = SpeechEnd()

    def _transcript(self, final: bool, ended: bool = False) -> Transcript:
        if not final and not self._listener.listening:
            return Transcript("", (), final=False)
        words = self._heard(final)
        return Transcript(" ".join(w.text for w in words), tuple(words), final=final or ended)

    def _heard(self, final: bool) -> list[Word]:
        proposed = self._listener.segments()
        if self._grammar is None:
            return [segment.word() for segment in proposed]
        heard = self._dictation.segments()
        if not final:
            # A word still being spoken cannot confirm anything yet: mid-way through "not", dictation says "now",
            # which would confirm "no" for a moment.
            settled = self._dictation.frames() - SETTLING_FRAMES
            heard = [segment for segment in heard if segment.end_frame < settled]
        vocabulary = self._grammar.vocabulary
        accepted: list[list[_Segment]] = []
        # The grammar proposes; a proposal stands when dictation heard something that sounds like it.
        for start, end in vocabulary.spans([segment.text for segment in proposed]):
            entry = proposed[start:end]
            if all(self._confirmed(segment, heard) for segment in entry):
                accepted.append(entry)
        # Dictation, with the whole English language to choose from, hearing a vocabulary phrase word for word is
        # evidence enough on its own (the grammar sometimes proposes "yeah" for "yep", or "i am" for "no").
        for start, end in vocabulary.spans([segment.text for segment in heard]):
            entry = heard[start:end]
            if not any(a.overlaps(b) for a in entry for taken in accepted for b in taken):
                accepted.append(entry)
        accepted.sort(key=lambda entry: entry[0].start_frame)
        return [segment.word() for entry in accepted for segment in entry]

    def _confirmed(self, proposed: _Segment, heard: list[_Segment]) -> bool:
        return any(proposed.overlaps(h) and self._backend.sounds_alike(proposed.raw, h.raw) for h in heard)


_VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())


def _edit_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """Phone edit distance; swapping one vowel for another costs half (accents and synthesis blur vowels most)."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate(a, 1):
        current = [float(i)]
        for j, y in enumerate(b, 1):
            swap = 0.0 if x == y else 0.5 if x in _VOWELS and y in _VOWELS else 1.0
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + swap))
        previous = current
    return previous[-1]


class SpeechEnd:
    """PocketSphinx's own endpointer (voice activity over a 0.3 s window): says when speech has just ended.

    The decoder has no endpoint of its own, so a transcript is marked final at the moment this sees speech
    give way to silence, which is what "waiting for the recognizer's endpoint" means for this engine.
    """

    def __init__(self) -> None:
        from pocketsphinx import Endpointer

        self._endpointer = Endpointer(sample_rate=SAMPLE_RATE)
        self._pending = b""
        self._was_speech = False

    def feed(self, pcm: bytes) -> bool:
        self._pending += pcm
        size = self._endpointer.frame_bytes
        ended = False
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            self._endpointer.process(frame)
            speech = self._endpointer.in_speech
            ended = ended or (self._was_speech and not speech)
            self._was_speech = speech
        return ended
