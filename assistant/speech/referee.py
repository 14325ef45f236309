"""A second opinion from PocketSphinx, on the same audio, about the spots where Whisper's reading and the line
differ: was a word Whisper did not write really said there, and was an extra word of Whisper's an "uh"?

Was the line's word said? Whisper's reading is the strongest evidence of what was said, and where it lacks a
word of the line, or has another in its place, only the audio can say the actor said the line's word after
all. Whisper's own fit of the line cannot: it scores a predictable word the audio does not hold highly ("and
you it" for "and you know it", "me the cues" for "give me the cues" both fitted, and were passed). So
PocketSphinx, a hearing that did not write the reading, is given a grammar that holds the rest of the line as
written and offers, at the spot, the line's words or Whisper's (nothing, for a dropped word), and chooses on
the acoustics alone: a JSGF grammar has no language model, and its word insertion penalty leans toward the
shorter choice, so a dropped word has to be heard to be put back (`holds`).

Was that an "uh", or a word? (`hesitated`)

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

from rapidfuzz.distance import Levenshtein

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
    """Where the reading and the line differ: the line's words before, at and after it, and the reading's."""

    before: tuple[str, ...]
    line: tuple[str, ...]  # the line's own words at the spot (none where the reading only adds)
    heard: tuple[str, ...]  # the reading's (none where it dropped the line's)
    after: tuple[str, ...]
    at: int = 0  # where the reading's words start among reading_words(reading)

    @property
    def adds(self) -> bool:
        """The reading has more words here than the line: perhaps an "uh" written as a word."""
        return len(self.heard) > len(self.line)


def differences(expected: str, heard: str) -> list[Spot]:
    """Every spot where the reading's spoken words differ from the line's (fillers aside), in line order."""
    said = spoken_words(expected)
    got = reading_words(heard)
    spots = []
    for tag, a0, a1, b0, b1 in SequenceMatcher(a=said, b=got, autojunk=False).get_opcodes():
        if tag != "equal":
            n0, n1, m0, m1 = _narrowed(said, got, a0, a1, b0, b1)
            # What was taken off the spot is held as the reading writes it: that is how it was said.
            before, after = said[:a0] + got[b0:m0], got[m1:b1] + said[a1:]
            spots.append(Spot(tuple(before), tuple(said[n0:n1]), tuple(got[m0:m1]), tuple(after), m0))
    return spots


def _narrowed(said: list[str], got: list[str], a0: int, a1: int, b0: int, b1: int) -> tuple[int, int, int, int]:
    """A spot without the line's words at its edges that the reading only writes another way: "haven't slept"
    read as "have not what" is a question about "slept" alone. Asked about the whole, PocketSphinx had to
    choose between "haven't slept" and "have not what" for an actor who said "have not slept", and chose
    neither well (take corpus, joe's "expanded" takes in a fan and on the phone). Only a line's word written
    out in the reading is taken off; the other way round ("I would" read as "I'd") is a question of its own
    (verdict.contraction), and a spot is never narrowed to nothing."""
    from assistant.linecheck import normalise_words

    def same(line_word: str, reading: list[str]) -> bool:
        return len(reading) > 1 and normalise_words(line_word) == normalise_words(" ".join(reading))

    while a1 - a0 > 1 and b1 - b0 > 2:
        run = next((n for n in (2, 3) if b0 + n < b1 and same(said[a0], got[b0 : b0 + n])), None)
        if run is None:
            break
        a0, b0 = a0 + 1, b0 + run
    while a1 - a0 > 1 and b1 - b0 > 2:
        run = next((n for n in (2, 3) if b1 - n > b0 and same(said[a1 - 1], got[b1 - n : b1])), None)
        if run is None:
            break
        a1, b1 = a1 - 1, b1 - run
    return a0, a1, b0, b1


def reading_words(heard: str) -> list[str]:
    """A reading's spoken words, its fillers left out (the line check forgives those itself)."""
    return [w for w in spoken_words(heard) if w not in FILLERS]


def put_right(words: Sequence[str], changes: Sequence[tuple[Spot, Sequence[str]]]) -> list[str]:
    """reading_words(reading) with other words at some of its spots (found by differences on that reading)."""
    fixed = list(words)
    for spot, instead in sorted(changes, key=lambda change: change[0].at, reverse=True):
        fixed[spot.at : spot.at + len(spot.heard)] = instead
    return fixed


def spoken_words(text: str) -> list[str]:
    """Words as a pronouncing dictionary has them: lower case, numbers spelled out, contractions kept."""
    bare = (re.sub(r"[^\w']", "", piece) for piece in re.split(r"[\s\-]+", spell_out_numbers(text).lower()))
    return [word for word in bare if word]


class Referee:
    """Asks PocketSphinx, spot by spot, whether the line's words were said there, or an "uh" was."""

    def __init__(self) -> None:
        # PocketSphinx loads on the first question, not before: most lines never raise one.
        self._backend = None
        self._decoder = None
        self._lock = threading.Lock()

    def on(self, recording: Audio, regions: Sequence[Region]) -> "Hearing":
        """Questions about one recording (16 kHz). `regions` are where the speech detector found speech in it:
        the room tone around them is what the denoiser learns the room from, so the whole recording is
        wanted, not only its speech. The cleaning is done once, on the first question."""
        return Hearing(self, recording, tuple(regions))

    def holds(self, speech: bytes, spot: Spot) -> bool:
        """Whether PocketSphinx, offered the line's words or the reading's at `spot` (nothing, where the
        reading dropped them), the rest of the line held as written, chooses the line's. False when a word is
        not in its dictionary: it cannot be weighed.

        Measured on six lines the verdict was not tuned on, every word but the articles left out in turn, two
        voices, six rooms (quiet, -40 dBFS hiss and hum, lowered, fast, reverberant): of 456 words left out
        inside a line it chose none; of the same words said, it chose 425. At a line's edges it is no judge:
        it chose 16 of 72 last words left out, stretching them over the silence after the line, and a first
        word left out over the room before it (assistant/verdict.py does not ask it there)."""
        if not spot.line:
            return False
        if not self._weighable(spot):
            return False
        said = " ".join(spot.line)
        choice = f"( {said} | {' '.join(spot.heard)} )" if spot.heard else f"[ {said} ]"
        grammar = (
            "#JSGF V1.0;\ngrammar held;\n"
            f"public <line> = {' '.join(spot.before)} {choice} {' '.join(spot.after)};\n"
        )
        chosen = [_ALTERNATE.sub("", word) for word in self._decode(speech, "held", grammar)]
        return chosen == list(spot.before + spot.line + spot.after)

    def sounds_alike(self, spot: Spot) -> bool:
        """Whether the reading's words at `spot` sound like the line's, one phone apart at most, in some
        pronunciation the dictionary gives ("route" / "roof", "miss" / "missed"): what a recognizer cannot
        be sure to tell apart. A dropped word never does."""
        if not spot.line or not spot.heard:
            return False
        with self._lock:
            backend, _ = self._loaded()
        said, heard = _phones(backend, spot.line), _phones(backend, spot.heard)
        return any(Levenshtein.distance(a, b) <= 1 for a in said for b in heard)

    def hesitated(self, speech: bytes, spot: Spot) -> bool:
        if not self._weighable(spot):
            return False
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
        return any(word in HESITATIONS for word in self._decode(speech, "hesitation", grammar))

    def _weighable(self, spot: Spot) -> bool:
        """Every word around and at the spot is in the dictionary: one it lacks cannot be weighed fairly."""
        with self._lock:
            backend, _ = self._loaded()
        return all(backend.pronunciations(w) for w in set(spot.before + spot.line + spot.heard + spot.after))

    def _decode(self, speech: bytes, name: str, grammar: str) -> list[str]:
        with self._lock:
            _, decoder = self._loaded()
            decoder.add_jsgf_string(name, grammar)
            decoder.activate_search(name)
            decoder.start_utt()
            decoder.process_raw(speech, False, True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
        return hypothesis.hypstr.split() if hypothesis is not None else []

    def _loaded(self):
        """(the shared PocketSphinx backend, for its dictionary; a decoder of this referee's own)."""
        if self._decoder is None:
            from pocketsphinx import Decoder

            from assistant.speech.sphinx_engine import SphinxBackend

            self._backend = SphinxBackend.load()
            self._decoder = Decoder(loglevel="FATAL", samprate=16000, lm=None)  # a grammar only: 90 MB less
        return self._backend, self._decoder


_ALTERNATE = re.compile(r"\(\d+\)$")


def _phones(backend, words: Sequence[str]) -> list[tuple[str, ...]]:
    """Every way the dictionary says `words` in a row, as one phone sequence each ([] if one is unknown)."""
    found: list[tuple[str, ...]] = [()]
    for word in words:
        forms = backend.pronunciations(word)
        found = [so_far + form for so_far in found for form in forms][:16]
    return found


class Hearing:
    """The referee's questions about one recording (Referee.on)."""

    def __init__(self, referee: Referee, recording: Audio, regions: tuple[Region, ...]) -> None:
        self._referee = referee
        self._recording = recording
        self._regions = regions
        self._speech: bytes | None = None

    def _cleaned(self) -> bytes:
        if self._speech is None:
            self._speech = clean_speech(self._recording, self._regions, PADDING_SECONDS).pcm()
        return self._speech

    def holds(self, spot: Spot) -> bool:
        return bool(self._regions) and self._referee.holds(self._cleaned(), spot)

    def sounds_alike(self, spot: Spot) -> bool:
        return self._referee.sounds_alike(spot)

    def hesitated(self, spot: Spot) -> bool:
        return bool(self._regions) and self._referee.hesitated(self._cleaned(), spot)
