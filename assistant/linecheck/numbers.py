"""Written numbers: the words an actor may say for them.

A script writes "1985" and the actor says "nineteen eighty-five", or "one nine eight five" if it
is a zip code; a recognizer may write either as digits. So a written number is turned into every
way it is usually said (most usual first, spelled with num2words), and spoken_numbers.py reads
those back to keys. Digits can mean only some things: "1985" is a value or a digit string, never
a clock time, though "nine thirty" read back from "930" could be one; `kinds` says which.

  integers     "42": "forty two" (one way). Three or more digits may also be said digit by
               digit ("101" = "one oh one"); four may be a year ("1985", "2005" = "twenty oh
               five" = "two thousand and five"); five or more are most often digits (zip
               codes); a leading zero is always digits ("0123"); commas mean a quantity
               ("10,001" = "ten thousand and one" only).
  phone        "555-0123", "(555) 012-3456", "1-800-555-0199": digits only.
  times        "9:30" = "nine thirty" = "half past nine"; "10:00" = "ten o'clock" = "ten";
               "12:00" also "noon" or "midnight"; "9.30" is a time, or a decimal, or a price.
  money        "$4.50" = "four dollars fifty" = "four fifty"; "$1,000" = "a thousand dollars";
               "£5" = "five pounds"; "50¢" = "fifty cents"; "$5 million".
  ordinals     "3rd", "21st"; decades "1990s", "'90s"; "50%"; "10pm"; decimals "3.5".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from num2words import num2words

_CURRENCY_WORDS = {"$": ("dollar", "dollars"), "£": ("pound", "pounds"), "€": ("euro", "euros")}
_MINOR_WORDS = {"$": "cents", "£": "pence", "€": "cents"}

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)"  # "1,000,000" or "1000000"; not the comma after "5, 6"
_WRITTEN = re.compile(
    # a phone number: "555-0123", "(555) 012-3456", "555.012.3456", "1-800-555-0199"
    r"(?<![\d-])(?P<phone>(?:1[-.\s])?(?:\(\d{3}\)\s?|\d{3}[-.\s])?\d{3}[-.]\d{4})(?![\d-])"
    # a clock time: "9:30", "9.30", "9:30 p.m."
    r"|(?<![\d.:])(?P<hours>\d{1,2})(?P<separator>[:.])(?P<minutes>\d{2})(?![\d:]|\.\d)"
    r"(?:\s?(?P<time_ampm>[ap])\.?m\b\.?)?"
    # money: "$4.50", "£5", "$1,000", "$5 million", "50¢"
    rf"|(?P<currency>[$£€])(?P<amount>{_DIGITS}(?:\.\d{{1,2}})?)(?P<scale>\s(?:thousand|million|billion)\b)?"
    r"|(?P<cents>\d{1,2})¢"
    # anything else: "42", "1,000", "3.5", "3rd", "1990s", "'90s", "50%", "10pm"
    rf"|(?P<apostrophe>')?(?P<digits>{_DIGITS}(?:\.\d+)?)"
    r"(?P<suffix>st|nd|rd|th|s|%|\s?[ap]\.?m\b\.?)?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WrittenNumber:
    start: int  # where it is in the text
    end: int
    said: tuple[str, ...]  # the ways it is said, most usual first
    kinds: str  # the kinds of spoken_numbers key it may mean ("vd": a value or digits)
    after: str = ""  # words said after it that are not part of it: "percent", "p m"


def spell_out_numbers(text: str) -> str:
    """Replace every written number in text with the words an actor would most likely say."""
    pieces, last = [], 0
    for number in written_numbers(text):
        pieces += [text[last : number.start], f" {number.said[0]} {number.after} "]
        last = number.end
    return "".join([*pieces, text[last:]])


def written_numbers(text: str) -> Iterator[WrittenNumber]:
    for match in _WRITTEN.finditer(text):
        yield _written(match)


def _written(match: re.Match[str]) -> WrittenNumber:
    def number(said: list[str], kinds: str, after: str = "") -> WrittenNumber:
        ways = tuple(dict.fromkeys(_plain(s) for s in said))  # in order, no repeats
        return WrittenNumber(match.start(), match.end(), ways, kinds, after)

    if match["phone"]:
        return number([_digit_by_digit(re.sub(r"\D", "", match["phone"]))], "d")
    if match["hours"]:
        return number(*_time(match))
    if match["currency"]:
        return number(_money(match["currency"], match["amount"].replace(",", ""), match["scale"]), "$~")
    if match["cents"]:
        return number([f"{num2words(int(match['cents']))} cents"], "$~")
    digits = match["digits"].replace(",", "")
    suffix = (match["suffix"] or "").lower().replace(".", "").strip()
    if suffix in ("st", "nd", "rd", "th"):
        return number([num2words(int(digits), to="ordinal")], "v")
    if suffix == "s":  # a decade: "1990s", "'90s"
        return number([_pluralise_last(_integer(digits, match["digits"])[0])], "v")
    after = "percent" if suffix == "%" else f"{suffix[0]} m" if suffix else ""
    if "." in digits:
        whole, _, fraction = digits.partition(".")
        return number([f"{num2words(int(whole))} point {_digit_by_digit(fraction)}"], "v", after)
    return number(_integer(digits, match["digits"]), "vd", after)


def _plain(words: str) -> str:
    # num2words writes "one thousand, nine hundred and eighty-five".
    return " ".join(words.replace("-", " ").replace(",", " ").split())


def _integer(digits: str, as_written: str) -> list[str]:
    value = int(digits)
    if len(digits) > 1 and digits.startswith("0"):
        return [_digit_by_digit(digits)]
    if len(digits) <= 2 or "," in as_written:
        return [num2words(value)]
    if len(digits) == 4 and 1100 <= value <= 2099:
        # Four digits in this range are nearly always a year ("nineteen ninety-nine").
        return [num2words(value, to="year"), num2words(value), _digit_by_digit(digits)]
    if len(digits) >= 5 and value % 1000:  # a zip code or an account; "100000" is a quantity
        return [_digit_by_digit(digits), num2words(value)]
    return [num2words(value), _digit_by_digit(digits)]


def _digit_by_digit(digits: str) -> str:
    # A zero is "oh" with digits after it ("five oh five"), and "zero" first or among the zeros
    # at the end, where spoken_numbers.py would not read "oh" as a zero ("oh, no").
    said = [num2words(int(d)) for d in digits]
    for i, d in enumerate(digits):
        if d == "0" and 0 < i and digits[i:].strip("0"):
            said[i] = "oh"
    return " ".join(said)


def _time(match: re.Match[str]) -> tuple[list[str], str, str]:
    hours, minutes = int(match["hours"]), int(match["minutes"])
    after = f"{match['time_ampm'].lower()} m" if match["time_ampm"] else ""
    if hours > 23 or minutes > 59:  # not a time: "31.50"
        return [_decimal_said(match)], "v~", after
    said = _clock_forms(hours, minutes)
    if match["separator"] == ".":
        # "9.30" is British for 9:30, or a decimal; a price when there is no currency sign.
        decimal = _decimal_said(match)
        return ([*said, decimal] if minutes % 5 == 0 else [decimal, *said]), "tv~", after
    return said, "t", after


def _decimal_said(match: re.Match[str]) -> str:
    return f"{num2words(int(match['hours']))} point {_digit_by_digit(match['minutes'])}"


def _clock_forms(hours: int, minutes: int) -> list[str]:
    """"9:30" -> "nine thirty", "half past nine"; the first is how a clock is usually read."""
    on_clock = num2words(hours % 12 or 12)  # "21:30" is also "nine thirty"
    if minutes == 0:
        return [f"{on_clock} oclock", on_clock, *(["noon", "midnight"] if hours in (0, 12) else [])]
    said_minutes = num2words(minutes) if minutes >= 10 else f"oh {num2words(minutes)}"
    forms = [f"{num2words(hours) if hours else on_clock} {said_minutes}", f"{on_clock} {said_minutes}"]
    if minutes <= 30:
        forms.append(f"{_minutes_off_the_hour(minutes)} past {on_clock}")
    else:
        forms.append(f"{_minutes_off_the_hour(60 - minutes)} to {num2words((hours + 1) % 12 or 12)}")
    return forms


def _minutes_off_the_hour(minutes: int) -> str:
    # "quarter past", "twenty to", but "fourteen minutes past": only fives go without "minutes".
    if minutes in (15, 30):
        return "quarter" if minutes == 15 else "half"
    return num2words(minutes) + ("" if minutes % 5 == 0 else " minutes")


def _money(currency: str, amount: str, scale: str | None) -> list[str]:
    singular, plural = _CURRENCY_WORDS[currency]
    whole_digits, _, fraction = amount.partition(".")
    whole, cents = int(whole_digits or 0), int(fraction.ljust(2, "0")) if fraction else 0
    if scale:  # "$5 million", "$1.5 million"
        said = f"{num2words(whole)} point {_digit_by_digit(fraction)}" if fraction else num2words(whole)
        return [f"{said} {scale.strip()} {plural}"]
    unit = singular if whole == 1 else plural
    if not cents:
        return [f"{num2words(whole)} {unit}"]
    cents_said = num2words(cents)
    if not whole:
        return [f"{cents_said} {_MINOR_WORDS[currency]}"]
    return [
        f"{num2words(whole)} {unit} {cents_said}",
        f"{num2words(whole)} {unit} and {cents_said} {_MINOR_WORDS[currency]}",
        f"{num2words(whole)} {cents_said}",
    ]


def _pluralise_last(words: str) -> str:
    head, _, last = _plain(words).rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()
