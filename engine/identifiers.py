"""UK education identifiers and formats: UPN check letters, postcodes, phone numbers."""

from __future__ import annotations

import re

# Letters used by UPNs: the alphabet without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# [0-9], not \d, which takes the digits of every script (Arabic-Indic ٣ too)
UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{9}([0-9]{3}|[0-9]{2}[A-HJ-NP-RT-Z])$")

POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (positions 2 to 13 of the UPN).

    Each character is multiplied by its position (2..13); a letter counts as its index in
    UPN_LETTERS. The sum mod 23 picks the check letter.
    """
    total = 0
    for position, char in enumerate(body, start=2):
        value = UPN_LETTERS.index(char) if char.isalpha() else int(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why `upn` is not a valid UPN, or None when it is (check letter included)."""
    if len(upn) != 13:
        return "UPN must be 13 characters"
    if not UPN_PATTERN.fullmatch(upn):
        return "UPN must be a letter, 11 digits and then a digit or a letter"
    if upn_check_letter(upn[1:]) != upn[0]:
        return "UPN check letter does not match: check the UPN has been typed correctly"
    return None


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in upper case with one space, or None when it is not one."""
    compact = re.sub(r"\s+", "", text).upper()
    match = POSTCODE_PATTERN.fullmatch(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def normalise_uk_phone(text: str) -> str | None:
    """A UK phone number as digits starting 0 (from +44 forms too), or None when it is not one."""
    compact = re.sub(r"[\s\-().]", "", text)
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:].removeprefix("0")
    # Ten digits in all only for some 01 area codes (016977 2345) and 0800 (0800 123 456);
    # every other UK number, mobiles (07) included, has eleven: "07700 90098" is a digit short.
    if re.fullmatch(r"0\d{10}|01\d{8}|0800\d{6}", compact):
        return compact
    return None
