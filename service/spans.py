"""Find what machine translation must not touch in an English segment.

Numbers, dates, web and e-mail addresses and acronyms are the words a reader checks first and
the ones engines break: "1,500" read as one and a half, "on June 30" as "on top of", "Meta" as
"goal". Each span found here records what it stands for (a number's value, a date's parts), so
that `service/target_forms.py` can write it the target's way and `service/qa.py` can compare
by value. Glossary terms are found by `service/glossary.py`; `service/protect.py` merges both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NUMBER, PERCENT, YEAR, CODE, DATE, URL, EMAIL, HANDLE, ACRONYM = (
    "number",
    "percent",
    "year",
    "code",
    "date",
    "url",
    "email",
    "handle",
    "acronym",
)

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CURRENCIES = {"$": "dollars", "US$": "dollars", "€": "euros", "£": "pounds"}


@dataclass(frozen=True)
class DateParts:
    month: int
    day: int | None = None
    year: int | None = None
    weekday: int | None = None  # 0 = Monday
    preposition: str = ""  # "on", "since", "until"...: the target phrase says it its own way


@dataclass(frozen=True)
class Found:
    """A span of the source: where it is, what kind, and what it means."""

    start: int
    end: int
    kind: str
    text: str
    value: object = None  # Decimal for numbers, DateParts for dates, glossary.Match for glossary terms
    currency: str = ""  # the English word for a currency sign before a number ("dollars")


_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_PREPOSITION = r"(?:\b(?P<prep>[Oo]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Bb]y|[Ff]rom)\s+)?"
_WEEKDAY = r"(?:\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?)?"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>[12]\d{3})(?![\d,.]\d))?"
_MONTH_PREPOSITION = _PREPOSITION.replace("[Ff]rom)", "[Ff]rom|[Ii]n)")
_DATES = [
    re.compile(_PREPOSITION + _WEEKDAY + r"\b" + _MONTH + r"\s+" + _DAY + r"(?![\w:])" + _YEAR),  # June 30, 2018
    re.compile(_PREPOSITION + _WEEKDAY + r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?!\w)" + _YEAR),  # 30 June
    re.compile(_MONTH_PREPOSITION + r"\b" + _MONTH + r",?\s+(?P<year>[12]\d{3})\b(?![,.]\d)"),  # in June 2018
]
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@#&])[@#][^\W\d]\w*")  # @newsroom, #COP28: names on social media
_NUMBER = re.compile(
    r"(?<![\w.,/:+-])(?P<currency>US\$|[$€£])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?"
    r"(?P<percent>%)?(?![\w%]|[.,:/-]\d)"
)
# Written the same in every language: times (10:45), ranges and scores (1991-2020, 3-1), decades (1950s)
_AS_IS = re.compile(r"(?<![\w.,:/-])(?:\d{1,2}:\d{2}|\d+(?:-\d+)+|[12]\d{3}s)(?![\w:-])")
_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}(?!\w)|(?<![\w-])[A-Z][A-Z0-9&]*(?:-[A-Z0-9]+)*s?(?![\w-])")
# "Resolution 2231", "EDM 2333", "No. 5", "#3": an identifier, written as it is in every language
_CODE_BEFORE = re.compile(r"(?:\b(?:No|Nos|no|nos)\.|\b[A-Z][\w-]*|#)\s*$")


def find(text: str, first: list[Found] | None = None, english: bool = True) -> list[Found]:
    """Every protected span of a segment, left to right, never overlapping.

    Addresses win over everything, then the `first` spans (glossary matches), dates, numbers
    and acronyms: "COVID-19" is one acronym, "June 30, 2018" one date, not two numbers. Dates
    and numbers are read the English way, so other source languages get addresses, acronyms
    and glossary terms only.
    """
    found: list[Found] = []
    for match in _URL.finditer(text):
        end = match.start() + len(match.group(0).rstrip(".,;:!?)'\""))
        found.append(Found(match.start(), end, URL, text[match.start() : end]))
    found = _merge(found, [Found(m.start(), m.end(), EMAIL, m.group(0)) for m in _EMAIL.finditer(text)])
    found = _merge(found, [Found(m.start(), m.end(), HANDLE, m.group(0)) for m in _HANDLE.finditer(text)])
    found = _merge(found, first or [])
    if english:
        found = _merge(found, _dates(text))
        found = _merge(found, [Found(m.start(), m.end(), CODE, m.group(0)) for m in _AS_IS.finditer(text)])
        found = _merge(found, _numbers(text))
    return _merge(found, _acronyms(text))


def _merge(kept: list[Found], new: list[Found]) -> list[Found]:
    """Add `new` spans that do not overlap any kept one (earlier finders win)."""
    result = list(kept)
    for span in new:
        if all(span.end <= other.start or span.start >= other.end for other in result):
            result.append(span)
    return sorted(result, key=lambda s: s.start)


def _dates(text: str) -> list[Found]:
    found: list[Found] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = MONTHS[parts["month"].rstrip(".").lower()]
            day = int(parts["day"]) if parts.get("day") else None
            try:  # "June 31" is not a date: leave it to the engine (2000 was a leap year: 29 February is)
                date(int(parts.get("year") or 2000), month, day or 1)
            except ValueError:
                continue
            weekday = WEEKDAYS.index(parts["weekday"].lower()) if parts.get("weekday") else None
            value = DateParts(
                month=month,
                day=day,
                year=int(parts["year"]) if parts.get("year") else None,
                weekday=weekday,
                preposition=(parts.get("prep") or "").lower().replace("till", "until"),
            )
            found.append(Found(match.start(), match.end(), DATE, match.group(0), value))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    return _merge([], found)


def _numbers(text: str) -> list[Found]:
    found = []
    for match in _NUMBER.finditer(text):
        digits, decimals, percent = match.group("digits"), match.group("decimals") or "", match.group("percent")
        value = Decimal(digits.replace(",", "") + decimals)
        start = match.start()
        currency = CURRENCIES.get(match.group("currency") or "", "")
        if percent:
            kind = PERCENT
        elif currency:
            kind = NUMBER
        elif len(digits) == 4 and not decimals and 1000 <= value <= 2199:
            kind = YEAR
        elif "," not in digits and not decimals and _CODE_BEFORE.search(text[:start]):
            kind = CODE
        else:
            kind = NUMBER
        found.append(Found(start, match.end(), kind, match.group(0), value, currency))
    return found


def _acronyms(text: str) -> list[Found]:
    found = []
    shouting = _shouting(text)
    for match in _ACRONYM.finditer(text):
        word = match.group(0)
        base = acronym_base(word)
        capitals = sum(c.isupper() for c in base)
        if len(base) < 2 or not (capitals >= 2 or (capitals and any(c.isdigit() for c in base))):
            continue
        if shouting and base.isalpha():  # "NATO AND THE EU AGREE": which capitals are acronyms is unknowable
            continue
        end = match.end()
        if word.endswith(".") and text[end:].strip() == "":
            end -= 1  # "in the U.S." at the end of a sentence: the full stop is the sentence's
        found.append(Found(match.start(), end, ACRONYM, text[match.start() : end]))
    return found


def _shouting(text: str) -> bool:
    """A segment written in capitals (a kicker, a shouted headline): its words are not acronyms."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.6


def acronym_base(text: str) -> str:
    """NGOs -> NGO, U.S. -> US: the form a glossary entry or a check compares."""
    base = text.replace(".", "")
    return base[:-1] if len(base) > 2 and base.endswith("s") and base[:-1].isupper() else base
