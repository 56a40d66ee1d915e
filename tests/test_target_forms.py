"""Numbers and dates found in English come back the way the target language writes them (CLDR)."""

from datetime import date
from decimal import Decimal

import jdatetime
import pytest
from babel import Locale

from service import spans, target_forms
from service.target_forms import Options

DIGITS = {"latn": "0123456789", "arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}


def render(text: str, locale: str, **options) -> list[str]:
    return [target_forms.render(span, locale, Options(**options)) for span in spans.find(text)]


def test_numbers_take_the_target_grouping_and_decimal_signs():
    assert render("About 1,500 people and 15,000.5 tonnes, up 3.5%.", "es") == ["1.500", "15.000,5", "3,5\xa0%"]
    assert render("About 1,500 people and 15,000.5 tonnes.", "fr") == ["1\u202f500", "15\u202f000,5"]
    assert render("About 1,500 people.", "de") == ["1.500"]
    assert render("About 1,500 people.", "en") == ["1,500"]


@pytest.mark.parametrize("locale", ["fa", "ar"])
def test_persian_and_arabic_use_the_digits_of_their_default_numbering_system(locale):
    digits = DIGITS[Locale.parse(locale).default_numbering_system]
    (written,) = render("It cost 1,500 dollars.", locale)
    assert [c for c in written if c.isdigit()] == [digits[1], digits[5], digits[0], digits[0]]
    if locale == "fa":
        assert written == "۱٬۵۰۰"  # Persian digits and the Persian thousands sign


def test_years_and_identifiers_are_never_grouped():
    found = spans.find("Resolution 2231 was adopted in 2015 and EDM 2333 followed; 12,000 marched.")
    assert [(s.kind, s.text) for s in found] == [
        ("code", "2231"),
        ("year", "2015"),
        ("acronym", "EDM"),
        ("code", "2333"),
        ("number", "12,000"),
    ]
    assert render("Resolution 2231 was adopted in 2015 and EDM 2333 followed; 12,000 marched.", "es") == [
        "2231",
        "2015",
        "EDM",
        "2333",
        "12.000",
    ]


def test_money_is_written_with_the_locale_currency_pattern():
    assert render("It cost $1,500 and €2.5.", "es") == ["1.500\xa0US$", "2,5\xa0€"]
    assert render("It cost $1,500.", "fr") == ["1\u202f500\xa0$US"]


def test_us_and_european_dates_become_the_targets_phrase_with_its_preposition():
    assert render("It was signed on June 30, 2018.", "es") == ["el 30 de junio de 2018"]
    assert render("It was signed on 30 June 2018.", "fr") == ["le 30 juin 2018"]
    assert render("It was signed on June 30, 2018.", "de") == ["am 30. Juni 2018"]
    assert render("They met on Monday 4 May.", "es", reference_year=2026) == ["el lunes 4 de mayo"]
    assert render("Prices rose since 18 June and until July 1.", "fr", reference_year=2026) == [
        "depuis le 18 juin",
        "jusqu’au 1er juillet",
    ]
    assert render("The plan started in March 2020.", "es") == ["en marzo de 2020"]


def test_persian_dates_use_the_solar_hijri_calendar_where_the_site_does():
    expected = jdatetime.date.fromgregorian(date=date(2018, 6, 30))
    month = jdatetime.date.j_months_fa[expected.month - 1]
    (solar,) = render("It was signed on June 30, 2018.", "fa", solar_hijri=True)
    assert month in solar and solar.startswith("در ")
    assert "۱۳۹۷" in solar and "۹" in solar  # 30 June 2018 is 9 Tir 1397
    (gregorian,) = render("It was signed on June 30, 2018.", "fa", solar_hijri=False)
    assert month not in gregorian and "۲۰۱۸" in gregorian and "۳۰" in gregorian


def test_dates_written_without_a_year_use_the_storys_year_for_the_calendar():
    first = render("They met on 20 March.", "fa", reference_year=2024)
    second = render("They met on 20 March.", "fa", reference_year=2025)
    assert first != second  # 20 March 2024 was Nowruz (1 Farvardin); in 2025 it was the last day of Esfand


def test_value_of_a_number_is_kept_for_the_checks():
    (span,) = spans.find("It rose 3.25 points.")
    assert span.value == Decimal("3.25") and span.kind == spans.NUMBER


def test_impossible_dates_are_left_alone_and_leap_days_survive_a_missing_year():
    assert "date" not in [s.kind for s in spans.find("It happened on June 31, 2018.")]
    assert render("It happened on 29 February.", "es", reference_year=2026) == ["el 29 de febrero"]
