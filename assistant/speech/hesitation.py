"""Was that an "uh", or a word? A second opinion from PocketSphinx, for the one question Whisper answers worst.

Whisper was trained on transcripts that leave hesitations out, so it seldom writes an actor's "uh": it
drops it, or spells it as a short word that fits the sentence ("I keep thinking now I missed something",
"That doesn't all make it easier", "We lost the old man"). The line check forgives a filler and not an
added word, so a right line said with an "uh" was rejected, or, where such spellings were forgiven as a
list ("all", "of", "up"...), a real added "all" was accepted (measured on the take corpus: 22 of 264
lines with a short word slipped in were accepted that way).

Whisper cannot settle it: forced to read "uh" at that spot it gives the token a probability near zero
whatever was said. PocketSphinx has no such bias when it is given a grammar: here it chooses, on the same
audio, between the line with a hesitation (uh, um, ah) at that spot and the line with Whisper's words
there, or each short word it added said as a word, the rest of the line held as written. Only a
hesitation it positively chooses forgives the words; choosing neither counts for nothing. Measured on the
take corpus (two voices, eleven rooms, 528 takes), among takes whose Whisper reading had short words the
line lacks: it chose a hesitation for 41 of 81 takes said with an "uh" and for 2 of 251 takes with a short
word added (a lowered "until Friday just to fix", "the keys are all on" after a breath; both then failed
the clear fit the line check asks for next, so none was accepted). What it cannot hear is an "uh" run into
the word before it so that both ears hear a word ("thinking-uh" as "thinking now").

It hears the whole recording, cleaned the way grading cleans it for PocketSphinx: the room around the
speech is what the denoiser learns the room from (given only the speech Whisper heard, it had just the
0.2 s of padding either side to learn from, and the referee chose a hesitation for 36 of those 81, not 41).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

from assistant.audio.denoise import clean_speech
from assistant.audio.pcm import Audio
from assistant.linecheck.lexicon import FILLERS
from assistant.linecheck.numbers import spell_out_numbers
from assistant.speech.activity import Region

#: What PocketSphinx may choose for a hesitation. Not "er": its ER matched the end of "ever" ("Don't you dare
#: ever walk out" was taken for "Don't you dare, er, walk out").
HESITATIONS = ("uh", "um", "ah")
#: Words the reading has beyond the line's, at one spot, that may be one hesitation misheard: at most this
#: many, each at most this long ("off", "all", "now", "I'm"); a longer word is a word ("really").
MOST_WORDS = 2
MOST_LETTERS = 4
#: Silence either side of the speech, so the decoder settles in and closes the last word.
PADDING_SECONDS = 0.3


@dataclass(frozen=True)
class Spot:
    """Where the reading has words the line lacks: the line's words before, at and after it, and the reading's."""

    before: tuple[str, ...]
    line: tuple[str, ...]  # the line's own words at the spot (none where the reading only adds)
    heard: tuple[str, ...]
    after: tuple[str, ...]


def spoken_words(text: str) -> list[str]:
    """Words as a pronouncing dictionary has them: lower case, numbers spelled out, contractions kept."""
    bare = (re.sub(r"[^\w']", "", piece) for piece in re.split(r"[\s\-]+", spell_out_numbers(text).lower()))
    return [word for word in bare if word]


def spots(expected: str, heard: str) -> list[Spot] | None:
    """Every place the reading has more words than the line; None when one of them cannot be a hesitation
    (too many words, a long one), [] when there is none. The reading's own fillers are not counted."""
    said = spoken_words(expected)
    got = [w for w in spoken_words(heard) if w not in FILLERS]  # the line check forgives these itself
    found = []
    for _, a0, a1, b0, b1 in SequenceMatcher(a=said, b=got, autojunk=False).get_opcodes():
        surplus = (b1 - b0) - (a1 - a0)
        if surplus <= 0:
            continue
        extra = sorted(got[b0:b1], key=len)[:surplus]
        if surplus > MOST_WORDS or any(len(w) > MOST_LETTERS for w in extra):
            return None
        found.append(Spot(tuple(said[:a0]), tuple(said[a0:a1]), tuple(got[b0:b1]), tuple(said[a1:])))
    return found


class HesitationReferee:
    """Asks PocketSphinx, spot by spot, whether the reading's extra words were a hesitation."""

    def __init__(self) -> None:
        # PocketSphinx loads on the first question, not before: most lines never raise one.
        self._backend = None
        self._decoder = None
        self._lock = threading.Lock()

    def forgives(self, recording: Audio, regions: Sequence[Region], expected: str, heard: str) -> bool:
        """Whether every spot where the reading has more words than the line was a hesitation (False when
        there is no such spot). `regions` are where the speech detector found speech in `recording` (16 kHz):
        the room tone around them is what the denoiser learns the room from, so the whole recording is
        wanted, not only its speech."""
        found = spots(expected, heard)
        if not found or not regions:
            return False
        speech = clean_speech(recording, regions, PADDING_SECONDS).pcm()
        return all(self._hesitation(speech, spot) for spot in found)

    def _hesitation(self, speech: bytes, spot: Spot) -> bool:
        words = set(spot.before + spot.line + spot.heard + spot.after)
        with self._lock:
            backend, decoder = self._loaded()
        if not all(backend.pronunciations(w) for w in words):
            return False  # a word the dictionary lacks cannot be weighed fairly
        line = " ".join(spot.line)
        # The short words the reading has beyond the line's, each offered as a word really said: "you dare
        # ever" must be weighed against "you dare, uh", not only Whisper's "be there ever".
        added = sorted({w for w in spot.heard if w not in spot.line and len(w) <= MOST_LETTERS})
        choices = [f"( {' '.join(spot.heard)} )"]
        for filler in ("<hesitation>",) + (("<word>",) if added else ()):
            choices += [f"( {filler} {line} )", f"( {line} {filler} )"] if line else [filler]
        # Each kind of alternative is one rule (any of three hesitations, any of the added words): a close call
        # is not tilted toward forgiving by the number of ways to hesitate.
        grammar = (
            "#JSGF V1.0;\ngrammar hesitation;\n"
            f"public <line> = {' '.join(spot.before)} [ {' | '.join(dict.fromkeys(choices))} ] "
            f"{' '.join(spot.after)};\n"
            f"<hesitation> = {' | '.join(HESITATIONS)};\n"
            + (f"<word> = {' | '.join(added)};\n" if added else "")
        )
        with self._lock:
            decoder.add_jsgf_string("hesitation", grammar)
            decoder.activate_search("hesitation")
            decoder.start_utt()
            decoder.process_raw(speech, False, True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
        chosen = hypothesis.hypstr.split() if hypothesis is not None else []
        return any(word in HESITATIONS for word in chosen)

    def _loaded(self):
        """(the shared PocketSphinx backend, for its dictionary; a decoder of this referee's own)."""
        if self._decoder is None:
            from pocketsphinx import Decoder

            from assistant.speech.sphinx_engine import SphinxBackend

            self._backend = SphinxBackend.load()
            self._decoder = Decoder(loglevel="FATAL", samprate=16000, lm=None)  # a grammar only: 90 MB less
        return self._backend, self._decoder
