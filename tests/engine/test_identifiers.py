"""UPN check letters and UK formats, from the worked examples in DOMAIN.md."""

import pytest

from engine.identifiers import normalise_postcode, normalise_uk_phone, upn_check_letter, upn_problem


@pytest.mark.parametrize(
    ("body", "letter"),
    [
        ("856200124123", "Y"),  # permanent: sum 205, 205 mod 23 = 21 -> Y
        ("85620012412A", "F"),  # temporary, ends with a letter: sum 166 -> F
        ("207000016049", "P"),  # one vendor's help page wrongly says Q
    ],
)
def test_upn_check_letter_matches_the_worked_examples(body, letter):
    assert upn_check_letter(body) == letter


@pytest.mark.parametrize("upn", ["Y856200124123", "F85620012412A", "P207000016049"])
def test_valid_upns_are_accepted(upn):
    assert upn_problem(upn) is None


@pytest.mark.parametrize(
    ("upn", "why"),
    [
        ("Q207000016049", "check letter"),
        ("Y85620012412", "13 characters"),
        ("I856200124123", "a letter, 11 digits"),  # I is never used
        ("Y8562001241AB", "a letter, 11 digits"),
    ],
)
def test_invalid_upns_say_why(upn, why):
    assert why in upn_problem(upn)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("le1 6zg", "LE1 6ZG"),
        ("LE16ZG", "LE1 6ZG"),
        ("  sw1a  1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("LE1", None),
        ("12345", None),
    ],
)
def test_postcodes_are_normalised_to_capitals_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "07700900982"),
        ("+44 7700 900982", "07700900982"),
        ("(0116) 454 1000", "01164541000"),
        ("0044 116 454 1000", "01164541000"),
        ("12345", None),
        ("07700 90098x", None),
        # A mobile a digit short was taken as a UK number (user admin's "Mobile number").
        ("07700 90098", None),
        ("+44 7700 90098", None),
        ("020 7946 000", None),
        ("016977 2345", "0169772345"),  # the ten-digit numbers there are
        ("0800 123 456", "0800123456"),
    ],
)
def test_uk_phone_numbers(typed, stored):
    assert normalise_uk_phone(typed) == stored
