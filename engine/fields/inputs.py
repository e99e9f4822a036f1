"""The WTForms fields that field types build for a page's form.

Imported only when a form is built (by FieldType.form_field), so that loading and validating
case types (`portal validate`) never loads WTForms.
"""

from __future__ import annotations

import wtforms

from engine.input_names import DATE_PARTS, SEPARATOR, item_index


class AnswerField(wtforms.Field):
    """Keeps exactly what was typed; the field type decides whether it is acceptable."""

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class MultiAnswerField(wtforms.Field):
    """Keeps the list of ticked values (checkboxes)."""

    def process_formdata(self, valuelist):
        self.data = [v for v in valuelist if v]

    def process_data(self, value):
        self.data = list(value or [])


class DateInputField(wtforms.Field):
    """Three boxes named ID-day, ID-month and ID-year; data is a dict of what was typed."""

    def process(self, formdata, data=wtforms.utils.unset_value, extra_filters=None):
        self.process_errors = []
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in DATE_PARTS):
            self.data = {p: (formdata.get(f"{self.name}-{p}") or "").strip() for p in DATE_PARTS}
        else:
            value = self.default if data is wtforms.utils.unset_value else data
            self.data = value if isinstance(value, dict) else {p: "" for p in DATE_PARTS}
        self.raw_data = [self.data]


class GroupList(wtforms.FieldList):
    """A repeating group's items: no more than `max_entries`, read from input names such as
    providers-0-name (engine/input_names.py: positions in ASCII digits, as written).
    `overflow` says whether more items were sent than the group takes."""

    overflow = False

    def __init__(self, *args, min_items: int = 0, **kwargs):
        super().__init__(*args, separator=SEPARATOR, **kwargs)
        self.min_items = min_items

    def process(self, formdata, data=wtforms.utils.unset_value, extra_filters=None):
        if formdata:
            self.overflow = len(set(self._extract_indices(self.name, formdata))) > self.max_entries
        elif data is not wtforms.utils.unset_value and data and len(data) > self.max_entries:
            self.overflow, data = True, list(data)[: self.max_entries]
        super().process(formdata, data, extra_filters)
        while not formdata and len(self.entries) < self.min_items:
            self.append_entry()  # shown ready to fill; a sent form has only what it sent

    def _extract_indices(self, prefix, formdata):
        start = f"{prefix}{SEPARATOR}"
        for key in formdata:
            if isinstance(key, str) and key.startswith(start):
                index = item_index(key[len(start) :].split(SEPARATOR, 1)[0])
                if index is not None:
                    yield index


def group_list(item_fields: dict, **settings) -> GroupList:
    """The list field of a repeating group whose items hold `item_fields` (id -> field)."""

    class ItemForm(wtforms.Form):
        pass

    for name, field in item_fields.items():
        setattr(ItemForm, name, field)
    return GroupList(wtforms.FormField(ItemForm, separator=SEPARATOR), **settings)


def file_field(label: str, description: str) -> wtforms.FileField:
    return wtforms.FileField(label, description=description)
