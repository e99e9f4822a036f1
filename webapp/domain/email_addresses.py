"""The one check of an email address the portal accepts (User admin, council admin, the
onboarding commands, sign-in and forgotten password), and the form it is stored in.

email-validator (as WTForms' Email() uses) reads the address as a mail server would, so that
the address stored is the one the mail goes to: `x<spy@evil.example>` or `odd"<>@example.org`
are refused rather than sent to `spy@evil.example` or `odd`. Deliverability (DNS) is not
checked: a school's mail server may be unreachable from the portal, and that must not stop an
admin adding its staff.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254
FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.org"


class InvalidEmail(ValueError):
    """Not an address the portal can send mail to; the message says why."""


def checked_email(text: str) -> str:
    """The address as stored and mailed: lower case, with an internationalised domain in its
    ASCII (punycode) form; InvalidEmail when it is not one address that mail can reach.

    The part before the @ must be ASCII (allow_smtputf8=False): the outbox sends through
    smtplib without SMTPUTF8, which cannot carry `jö@example.org`, and councils' mail relays
    seldom accept it either. The whole address is lower-cased, as usernames always were here.
    """
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise InvalidEmail(f"Email address must be {MAX_LENGTH} characters or fewer")
    try:
        found = validate_email(
            text, check_deliverability=False, allow_smtputf8=False, allow_display_name=False
        )
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    address = found.ascii_email.lower()
    if len(address) > MAX_LENGTH:
        raise InvalidEmail(f"Email address must be {MAX_LENGTH} characters or fewer")
    return address


def lookup_form(text: str) -> str:
    """The stored form of an address typed to find an account (sign-in, forgotten password):
    as checked_email gives it, or, for text that is no valid address, only trimmed and
    lower-cased, so that it finds nothing new but accounts stored before this check still
    sign in."""
    try:
        return checked_email(text)
    except InvalidEmail:
        return (text or "").strip().lower()
