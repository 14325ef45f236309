"""Reading spoken number words back to what they mean: one key per possible meaning.

A script and a recognizer write one number many ways ("1985", "nineteen eighty-five", "one nine
eight five"), so number words are compared by meaning, not word by word. A run of number words
is read every way it can be read, and each reading that covers the whole run gives a key:

  #1985    a value: "one thousand nine hundred and eighty five", "nineteen eighty five",
           "twenty oh five" (#2005), "nineteen hundred" (#1900), "a hundred" (#100);
           also "#21th" (an ordinal), "#1990s" (a decade), "#3.5" ("three point five")
  #d1985   digits said one or two at a time: "one nine eight five", "nineteen eighty five",
           "five fifty five oh one twenty three" (#d5550123)
  #t9:30   a clock time: "nine thirty", "half past nine", "quarter to ten" (#t9:45),
           "five past nine" (#t9:05), "ten o'clock" (#t10:00)
  #$4.50   money: "four dollars fifty", "four dollars and fifty cents"; "#£5", "#¢50" (fifty
           cents), "#p50" (fifty pence)
  #~4.50   a price said without its unit: "four fifty", "nineteen ninety nine" (#~19.99)

Two runs say the same number when their keys meet. So the same quantity said two ways matches
("half past nine" = "nine thirty", as "nineteen ninety nine" always matched "one thousand nine
hundred and ninety nine"), while a different quantity never shares a key ("nineteen eighty
five" / "nineteen eighty six"). Written digits are the ambiguous side: numbers.py lists the ways
"1985" may be said and keeps only the kinds of meaning digits can have, and the keys of those.

"oh" (or "o") is a zero only inside digits: with a number word before it and one after it
("nine oh five", "one oh oh oh one"), or leading at least two number words ("oh one two
three"). Anywhere else it is the word "oh": "Oh, one more thing" and "two, oh no" have no zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS = {w: i + 10 for i, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: (i + 2) * 10 for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_PLURAL_TENS = {w + "s" if not w.endswith("y") else w[:-1] + "ies": v for w, v in _TENS.items()}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
    "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
    "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen", "fourteenth": "fourteen",
    "fifteenth": "fifteen", "sixteenth": "sixteen", "seventeenth": "seventeen",
    "eighteenth": "eighteen", "nineteenth": "nineteen", "twentieth": "twenty",
    "thirtieth": "thirty", "fortieth": "forty", "fiftieth": "fifty", "sixtieth": "sixty",
    "seventieth": "seventy", "eightieth": "eighty", "ninetieth": "ninety",
    "hundredth": "hundred", "thousandth": "thousand", "millionth": "million",
}  # fmt: skip
_SMALL = _UNITS.keys() | _TEENS.keys() | _TENS.keys()
_OH = ("oh", "o")
_DIGIT_WORDS = _UNITS.keys() | set(_OH)
_MAJOR_CURRENCY = {"dollar": "$", "dollars": "$", "pound": "£", "pounds": "£", "euro": "€", "euros": "€"}
_MINOR_CURRENCY = {"cent": "¢", "cents": "¢", "penny": "p", "pence": "p"}
_PAST = ("past", "after")
_TO = ("to", "till", "til")

# Kinds of key, by the character after "#"; the order is the order of preference for the key a
# token is aligned on (any of its keys still matches, see align.py).
KINDS = "$vtd~"  # money, value, time, digits, price


def kind(key: str) -> str:
    """The kind of a key: "$" money, "v" value, "t" time, "d" digits, "~" price."""
    mark = key[1:2]
    if mark in ("$", "£", "€", "¢", "p"):
        return "$"
    return mark if mark in ("t", "d", "~") else "v"


@dataclass(frozen=True)
class NumberRun:
    length: int  # how many words the number spans
    keys: frozenset[str]  # every meaning of exactly those words

    @property
    def key(self) -> str:
        return preferred_key(self.keys)


def preferred_key(keys: frozenset[str]) -> str:
    return min(keys, key=lambda k: (KINDS.index(kind(k)), k))


def read_number_run(words: Sequence[str], start: int, values_only: bool = False) -> NumberRun | None:
    """The longest run of words from start that reads as a number, with all its meanings.

    values_only: only cardinals and years ("twenty two", "nineteen eighty five"), the numbers
    whose words are never compared one by one (normalise._pieces)."""
    readings = _read_values(words, start) if values_only else _readings(tuple(words), start)
    if not readings:
        return None
    end = max(end for end, _ in readings)
    return NumberRun(end - start, frozenset(key for e, key in readings if e == end))


@lru_cache(maxsize=4096)
def keys_of(words: tuple[str, ...]) -> frozenset[str]:
    """Every meaning of exactly these words, or nothing if they are not one number."""
    return frozenset(key for end, key in _readings(words, 0) if end == len(words))


_MOST_COMBINATIONS = 64  # beyond this a stretch is read only the usual way of each piece


@lru_cache(maxsize=4096)
def keys_of_choices(choices: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """Every meaning of a stretch of pieces, each of which may be said several ways.

    choices[i] are the ways piece i may be said ("555" -> "five hundred and fifty five", "five
    five five"); a reading joins one way of each piece: "555 0123" heard as one phone number.
    """
    combinations = 1
    for ways in choices:
        combinations *= len(ways)
    if combinations > _MOST_COMBINATIONS:
        choices = tuple(ways[:1] for ways in choices)
    keys: set[str] = set()
    for pick in product(*choices):
        keys |= keys_of(tuple(" ".join(pick).split()))
    return frozenset(keys)


def _readings(words: tuple[str, ...], start: int) -> list[tuple[int, str]]:
    """(end, key) for every way a number can be read from words[start:]."""
    if start >= len(words):
        return []
    return [
        *_read_values(words, start),
        *_read_decimal(words, start),
        *_read_digits(words, start),
        *_read_time(words, start),
        *_read_money(words, start),
        *_read_price(words, start),
    ]


def _word(words: Sequence[str], i: int) -> str:
    return words[i] if 0 <= i < len(words) else ""


# --- values: cardinals, years, ordinals, decades ----------------------------------------------


def _read_values(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    return [r for r in (_read_cardinal(words, start), _read_year(words, start)) if r]


def _amounts(words: Sequence[str], start: int) -> list[tuple[int, int]]:
    """(end, value) of the plain numbers (no ordinal, no decade) that start at start."""
    return [(end, int(key[1:])) for end, key in _read_values(words, start) if key[1:].isdigit()]


def _read_cardinal(words: Sequence[str], start: int) -> tuple[int, str] | None:
    # A left-to-right reading of English cardinals: "two thousand and five", "fifteen hundred".
    total = small = 0
    last = ""  # kind of the previous word: unit, teen, tens, hundred, scale, and
    last_scale = 10**12
    end, value, suffix = start, 0, ""
    i = start
    while i < len(words):
        word, ordinal = words[i], False
        if word in _ORDINALS:
            word, ordinal = _ORDINALS[word], True
        following = _word(words, i + 1)
        if word == "a" and not last and (following == "hundred" or following in _SCALES):
            small, last = 1, "unit"
        elif word == "and" and last in ("hundred", "scale") and (following in _SMALL or following in _ORDINALS):
            last = "and"
            i += 1
            continue  # never ends a number by itself
        elif word in _UNITS and last in ("", "tens", "hundred", "scale", "and"):
            small, last = small + _UNITS[word], "unit"
        elif word in _TEENS and last in ("", "hundred", "scale", "and"):
            small, last = small + _TEENS[word], "teen"
        elif word in _TENS and last in ("", "hundred", "scale", "and"):
            small, last = small + _TENS[word], "tens"
        elif word == "hundred" and last in ("unit", "teen", "tens") and 0 < small < 100:
            small, last = small * 100, "hundred"
        elif word in _SCALES and last in ("unit", "teen", "tens", "hundred") and _SCALES[word] < last_scale:
            total, small, last, last_scale = total + small * _SCALES[word], 0, "scale", _SCALES[word]
        else:
            break
        i += 1
        end, value = i, total + small
        if ordinal:
            suffix = "th"
            break
    return (end, f"#{value}{suffix}") if end > start else None


def _read_year(words: Sequence[str], start: int) -> tuple[int, str] | None:
    # "nineteen ninety nine", "twenty oh five", "fifteen hundred", "nineteen eighties".
    century, i = _read_two_digits(words, start)
    if century is None or century < 10:
        return None
    word, following = _word(words, i), _word(words, i + 1)
    if word == "hundred":
        return i + 1, f"#{century * 100}"
    if word in _OH and following in _UNITS and following != "zero":
        return i + 2, f"#{century * 100 + _UNITS[following]}"
    if word in _PLURAL_TENS:
        return i + 1, f"#{century * 100 + _PLURAL_TENS[word]}s"
    rest, after = _read_two_digits(words, i)
    if rest is None or rest < 10:
        return None
    return after, f"#{century * 100 + rest}"


def _read_two_digits(words: Sequence[str], start: int) -> tuple[int | None, int]:
    """The longest reading of 1..99 at start: "seven", "twelve", "forty", "forty two"."""
    options = _one_to_ninety_nine(words, start)
    return max(options, key=lambda o: o[1]) if options else (None, start)


def _one_to_ninety_nine(words: Sequence[str], start: int) -> list[tuple[int, int]]:
    """Every (value, end) of 1..99 said at start: "forty two" is 40 (one word) or 42 (two)."""
    word = _word(words, start)
    if word in _UNITS and word != "zero":
        return [(_UNITS[word], start + 1)]
    if word in _TEENS:
        return [(_TEENS[word], start + 1)]
    if word in _TENS:
        following = _word(words, start + 1)
        options = [(_TENS[word], start + 1)]
        if following in _UNITS and following != "zero":
            options.append((_TENS[word] + _UNITS[following], start + 2))
        return options
    return []


def _read_decimal(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    # "three point five", "nine point three oh": the digits after the point are said one by one.
    readings = []
    for end, value in _amounts(words, start):
        if _word(words, end) != "point":
            continue
        digits, i = "", end + 1
        while _word(words, i) in _DIGIT_WORDS:
            digits += str(_UNITS.get(words[i], 0))
            i += 1
        if digits:
            readings.append((i, f"#{value}.{digits}"))
    return readings


# --- digits said one or two at a time ---------------------------------------------------------


def _read_digits(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    # A zip code, a phone number, a year said as digits: "one zero zero zero one",
    # "five fifty five oh one twenty three", "nineteen eighty five". At least two pieces.
    pieces: list[str] = []
    i = start
    while True:
        word = _word(words, i)
        if word in _OH:
            if not (_inside_digits(words, i) if pieces else _leads_digits(words, i)):
                break
            pieces.append("0")
            i += 1
            continue
        if word in _UNITS:
            piece, i = str(_UNITS[word]), i + 1
        elif word in _TEENS:
            piece, i = str(_TEENS[word]), i + 1
        elif word in _TENS:
            value, i = _read_two_digits(words, i)
            piece = str(value)
        else:
            break
        pieces.append(piece)
    return [(i, "#d" + "".join(pieces))] if len(pieces) >= 2 else []


def _inside_digits(words: Sequence[str], i: int) -> bool:
    # "nine oh five", "one oh oh oh one": more digits follow the "oh"s. "two, oh no" has no zero.
    while _word(words, i) in _OH:
        i += 1
    return _word(words, i) in _SMALL


def _leads_digits(words: Sequence[str], i: int) -> bool:
    # "oh one two three" is digits, "oh one more thing" is not: two more number words must follow.
    while _word(words, i) in _OH:
        i += 1
    return _word(words, i) in _SMALL and _word(words, i + 1) in _SMALL


# --- clock times ------------------------------------------------------------------------------


def _read_time(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    readings = []
    # "nine thirty", "nine oh five", "ten o'clock", "twenty one fifteen"
    for hour, after in _hours(words, start, latest=23):
        if _word(words, after) == "oclock" and hour <= 12:
            readings.append((after + 1, _time_key(hour, 0)))
        for minute, end in _minutes(words, after):
            readings.append((end, _time_key(hour, minute)))
    # "half past nine", "a quarter to ten", "five past nine", "twenty five minutes to ten"
    i = start + 1 if _word(words, start) == "a" and _word(words, start + 1) == "quarter" else start
    for minutes, after in _minutes_before_or_after(words, i):
        connector = _word(words, after)
        if connector not in (*_PAST, *_TO) or (connector in _TO and minutes == 30):  # no "half to"
            continue
        for hour, end in _hours(words, after + 1, latest=12):
            if connector in _PAST:
                readings.append((end, _time_key(hour, minutes)))
            else:
                readings.append((end, _time_key(hour - 1 or 12, 60 - minutes)))
    # "half nine" (British for half past nine)
    if _word(words, start) == "half":
        readings += [(end, _time_key(hour, 30)) for hour, end in _hours(words, start + 1, latest=12)]
    return readings


def _time_key(hour: int, minute: int) -> str:
    return f"#t{hour}:{minute:02d}"


def _hours(words: Sequence[str], start: int, latest: int) -> list[tuple[int, int]]:
    return [(v, end) for v, end in _one_to_ninety_nine(words, start) if v <= latest]


def _minutes(words: Sequence[str], start: int) -> list[tuple[int, int]]:
    """The minutes of "nine thirty" / "nine oh five": 10..59, or 1..9 after "oh"."""
    word, following = _word(words, start), _word(words, start + 1)
    if word in _OH:
        return [(_UNITS[following], start + 2)] if following in _UNITS and following != "zero" else []
    return [(v, end) for v, end in _one_to_ninety_nine(words, start) if 10 <= v <= 59]


def _minutes_before_or_after(words: Sequence[str], start: int) -> list[tuple[int, int]]:
    # "quarter", "half", "five", "twenty five"; any other count needs "minutes" ("three minutes to").
    word = _word(words, start)
    if word == "quarter":
        return [(15, start + 1)]
    if word == "half":
        return [(30, start + 1)]
    options = []
    for value, end in _one_to_ninety_nine(words, start):
        if value >= 30:
            continue
        if _word(words, end) in ("minute", "minutes"):
            options.append((value, end + 1))
        elif value % 5 == 0:
            options.append((value, end))
    return options


# --- money and prices -------------------------------------------------------------------------


def _read_money(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    # "four dollars fifty", "four dollars and fifty cents", "a thousand dollars", "fifty cents"
    amounts = _amounts(words, start)
    if _word(words, start) == "a":
        amounts.append((start + 1, 1))  # "a dollar", "a penny"
    readings = []
    for end, value in amounts:
        unit = _word(words, end)
        if unit in _MINOR_CURRENCY and value < 100:
            readings.append((end + 1, f"#{_MINOR_CURRENCY[unit]}{value}"))
        if unit not in _MAJOR_CURRENCY:
            continue
        symbol, end = _MAJOR_CURRENCY[unit], end + 1
        readings.append((end, f"#{symbol}{value}"))
        cents_start = end + 1 if _word(words, end) == "and" else end
        for cents, cents_end in _one_to_ninety_nine(words, cents_start):
            if _word(words, cents_end) in _MINOR_CURRENCY:
                cents_end += 1
            elif cents_start > end:
                continue  # "four dollars and fifty" is fine only with its "cents"
            readings += [(cents_end, f"#{symbol}{value}.{cents:02d}"), (cents_end, f"#~{value}.{cents:02d}")]
    return readings


def _read_price(words: Sequence[str], start: int) -> list[tuple[int, str]]:
    # "four fifty", "nineteen ninety nine": whole units then two-digit cents, no unit said.
    readings = []
    for whole, after in _one_to_ninety_nine(words, start):
        for cents, end in _one_to_ninety_nine(words, after):
            if cents >= 10:
                readings.append((end, f"#~{whole}.{cents:02d}"))
    return readings
