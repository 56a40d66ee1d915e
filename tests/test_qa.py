from service import qa


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
