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


def native_digits(text: str, locale: str) -> str:
    """Write ASCII digits in the locale's default numbering system (Persian digits for fa)."""
    digits = _DIGITS.get(Locale.parse(locale).default_numbering_system)
    if not digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def format_date(moment: datetime, locale: str, style: str = "long") -> str:
    return native_digits(babel_format_date(moment.date(), format=style, locale=locale), locale)


def format_number(value: float, locale: str) -> str:
    """Grouping, decimal sign and digits of the locale: 1,234.5 in en, ۱٬۲۳۴٫۵ in fa."""
    return native_digits(format_decimal(value, locale=locale, numbering_system="default"), locale)
