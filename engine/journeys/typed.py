"""A journey's answers, as a school types them, turned into what a browser would send.

Dates "14/5/2015" (or {day, month, year}, or "2015-05-14" as case-type files write them, or
"3 years ago", "5 months ago", "2 weeks ago", "in 2 weeks", "today", "yesterday", "tomorrow"
for a date that must stay right as time goes by) fill the three boxes; yes/no takes true/false
or Yes/No; a choice takes an option's value or its label; checkboxes a list; a repeating group
a list of mappings, one per item; an upload a file name. Everything else is sent as text.
"""

from __future__ import annotations

import datetime as dt
import re

import engine.uk_date as uk_date
from engine.input_names import input_name
from engine.model import Field, Page
from engine.problems import did_you_mean

_DATE = re.compile(r"^\s*(\d*)\s*[/.\- ]\s*(\d*)\s*[/.\- ]\s*(\d*)\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_AGO = re.compile(
    r"^\s*(?:(\d{1,4}) (day|week|month|year)s? (ago)|(in) (\d{1,4}) (day|week|month|year)s?"
    r"|(today|yesterday|tomorrow))\s*$",
    re.IGNORECASE,
)
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}  # as `min:` and `max:` take them


def date_ago(text: str) -> dt.date | None:
    """The UK date `text` says, "3 years ago" (on the same day of the month, or the month's
    last day when it has no such day), "5 months ago", "2 weeks ago", "in 2 weeks", "today",
    "yesterday", "tomorrow"; None if not."""
    match = _AGO.match(text)
    if not match:
        return None
    today = uk_date.today()
    if match.group(7):
        return today + dt.timedelta(days=_WORDS[match.group(7).lower()])
    ago = match.group(3) is not None
    count = int(match.group(1) if ago else match.group(5)) * (-1 if ago else 1)
    unit = (match.group(2) if ago else match.group(6)).lower()
    if unit in ("day", "week"):
        return today + dt.timedelta(days=count * (7 if unit == "week" else 1))
    months = today.year * 12 + today.month - 1 + count * (12 if unit == "year" else 1)
    year, month = divmod(months, 12)
    for day in range(today.day, 27, -1):  # 31 March, 1 month ago: 28 (or 29) February
        try:
            return dt.date(year, month + 1, day)
        except ValueError:
            continue
    return dt.date(year, month + 1, min(today.day, 28))


class AnswerProblem(Exception):
    """An answer the journey gives that the page cannot take (no such question)."""

    def __init__(self, where: tuple, message: str):
        super().__init__(message)
        self.where = where
        self.message = message


class FormData(dict):
    """Form values by input name, each a list, as WTForms reads a browser's form."""

    def getlist(self, key):
        return list(super().get(key, []))

    def get(self, key, default=None):
        """The first value, as a browser's form data gives it."""
        values = super().get(key)
        return values[0] if values else default

    def add(self, key: str, value) -> None:
        self.setdefault(key, []).append(value)


def form_input(page: Page, typed: dict, where: tuple) -> tuple[FormData, dict[str, dict]]:
    """The form data and the uploads (by input name) that typing `typed` on `page` sends;
    AnswerProblem (at `where` + the answer's key) for a question the page does not ask."""
    data, files = FormData(), {}
    by_id = {f.id: f for f in page.fields if f.kind.is_input}
    shown_only = {f.id for f in page.fields if not f.kind.is_input}
    for key, answer in typed.items():
        f = by_id.get(key)
        if f is None and key in shown_only:  # a calculated value, or guidance
            message = f"'{key}' on page '{page.id}' is not typed: check a value under values:"
            raise AnswerProblem((*where, key), message)
        if f is None:
            hint = did_you_mean(key, by_id) or comma_cut(key, typed)
            raise AnswerProblem((*where, key), f"page '{page.id}' asks no question '{key}'{hint}")
        _add(f, key, answer, data, files, (*where, key))
    return data, files


def comma_cut(key, mapping) -> str:
    """Why `key` with no value follows an answer in `mapping`: `{hours: 1,250}` reads as
    `hours: 1` and a key `250`, as a comma inside { } ends a value."""
    keys = list(mapping) if isinstance(mapping, dict) else []
    if key not in keys or mapping[key] is not None or keys.index(key) == 0:
        return ""
    before = keys[keys.index(key) - 1]
    return (
        f"; a comma inside {{ }} ends the answer to '{before}' before it: put an answer with a "
        "comma in quotes"
    )


def _add(f: Field, name: str, answer, data: FormData, files: dict, where: tuple) -> None:
    if answer is None:
        return
    kind = f.kind
    if kind.holds_items:
        _add_items(f, name, answer, data, files, where)
    elif kind.is_upload:
        files[name] = _upload(str(answer))
    elif kind.component == "date":
        for part, value in zip(("day", "month", "year"), _date_parts(answer), strict=True):
            data.add(f"{name}-{part}", value)
    elif isinstance(answer, list):
        for value in answer:
            data.add(name, _choice(f, value, where))
    elif kind.component in ("yes_no", "declaration"):
        data.add(name, _yes_no(f, answer, where))
    else:
        data.add(name, _choice(f, answer, where))


def _add_items(f: Field, name: str, items, data: FormData, files: dict, where: tuple) -> None:
    if not isinstance(items, list):
        raise AnswerProblem(where, f"'{f.id}' is a repeating group: give a list of items")
    nested = {n.id: n for n in f.fields if n.kind.is_input}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise AnswerProblem((*where, index), "give each item as a mapping of its answers")
        for key, answer in item.items():
            if key not in nested:
                hint = did_you_mean(key, nested)
                message = f"'{f.id}' items ask no question '{key}'{hint}"
                raise AnswerProblem((*where, index, key), message)
            at = (*where, index, key)
            _add(nested[key], input_name(name, index, key), answer, data, files, at)


def _date_parts(answer) -> tuple[str, str, str]:
    if isinstance(answer, dict):
        return tuple(str(answer.get(p, "") or "") for p in ("day", "month", "year"))
    ago = date_ago(str(answer))
    if ago is not None:
        return str(ago.day), str(ago.month), str(ago.year)
    iso = _ISO_DATE.match(str(answer))
    if iso:  # year first, as case-type files write dates: the year went in the day box
        return iso.group(3), iso.group(2), iso.group(1)
    match = _DATE.match(str(answer))
    if not match:
        return str(answer), "", ""  # as if typed in the day box alone
    return match.group(1), match.group(2), match.group(3)


def _yes_no(f: Field, answer, where: tuple) -> str:
    """What the radios (or the tick box) send: yes or no; AnswerProblem for any other answer,
    which no browser could send."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    text = str(answer).strip().lower()
    if text in ("yes", "no"):
        return text
    raise AnswerProblem(where, f"'{f.id}' is answered Yes or No (or true or false), not '{answer}'")


def _choice(f: Field, answer, where: tuple) -> str:
    """An option's value for its value or its label (as a school reads it), or a drop-down's
    empty first entry; AnswerProblem for anything else, which no browser could send. Text for
    a question without options."""
    text = str(answer)
    if not f.options or any(o.value == text for o in f.options):
        return text
    if f.kind.component == "select" and not text.strip():  # its "Select an option" entry
        return ""
    by_label = {o.label.lower(): o.value for o in f.options}
    if text.strip().lower() in by_label:
        return by_label[text.strip().lower()]
    raise AnswerProblem(where, f"'{text}' is not an option of '{f.id}'{_options_hint(f, text)}")


def _options_hint(f: Field, text: str) -> str:
    """The option meant (`e` for `E`, a near label), or else every option."""
    near = did_you_mean(text.strip(), [o.value for o in f.options] + [o.label for o in f.options])
    if near:
        return near
    listed = (f"{o.value} ({o.label})" if o.label != o.value else o.value for o in f.options)
    return "; give an option's value or its label: " + ", ".join(listed)


def _upload(name: str) -> dict:
    """The reference the web app stores for an upload (no file is read or kept)."""
    kind = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"id": 0, "name": name, "size": 1, "kind": kind}
