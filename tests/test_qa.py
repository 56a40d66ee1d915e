from service import qa
from service.glossary import Term


def test_changed_number_is_flagged_but_localised_digits_and_separators_are_not():
    assert qa.NUMBERS_CHANGED in qa.check_segment("It costs 1,200 dollars.", "Cuesta 1.300 dólares.")
    assert qa.check_segment("It costs 1,200 dollars.", "Cuesta 1.200 dólares.") == []
    assert qa.check_segment("Prices rose 3.5 percent.", "Les prix ont augmenté de 3,5 pour cent.") == []
    assert qa.NUMBERS_CHANGED not in qa.check_segment("In 2026 there were 12 cases.", "در ۲۰۲۶ دوازده ... ۱۲ مورد")


def test_lost_placeholder_untranslated_empty_and_length_warnings():
    assert qa.MARKUP_LOST in qa.check_segment("Read <g1>the plan</g1>.", "Lea el plan.")
    assert qa.UNTRANSLATED in qa.check_segment("The minister resigned.", "The minister resigned.")
    assert qa.check_segment("Hello there.", "  ") == [qa.EMPTY]
    assert qa.LENGTH_RATIO in qa.check_segment("The minister resigned on Tuesday evening.", "Sí.")


def test_a_number_read_differently_in_the_target_language_is_flagged():
    assert qa.NUMBERS_CHANGED in qa.check_segment("About 1,500 people came.", "Vinieron 1,500 personas.", "es")
    assert qa.check_segment("About 1,500 people came.", "Vinieron unas 1.500 personas.", "es") == []
    assert qa.check_segment("About 1,500 people came.", "Environ 1\u202f500 personnes sont venues.", "fr") == []
    assert qa.NUMBERS_CHANGED in qa.check_segment("It rose 3.5%.", "Ha subido un 35 %.", "es")


def test_numbers_glued_into_words_are_flagged_even_when_the_value_survives():
    warnings = qa.check_segment("A child of 18 years died.", "Un niñode18años murió.", "es")
    assert qa.NUMBERS_GLUED in warnings and qa.NUMBERS_CHANGED not in warnings
    assert qa.check_segment("A child of 18 years died.", "Un niño de 18 años murió.", "es") == []
    assert qa.check_segment("He scored his 27th goal.", "Marcó su 27e but.", "fr") == []  # an ordinal is not glued


def test_persian_and_arabic_digits_and_solar_hijri_dates_are_not_false_alarms():
    source = "It cost 1,500 dollars on June 30, 2018."
    assert qa.check_segment(source, "قیمت ۱٬۵۰۰ دلار در ۹ تیر ۱۳۹۷", "fa") == []
    assert qa.check_segment(source, "قیمت ۱٬۵۰۰ دلار در ۳۰ ژوئن ۲۰۱۸", "fa") == []  # either calendar is right
    assert qa.NUMBERS_CHANGED in qa.check_segment(source, "قیمت ۱٬۶۰۰ دلار در ۹ تیر ۱۳۹۷", "fa")


def test_dates_acronyms_names_terms_and_addresses_must_be_in_their_target_form():
    terms = [Term("Meta", "Meta", keep=True), Term("United Nations", "Naciones Unidas")]
    source = "On June 30, 2018, Meta told the United Nations and NATO to read https://x.org/plan."
    good = "El 30 de junio de 2018, Meta dijo a las Naciones Unidas y NATO que leyeran https://x.org/plan."
    assert qa.check_segment(source, good, "es", terms) == []
    bad = "Encima junio 30, 2018, Meta dijo a las Naciones Unidas y OTAN que leyeran https://x.org/plan."
    assert qa.check_segment(source, bad, "es", terms) == [qa.DATE_CHANGED, qa.ACRONYM_MISSING]
    worse = "El 30 de junio de 2018, Meta dijo a la ONU y NATO que leyeran https://x.org."
    assert qa.check_segment(source, worse, "es", terms) == [qa.TERM_MISSING, qa.ADDRESS_CHANGED]
    french = "Le 30 juin 2018, But a dit aux Nations unies et à l'OTAN de lire https://x.org/plan."
    assert qa.NAME_MISSING in qa.check_segment(source, french, "fr", terms)


def test_no_untranslated_alarm_on_a_segment_that_is_only_a_name():
    assert qa.check_segment("Amira Haddad", "Amira Haddad", "es") == []
    assert qa.check_segment("NATO", "NATO", "fr") == []
    assert qa.UNTRANSLATED in qa.check_segment(
        "Amira Haddad, mayor of the town", "Amira Haddad, mayor of the town", "es"
    )


def test_the_engines_doubts_become_warnings():
    assert qa.PIVOT_WORDS in qa.check_segment("They ate.", "Ils ont mangé tratos.", "fr", leftover=["tratos"])
    assert qa.UNKNOWN_WORDS in qa.check_segment("They zorbed.", "Ellos zorbed.", "es", unknown=["zorbed"])
    assert qa.SPANS_PLACED in qa.check_segment("It cost 5 euros.", "Costó 5 euros.", "es", placed=True)
