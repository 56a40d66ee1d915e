"""Locale facts for pages: text direction, names, and dates and numbers through Babel (CLDR)."""

from __future__ import annotations

from datetime import datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from service.settings import RTL_LANGUAGES

_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"


def locale_name(locale: str) -> str:
    """The language's own name for itself (`español`, `فارسی`), as a language switcher shows it."""
    return Locale.parse(locale).get_display_name(locale) or locale


def language_in(language: str, locale: str) -> str:
    """A language's name as `locale` writes it (`inglés` on a Spanish page)."""
    return Locale.parse(language).get_language_name(locale) or language


def og_locale(locale: str) -> str:
    """Open Graph wants language_TERRITORY (fa_IR); CLDR's likely subtags give the territory."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(locale, locale)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else locale


def native_digits(text: str, locale: str) -> str:
    """Write ASCII digits in the locale's default numbering system (Persian digits for fa)."""
    digits = _DIGITS.get(Locale.parse(locale).default_numbering_system)
    if not digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def format_date(moment: datetime, locale: str, style: str = "long", solar_hijri: bool = False) -> str:
    """A date as the locale writes it; Persian readers may get the Solar Hijri calendar."""
    if solar_hijri and locale == "fa":
        return solar_hijri_date(moment)
    return native_digits(babel_format_date(moment.date(), format=style, locale=locale), locale)


def solar_hijri_date(moment: datetime) -> str:
    """`۲ آذر ۱۴۰۵`: the calendar of Iran and Afghanistan, with Persian digits and month names."""
    import jdatetime

    day = jdatetime.date.fromgregorian(date=moment.date())
    month = jdatetime.date.j_months_fa[day.month - 1]
    return native_digits(f"{day.day} {month} {day.year}", "fa")


def format_number(value: float, locale: str) -> str:
    """Grouping, decimal sign and digits of the locale: 1,234.5 in en, ۱٬۲۳۴٫۵ in fa."""
    return native_digits(format_decimal(value, locale=locale, numbering_system="default"), locale)
