"""Pieces every engine uses: a pool of slow-to-make decoders, a whole-utterance sample buffer, a command
vocabulary, and the notices about words an engine does not know. Engines import from here; the engine
factory (engines.py) imports the engines, so nothing imports in a circle."""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Callable, Generic, Hashable, Sequence, TypeVar

from assistant.errors import CallbackError
from assistant.speech.recognizer import Word


T = TypeVar("T")


class Pool(Generic[T]):
    """Idle engine objects that are slow to make or to warm up, lent to one recognizer at a time.

    A recognizer borrows with `lend(owner, key)`; the object comes back by itself when the owner is garbage
    collected, so callers never have to close a recognizer.
    """

    def __init__(self, make: Callable[[Hashable], T], tidy: Callable[[T], None] | None = None):
        self._make = make
        self._tidy = tidy or (lambda item: None)
        self._idle: dict[Hashable, list[T]] = {}
        self._lock = threading.Lock()

    def lend(self, owner: object, key: Hashable = None) -> T:
        with self._lock:
            idle = self._idle.get(key)
            item = idle.pop() if idle else None
        if item is None:
            item = self._make(key)
        finalizer = weakref.finalize(owner, self.put, item, key)
        finalizer.atexit = False
        return item

    def put(self, item: T, key: Hashable = None) -> None:
        """Add an idle object (one made ahead of time, or one whose borrower has gone)."""
        try:
            self._tidy(item)
        except Exception:  # a broken object is simply not reused
            return
        with self._lock:
            self._idle.setdefault(key, []).append(item)


class WholeSamples:
    """Keeps a dangling byte until its pair arrives, so engines only ever see whole 16-bit samples."""

    def __init__(self) -> None:
        self._odd = b""

    def take(self, pcm: bytes) -> bytes:
        pcm = self._odd + bytes(pcm)
        if len(pcm) % 2:
            self._odd, pcm = pcm[-1:], pcm[:-1]
        else:
            self._odd = b""
        return pcm

    def clear(self) -> None:
        self._odd = b""


@dataclass(frozen=True)
class Vocabulary:
    """Command words and phrases, normalised the way engines spell words (lower case, letters and apostrophes)."""

    entries: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, phrases: Sequence[str]) -> "Vocabulary":
        if isinstance(phrases, str):
            phrases = [phrases]
        entries = []
        for phrase in phrases:
            if str(phrase).strip().lower() in ("[unk]", "<unk>"):
                continue  # the engines add their own catch-all where they have one
            words = tuple(re.findall(r"[\w']+", str(phrase).lower().replace("_", " ")))
            words = tuple(w.strip("'") for w in words if w.strip("'"))
            if words and words not in entries:
                entries.append(words)
        if not entries:
            raise CallbackError("the command vocabulary is empty: give at least one word")
        return cls(tuple(entries))

    @property
    def words(self) -> set[str]:
        return {word for entry in self.entries for word in entry}

    def keeping(self, known: Callable[[str], bool]) -> tuple["Vocabulary | None", list[str]]:
        """The entries whose every word the model knows, and the phrases dropped."""
        kept = [entry for entry in self.entries if all(known(word) for word in entry)]
        dropped = [" ".join(entry) for entry in self.entries if entry not in kept]
        return (Vocabulary(tuple(kept)) if kept else None), dropped

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Where entries occur in a word sequence, left to right, longest entry first: [(start, end), ...]."""
        by_length = sorted(self.entries, key=len, reverse=True)
        found = []
        i = 0
        while i < len(words):
            for entry in by_length:
                if tuple(words[i : i + len(entry)]) == entry:
                    found.append((i, i + len(entry)))
                    i += len(entry)
                    break
            else:
                i += 1
        return found

    def filter(self, words: Sequence[Word]) -> list[Word]:
        """Only the words that make up vocabulary entries; everything else is dropped."""
        texts = [w.text.lower() for w in words]
        return [w for start, end in self.spans(texts) for w in words[start:end]]


def unknown_words_notice(engine: str, dropped: Sequence[str]) -> str:
    listed = ", ".join(repr(d) for d in dropped)
    return f"{engine} cannot hear {listed}: not in its model's vocabulary"


def no_known_words_error(engine: str, vocabulary: Vocabulary) -> CallbackError:
    listed = ", ".join(" ".join(entry) for entry in vocabulary.entries)
    return CallbackError(f"{engine} knows none of the command words ({listed}): its model's vocabulary lacks them all")
