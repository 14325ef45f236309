"""Why a line was passed: the one place a verdict is made from what the hearings found.

The evidence: each hearing's free reading of the actor's delivery (the streaming engine's best reading and its
n-best list; Whisper's reading), Whisper's fit of the line to the same audio, and PocketSphinx asked, spot by
spot, what the audio holds (speech/referee.py). The verdict is one of three (linecheck/judge.py says how words
are compared and counted): "ok" (word perfect, up to what a recognizer cannot tell apart), "slip" (only small
words differ: the line counts as said, and the actor is told what was off) and "missed".

The rules, in the order they are applied; each is a function below, with what it was measured on.

1. `as_heard`: the strongest reading is judged as it stands. What Whisper wrote is the best evidence there is
   of what was said.
2. A spot where that reading differs from the line may still be the recognizer's slip, not the actor's, but
   only on evidence from the audio, never from a language model's sense of what comes next (and a spot the
   line check forgives may hide the actor's slip, so the audio is asked about that too):
   - `word_held`: a word the reading lacks, or has another in place of, is put back only when PocketSphinx,
     offered the line's words or the reading's at that spot, chooses the line's, and Whisper's fit of the
     line agrees (clearly, where the reading's word looks nothing like the line's);
   - `hesitation`: a short word the reading has beyond the line is taken for an actor's "uh" when the line
     with an "uh" there fits the audio, or PocketSphinx hears a hesitation there and the line fits clearly.
3. `from_alternatives`: with no second hearing, the streaming engine's n-best list may stand in for the best
   reading only where the two differ word for word (a word heard as another: "miss" for "missed"); a word its
   best reading left out is not put back by a lower-ranked guess.

Whatever no rule forgives is judged by the line check on the reading with the forgiven spots put right; the
verdict's `heard` is always what the hearing wrote, and `forgiven` says which rule passed what.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from typing import Sequence

import jellyfish

from assistant.linecheck import Issue, Strictness, Verdict, check_line
from assistant.linecheck.lexicon import FILLERS, FUNCTION_WORDS
from assistant.speech.referee import (MOST_LETTERS, MOST_WORDS, Hearing, Spot, differences, put_right,
                                      reading_words, spoken_words)
from assistant.speech.whisper_engine import Judged

#: How far down the streaming engine's n-best list a line may be found. Measured on natural-voice takes with
#: PocketSphinx: right lines turned up at ranks 1 to 6 when the best reading slipped ("miss" for "missed",
#: "a" for "I"); dropped, swapped and paraphrased lines never turned up in the top 200.
ALTERNATIVES_CONSIDERED = 10
#: A word the reading has in place of the line's "could be misheard" when it is this alike in Jaro-Winkler
#: similarity (measured: "miss"/"missed" 0.93, "left"/"slept" 0.78; "depicts"/"fix" 0.0 -- an added "really"
#: heard as "really depicts" for "really to fix" had fitted the line).
MISHEARD_SIMILARITY = 0.7

_RANK = {"ok": 0, "slip": 1, "missed": 2}


def judge_reading(expected: str, reading: str, alternatives: Sequence[str] = (), strictness: Strictness = "default",
                  names: Sequence[str] = (), final: bool = True) -> Verdict:
    """A streaming engine's verdict. `final`: no stronger hearing will judge again, so its n-best list may
    help (`from_alternatives`); otherwise only a word-perfect best reading stands on its own."""
    verdict = as_heard(expected, reading, strictness, names)
    if verdict.word_perfect or not final:
        return verdict
    return from_alternatives(verdict, alternatives, strictness, names)


def judge_strong(expected: str, judged: Judged, hearing: Hearing | None, strictness: Strictness = "default",
                 names: Sequence[str] = ()) -> Verdict:
    """Whisper's verdict: its reading, with each spot that differs from the line settled by the audio
    (`word_held`, `hesitation`). `hearing` is the referee's, bound to the same recording (None: no
    second opinion can be had, so nothing is forgiven that needs one)."""
    reading = judged.text
    verdict = as_heard(expected, reading, strictness, names)
    if not reading or judged.fit is None:
        return verdict
    changes: list[tuple[Spot, tuple[str, ...]]] = []  # spots of the reading, and the words the audio holds there
    because: list[str] = []
    contracted: list[Spot] = []
    spots = differences(expected, reading)
    for spot in spots:
        found = contraction(spot, hearing)
        if found is not None and found[0] == "dropped":
            changes.append((spot, found[1]))
            because.append(f"contraction: '{spot.heard[0]}' not in the audio, only '{found[1][0]}'")
        elif found is not None:
            contracted.append(spot)
    if not verdict.word_perfect:
        for spot in _mattering(verdict, spots, strictness, names):
            rule = hesitation if spot.adds else word_held
            if rule(spot, judged, hearing):
                changes.append((spot, spot.line))
                because.append(f"{rule.__name__}: '{' '.join(spot.heard)}' for '{' '.join(spot.line)}'")
    put = verdict
    if changes:
        put = replace(check_line(expected, " ".join(put_right(reading_words(reading), changes)), strictness, names),
                      heard=reading, forgiven=tuple(because))
    return _at_best_a_slip(put, contracted, strictness) if contracted else put


def _at_best_a_slip(verdict: Verdict, contracted: Sequence[Spot], strictness: Strictness) -> Verdict:
    """A line said with an auxiliary contracted that the script writes out is not word perfect (rule 2c)."""
    if verdict.result != "ok" or strictness == "lenient":
        return verdict
    issues = tuple(Issue("substituted", " ".join(spot.line), spot.heard[0], content=False, words=len(spot.line),
                         before=spot.before[-1] if spot.before else "", after=spot.after[0] if spot.after else "")
                   for spot in contracted)
    return replace(verdict, result="missed" if strictness == "strict" else "slip", issues=verdict.issues + issues,
                   substituted=verdict.substituted + tuple((i.expected, i.heard) for i in issues))


def as_heard(expected: str, reading: str, strictness: Strictness = "default", names: Sequence[str] = ()) -> Verdict:
    """Rule 1: the line check on the reading as the hearing wrote it."""
    return check_line(expected, reading, strictness, names)


def word_held(spot: Spot, judged: Judged, hearing: Hearing | None) -> bool:
    """Rule 2a: a word of the line the reading lacks, or has another in place of, was said after all.

    Both hearings must say so. Whisper's fit of the whole line must pass its bar (whisper_engine FIT_*; the
    clear bar where the reading wrote a word nothing like the line's). And the audio must hold the line's
    words: PocketSphinx, choosing on the acoustics alone between the line's words and the reading's at that
    spot, chooses the line's (speech/referee.py); or, for a word heard as one a phone away from it ("route"
    for Joe's "roof", which PocketSphinx hears as "route" too), the line fits clearly: a recognizer cannot be
    sure to tell those apart, and an actor who really said the other word leaves the line a poor fit.
    Whisper's fit alone passed "and you it" for "and you know it" and "me the cues" for "give me the cues"
    (issue 21): it scores a predictable word highly whether or not the audio holds it. A dropped word is
    never a phone away from anything, so only PocketSphinx can put it back, and never at the line's start or
    end, where its alignment stretches a word that is not there over the room before or after the line (it
    chose 16 of 72 last words left out, and a first "You" left out in a humming room; 0 of 456 inside a
    line: speech/referee.py).
    """
    if hearing is None or judged.fit is None:
        return False
    if not spot.heard and (not spot.before or not spot.after):
        return False
    if not (judged.fit.fits if could_be_misheard(spot) else judged.fit.fits_clearly):
        return False
    if hearing.holds(spot):
        return True
    # Small words a phone apart ("in" / "on", "a" / "the") are where an actor's slip hides: only PocketSphinx
    # may put those back.
    content = any(word not in FUNCTION_WORDS for word in spot.line + spot.heard)
    return content and judged.fit.fits_clearly and hearing.sounds_alike(spot)


def hesitation(spot: Spot, judged: Judged, hearing: Hearing | None) -> bool:
    """Rule 2b: the reading's extra short words were an actor's "uh", which the line check forgives.

    Whisper seldom writes a hesitation: it spells it as a short word ("the old man" for "the, uh, man").
    Forgiven when the extra words could be one (at most MOST_WORDS, each at most MOST_LETTERS letters) and
    either the line with an "uh" there fits the audio (whisper_engine.with_hesitations), or PocketSphinx
    hears a hesitation there and the line as written fits clearly. Measured on the take corpus (two voices,
    eleven rooms): a real short word slipped in ("the hall light") was accepted 0 times in 264; PocketSphinx
    heard a hesitation for 41 of 81 "uh" takes and 2 of 251 added-word takes, both of which then failed the
    clear fit.
    """
    surplus = len(spot.heard) - len(spot.line)
    extra = sorted(spot.heard, key=len)[:surplus]
    if surplus > MOST_WORDS or any(len(word) > MOST_LETTERS and word not in FILLERS for word in extra):
        return False
    if any(fit.fits for fit in judged.hesitant_fits):
        return True
    return hearing is not None and judged.fit is not None and judged.fit.fits_clearly and hearing.hesitated(spot)


#: The endings of a contraction a whole auxiliary can hide behind ("I'd be" is heard for "I be"), all but
#: "n't"; and of those, the ones no hearing here tells from their absence: a "'d" before "be" or an "'s"
#: before "here" is a few milliseconds of closure. PocketSphinx chose "I'd" over "I" for Joe's "I be there".
_CLITICS = ("'d", "'s", "'ll", "'ve", "'re", "'m")
_FAINT_CLITICS = ("'d", "'s")


def contraction(spot: Spot, hearing: Hearing | None) -> tuple[str, tuple[str, ...]] | None:
    """Rule 2c: where the line writes an auxiliary out ("I would be") and the reading has a contraction ("I'd
    be"), the auxiliary may not have been said at all: Whisper wrote "I'd be" for "I be", and the line check
    alone takes "I'd" for "I would". PocketSphinx is offered the contraction or its stem alone ("i'd" or
    "i"): where it hears only the stem, the auxiliary was dropped ("dropped", the stem). Where it hears the
    contraction and the ending is a faint one ('d, 's), the line was at best contracted: not as written, and
    not to be called word perfect ("contracted"). None where the contraction stands or the spot is not one.
    """
    if hearing is None or len(spot.heard) != 1 or len(spot.line) < 2:
        return None
    word = spot.heard[0]
    clitic = next((c for c in _CLITICS if word.endswith(c) and len(word) > len(c)), None)
    if clitic is None or not check_line(" ".join(spot.line), word, "strict").word_perfect:
        return None
    stem = (word[: -len(clitic)],)
    if not hearing.holds(Spot(spot.before, (word,), stem, spot.after, spot.at)):
        return "dropped", stem
    return ("contracted", ()) if clitic in _FAINT_CLITICS else None


def could_be_misheard(spot: Spot) -> bool:
    """Whether the reading's words at a spot could be Whisper mishearing the line's: each content word it
    wrote there resembles one of the line's (MISHEARD_SIMILARITY), or is short enough to be a hesitation.
    A dropped word (nothing written there) could be."""
    for word in spot.heard:
        if word in FUNCTION_WORDS or word in FILLERS or len(word) <= MOST_LETTERS - 1:
            continue
        similarity = max((jellyfish.jaro_winkler_similarity(word, said) for said in spot.line), default=0.0)
        if similarity < MISHEARD_SIMILARITY:
            return False
    return True


def from_alternatives(verdict: Verdict, alternatives: Sequence[str], strictness: Strictness,
                      names: Sequence[str]) -> Verdict:
    """Rule 3: the first of the n-best readings that judges better and differs from the best reading only word
    for word. A lower-ranked reading that adds a word back ("and you know it" under "and you it") is the
    language model's guess, not the audio's."""
    best = spoken_words(verdict.heard)
    for alternative in alternatives[:ALTERNATIVES_CONSIDERED]:
        second = check_line(verdict.expected, alternative, strictness, names)
        if _RANK[second.result] < _RANK[verdict.result] and _word_for_word(best, spoken_words(alternative)):
            return replace(second, heard=verdict.heard, forgiven=(f"from_alternatives: {alternative}",))
    return verdict


def _word_for_word(best: list[str], other: list[str]) -> bool:
    matcher = SequenceMatcher(a=best, b=other, autojunk=False)
    return all(tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0)
               for tag, a0, a1, b0, b1 in matcher.get_opcodes())


def _mattering(verdict: Verdict, spots: Sequence[Spot], strictness: Strictness, names: Sequence[str]) -> list[Spot]:
    """Of the spots where the reading differs from the line (`verdict` is the line check of that reading),
    those the line check counts: a contraction written out ("have not" for "haven't") or a number spelled
    another way is no question for the audio."""
    words = reading_words(verdict.heard)
    return [spot for spot in spots
            if len(check_line(verdict.expected, " ".join(put_right(words, [(spot, spot.line)])), strictness,
                              names).issues) < len(verdict.issues)]


__all__ = ["judge_reading", "judge_strong", "as_heard", "word_held", "hesitation", "contraction",
           "from_alternatives"]
