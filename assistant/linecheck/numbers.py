"""Numbers: digits become the words an actor says, and runs of number words get a value.

A script writes "1999" and the actor says "nineteen ninety-nine"; a recognizer may write
"one thousand nine hundred ninety nine". Digits are spelled out with num2words, then every run
of number words on either side is read back to its value, so both forms meet on "#1999".

Some numbers are said digit by digit: a phone number ("555-0123": "five five five, oh one two three"), a
zip code or an account number (five digits or more, or a leading zero). Written so, they are spelled out
digit by digit, and a run of digit words ("one zero zero zero one", "nine oh two": "oh" is zero inside
such a run, never on its own) is keyed by its digits, "#d10001". A number is keyed both ways where it can
be said both ways: "ten thousand and one" is "#10001" and also "#d10001", so a recognizer writing "10001"
for "one zero zero zero one" (Whisper does) meets the line. Times said as times ("half past nine",
"quarter to ten", "nine thirty", "ten o'clock") are keyed by the clock, "#t9:30".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from num2words import num2words

_CURRENCY_WORDS = {"$": ("dollar", "dollars"), "£": ("pound", "pounds"), "€": ("euro", "euros")}

# "$5", "1,000", "3.5", "3rd", "1990s", "'90s", "50%", "10pm"; times are handled separately.
_NUMBER = re.compile(
    r"(?P<currency>[$£€])?(?P<apostrophe>')?(?P<digits>\d[\d,]*(?:\.\d+)?)"
    r"(?P<suffix>st|nd|rd|th|s|%|\s?[ap]\.?m\.?)?(?![\w])",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b(?P<hours>\d{1,2}):(?P<minutes>\d{2})\b")
# Digit groups, alone or a few in a row ("555-0123", "(555) 012 3456", "10001 90210"): said digit by digit
# when they look like a phone number (3 and 4 digits, or 3, 3 and 4) or one of them has a leading zero or
# five digits or more ("01803", "10001"); otherwise left for the number reading below.
_DIGIT_GROUPS = re.compile(r"(?<![\w$£€.,:])(?:\(\d{3}\) ?)?\d+(?:[ .-]\d+)*(?![\w%]|[.,:]\d)")
_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def spell_out_numbers(text: str) -> str:
    """Replace every written number in text with the words an actor would say for it."""
    text = _TIME.sub(_spell_time, text)
    text = _DIGIT_GROUPS.sub(_spell_digits, text)
    return _NUMBER.sub(_spell_number, text)


def _spell_digits(match: re.Match[str]) -> str:
    groups = re.findall(r"\d+", match[0])
    lengths = [len(group) for group in groups]
    one_by_one = lengths in ([3, 4], [3, 3, 4]) or any(
        len(group) >= 5 or (len(group) > 1 and group.startswith("0")) for group in groups)
    if not one_by_one:
        return match[0]
    return " " + " ".join(_DIGIT_WORDS[int(d)] for d in "".join(groups)) + " "


def _spell_time(match: re.Match[str]) -> str:
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 12:  # a 24-hour clock is read as its 12-hour time ("14:30": "two thirty")
        hours -= 12
    if minutes == 0:
        return f" {num2words(hours)} oclock "
    if minutes < 10:
        return f" {num2words(hours)} oh {num2words(minutes)} "
    return f" {num2words(hours)} {num2words(minutes)} "


def _spell_number(match: re.Match[str]) -> str:
    digits = match["digits"].replace(",", "")
    suffix = (match["suffix"] or "").lower().replace(".", "").strip()
    currency = match["currency"]
    if "." in digits:
        whole, _, fraction = digits.partition(".")
        if currency:
            return f" {_with_unit(int(whole), currency)} {num2words(int(fraction))} "
        return f" {num2words(int(whole))} point {' '.join(num2words(int(d)) for d in fraction)} "
    value = int(digits)
    if currency:
        return f" {_with_unit(value, currency)} "
    if suffix in ("st", "nd", "rd", "th"):
        return f" {num2words(value, to='ordinal')} "
    if suffix == "s":  # a decade: "1990s", "'90s"
        return f" {_pluralise_last(_cardinal_or_year(value, digits))} "
    words = _cardinal_or_year(value, digits)
    if suffix == "%":
        return f" {words} percent "
    if suffix in ("am", "pm"):
        return f" {words} {suffix[0]} m "
    return f" {words} "


def _cardinal_or_year(value: int, digits: str) -> str:
    # Four bare digits in this range are nearly always read as a year ("nineteen ninety-nine").
    if len(digits) == 4 and 1100 <= value <= 2099:
        return num2words(value, to="year")
    return num2words(value)


def _with_unit(value: int, currency: str) -> str:
    singular, plural = _CURRENCY_WORDS[currency]
    return f"{num2words(value)} {singular if value == 1 else plural}"


def _pluralise_last(words: str) -> str:
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


# --- reading number words back to a value -------------------------------------------------

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


@dataclass(frozen=True)
class NumberRun:
    length: int  # how many words the number spans
    key: str  # "#1999", "#21th" for an ordinal, "#1990s" for a decade, "#d0123" digits, "#t9:30" a time
    alternatives: frozenset[str] = frozenset()  # the other ways the same words may be keyed


def read_number_run(words: list[str], start: int) -> NumberRun | None:
    """The longest run of words from start that reads as one number: cardinal, year, digits or time. The
    other readings of the same words are its alternatives ("twelve fifteen": the year 1215, or 12:15)."""
    readings = [r for r in (_read_time(words, start), _read_digits(words, start), _read_cardinal(words, start),
                            _read_year(words, start)) if r]
    if not readings:
        return None
    longest = max(readings, key=lambda r: r.length)
    others = {r.key for r in readings if r.length == longest.length and r.key != longest.key}
    return NumberRun(longest.length, longest.key, frozenset(others | _said_otherwise(longest.key)))


def _said_otherwise(key: str) -> set[str]:
    """The same number said another way: 10001 digit by digit, or digits as the number they make."""
    if key.startswith("#d"):
        digits = key[2:]
        return {f"#{int(digits)}"} if not digits.startswith("0") else set()
    if key[1:].isdigit():
        return {f"#d{key[1:]}"}
    return set()


def _read_digits(words: list[str], start: int) -> NumberRun | None:
    """A run of two or more digit words: "one zero zero zero one", "nine oh two" ("oh" and "o" are zero
    only after a digit word, so "oh, five" stays an "oh")."""
    digits = ""
    i = start
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and (words[i + 1] == "hundred" or words[i + 1] in _SCALES):
            break  # "nine hundred and two" is a number, not the digit nine
        if word in _UNITS:
            digits += str(_UNITS[word])
        elif word in ("oh", "o") and digits:
            digits += "0"
        else:
            break
        i += 1
    return NumberRun(i - start, f"#d{digits}") if len(digits) >= 2 else None


_HOURS = {**{w: v for w, v in _UNITS.items() if v}, "ten": 10, "eleven": 11, "twelve": 12}
_QUARTERS = {"quarter": 15, "half": 30}


def _read_time(words: list[str], start: int) -> NumberRun | None:
    """A time of day as said: "nine thirty", "nine oh five", "ten oclock", "half past nine", "quarter to
    ten", "twenty five past nine"."""
    at = lambda i: words[i] if i < len(words) else ""  # noqa: E731
    word = at(start)
    if word in _HOURS:
        hour = _HOURS[word]
        if at(start + 1) == "oclock":
            return NumberRun(2, f"#t{hour}:00")
        if at(start + 1) in ("oh", "o") and at(start + 2) in _UNITS and at(start + 2) != "zero":
            return NumberRun(3, f"#t{hour}:{_UNITS[at(start + 2)]:02d}")
        minutes, after = _read_two_digits(words, start + 1)
        if minutes is not None and 10 <= minutes < 60:
            return NumberRun(after - start, f"#t{hour}:{minutes:02d}")
    minutes, after = (_QUARTERS[word], start + 1) if word in _QUARTERS else _read_two_digits(words, start)
    if minutes is None and word in _UNITS and word != "zero":
        minutes, after = _UNITS[word], start + 1
    if minutes is None or not 0 < minutes < 60:
        return None
    if at(after) in ("minutes", "minute"):
        after += 1
    if at(after) in ("past", "after", "to", "before") and at(after + 1) in _HOURS:
        hour = _HOURS[at(after + 1)]
        if at(after) in ("to", "before"):
            hour, minutes = (hour - 1) or 12, 60 - minutes
        return NumberRun(after + 2 - start, f"#t{hour}:{minutes:02d}")
    return None


def _read_cardinal(words: list[str], start: int) -> NumberRun | None:
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
        following = words[i + 1] if i + 1 < len(words) else ""
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
    return NumberRun(end - start, f"#{value}{suffix}") if end > start else None


def _read_year(words: list[str], start: int) -> NumberRun | None:
    # "nineteen ninety nine", "twenty oh five", "fifteen hundred", "nineteen eighties".
    century, i = _read_two_digits(words, start)
    if century is None or century < 10:
        return None
    word = words[i] if i < len(words) else ""
    following = words[i + 1] if i + 1 < len(words) else ""
    if word == "hundred":
        return NumberRun(i + 1 - start, f"#{century * 100}")
    if word in ("oh", "o") and following in _UNITS and following != "zero":
        return NumberRun(i + 2 - start, f"#{century * 100 + _UNITS[following]}")
    if word in _PLURAL_TENS:
        return NumberRun(i + 1 - start, f"#{century * 100 + _PLURAL_TENS[word]}s")
    rest, after = _read_two_digits(words, i)
    if rest is None or rest < 10:
        return None
    return NumberRun(after - start, f"#{century * 100 + rest}")


def _read_two_digits(words: list[str], start: int) -> tuple[int | None, int]:
    word = words[start] if start < len(words) else ""
    if word in _TEENS:
        return _TEENS[word], start + 1
    if word in _TENS:
        following = words[start + 1] if start + 1 < len(words) else ""
        if following in _UNITS and following != "zero":
            return _TENS[word] + _UNITS[following], start + 2
        return _TENS[word], start + 1
    return None, start
