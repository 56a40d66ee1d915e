"""Write a protected number or date the way the target language writes it (Babel/CLDR).

An engine copies "1,500" as it is, and a Spanish reader reads one and a half; it keeps "June 30"
in English order. Here the value found in the source is written with the target's grouping and
decimal signs, its digits (Persian digits for fa), its month names and word order, and, for
"on <date>", its own preposition or article ("el 30 de junio de 2018", "le 30 juin 2018").
Persian dates use the Solar Hijri calendar when the Persian site does.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from service.l10n import native_digits
from service.spans import CODE, DATE, NUMBER, PERCENT, YEAR, DateParts, Found


@dataclass(frozen=True)
class Phrases:
    """How a language writes a date: Babel patterns, and its words for the English prepositions."""

    full: str  # day, month, year
    day_month: str
    month_year: str
    before_day: dict[str, str]  # "since" -> "desde el " (a date with a day)
    before_month: dict[str, str]  # "in" -> "en " (a month and year)
    weekday: str = "EEEE "


PHRASES = {
    "es": Phrases(
        "d 'de' MMMM 'de' y",
        "d 'de' MMMM",
        "MMMM 'de' y",
        {"on": "el ", "since": "desde el ", "until": "hasta el ", "before": "antes del ", "after": "después del ",
         "by": "para el ", "from": "a partir del "},
        {"in": "en ", "since": "desde ", "until": "hasta ", "before": "antes de ", "after": "después de ",
         "by": "para ", "from": "a partir de "},
    ),
    "fr": Phrases(
        "d MMMM y",
        "d MMMM",
        "MMMM y",
        {"on": "le ", "since": "depuis le ", "until": "jusqu’au ", "before": "avant le ", "after": "après le ",
         "by": "d’ici le ", "from": "à partir du "},
        {"in": "en ", "since": "depuis ", "until": "jusqu’en ", "before": "avant ", "after": "après ",
         "by": "d’ici ", "from": "à partir de "},
    ),
    "de": Phrases(
        "d. MMMM y",
        "d. MMMM",
        "MMMM y",
        {"on": "am ", "since": "seit dem ", "until": "bis zum ", "before": "vor dem ", "after": "nach dem ",
         "by": "bis zum ", "from": "ab dem "},
        {"in": "im ", "since": "seit ", "until": "bis ", "before": "vor ", "after": "nach ", "by": "bis ",
         "from": "ab "},
        "EEEE, ",
    ),
    "fa": Phrases(
        "d MMMM y",
        "d MMMM",
        "MMMM y",
        {"on": "در ", "since": "از ", "until": "تا ", "before": "پیش از ", "after": "پس از ", "by": "تا ",
         "from": "از "},
        {"in": "در ", "since": "از ", "until": "تا ", "before": "پیش از ", "after": "پس از ", "by": "تا ",
         "from": "از "},
    ),
    "ar": Phrases(
        "d MMMM y",
        "d MMMM",
        "MMMM y",
        {"on": "في ", "since": "منذ ", "until": "حتى ", "before": "قبل ", "after": "بعد ", "by": "بحلول ",
         "from": "من "},
        {"in": "في ", "since": "منذ ", "until": "حتى ", "before": "قبل ", "after": "بعد ", "by": "بحلول ",
         "from": "من "},
    ),
    "en": Phrases("MMMM d, y", "MMMM d", "MMMM y", {}, {}, "EEEE, "),
}  # fmt: skip
ARTICLES = {"es": ("el ",), "fr": ("le ",)}  # languages whose full dates take an article in running text


@dataclass(frozen=True)
class Options:
    """What the target site prefers: Solar Hijri dates for Persian, and the year of the story."""

    solar_hijri: bool = True
    reference_year: int | None = None


def render(span: Found, locale: str, options: Options | None = None) -> str:
    """The span written the target's way; spans with nothing to localise come back as they are."""
    options = options or Options()
    if span.kind == NUMBER and span.currency and isinstance(span.value, Decimal):
        return money(span.value, span.currency, locale)
    if span.kind in (NUMBER, PERCENT) and isinstance(span.value, Decimal):
        return number(span.value, locale, percent=span.kind == PERCENT)
    if span.kind in (YEAR, CODE):
        return native_digits(span.text, _language(locale))
    if span.kind == DATE and isinstance(span.value, DateParts):
        return date_phrase(span.value, locale, options)
    return span.text


def _language(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0]


def number(value: Decimal, locale: str, percent: bool = False) -> str:
    """1500 -> 1.500 (es), 1 500 (fr), ۱٬۵۰۰ (fa); decimals kept as written; % with the locale's spacing."""
    text = format_decimal(value, locale=locale, numbering_system="default", decimal_quantization=False)
    if percent:
        parsed = Locale.parse(locale)
        sign = parsed.number_symbols[parsed.default_numbering_system].get("percentSign", "%")
        pattern = parsed.percent_formats[None]
        text = pattern.prefix[0].replace("%", sign) + text + pattern.suffix[0].replace("%", sign)
    return native_digits(text, _language(locale))


CURRENCY_CODES = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}


def money(value: Decimal, currency: str, locale: str) -> str:
    """$1,500 -> 1.500 US$ (es), 1 500 $US (fr): the number the locale's way, the sign where it puts it."""
    from babel.numbers import get_currency_symbol

    parsed = Locale.parse(locale)
    pattern = parsed.currency_formats["standard"]
    symbol = get_currency_symbol(CURRENCY_CODES.get(currency, "USD"), locale=locale)
    amount = number(value, locale)
    return (pattern.prefix[0] + amount + pattern.suffix[0]).replace("¤", symbol).strip("\u200e\u200f")


def date_phrase(parts: DateParts, locale: str, options: Options) -> str:
    """'on Monday 4 May' -> 'el lunes 4 de mayo'; Persian in the Solar Hijri calendar where chosen."""
    language = _language(locale)
    year = parts.year or options.reference_year or date.today().year
    if not parts.year and (parts.month, parts.day) == (2, 29) and not calendar.isleap(year):
        year = 2024  # a 29 February written without its year: the nearest leap year will do
    moment = date(year, parts.month, parts.day or 1)
    phrases = PHRASES.get(language)
    if language == "fa" and options.solar_hijri and parts.day:
        text = _solar_hijri(moment, parts)
    elif phrases is None:
        skeleton = ("y" if parts.year else "") + "MMMM" + ("d" if parts.day else "")
        text = format_skeleton(skeleton, moment, locale=locale)
    else:
        pattern = phrases.full if parts.year and parts.day else phrases.day_month if parts.day else phrases.month_year
        if parts.weekday is not None and parts.day:
            pattern = phrases.weekday + pattern
        text = format_date(moment, pattern, locale=locale)
        if language == "fr" and parts.day == 1:
            text = text.replace("1 ", "1er ", 1)
    if parts.preposition:
        words = (phrases.before_day if parts.day else phrases.before_month) if phrases else {}
        text = words.get(parts.preposition, parts.preposition + " ") + text
    return native_digits(text, language)


def _solar_hijri(moment: date, parts: DateParts) -> str:
    import jdatetime

    day = jdatetime.date.fromgregorian(date=moment)
    month = jdatetime.date.j_months_fa[day.month - 1]
    text = f"{day.day} {month}" + (f" {day.year}" if parts.year else "")
    if parts.weekday is not None:
        text = format_date(moment, "EEEE", locale="fa") + " " + text
    return text


def takes_article(span: Found, locale: str) -> bool:
    """A full date inside a Spanish or French sentence needs "el"/"le" even without "on" (desde el 30 de junio)."""
    return (
        span.kind == DATE
        and isinstance(span.value, DateParts)
        and bool(span.value.day)
        and not span.value.preposition
        and _language(locale) in ARTICLES
    )


def article(locale: str) -> str:
    return ARTICLES[_language(locale)][0]
