"""File uploads, repeating groups and content blocks."""

from __future__ import annotations

from dataclasses import replace

from engine.expressions import FILE, GROUP, Symbol
from engine.fields.base import (
    WORDS,
    FieldType,
    bounds_problem,
    indefinite_article,
    lower_first,
    plural,
)
from engine.input_names import input_name
from engine.problems import Code

# What a form author may allow, by the name they write.
FILE_KINDS = {
    "pdf": "PDF",
    "doc": "Word (.doc)",
    "docx": "Word",
    "odt": "OpenDocument text",
    "xls": "Excel (.xls)",
    "xlsx": "Excel",
    "ods": "OpenDocument spreadsheet",
    "csv": "CSV",
    "txt": "text",
    "jpg": "JPEG image",
    "png": "PNG image",
}

# The same kinds as a school names them, in the order hints list them.
_KINDS_IN_WORDS = (
    ("PDF", ("pdf",)),
    ("Word document", ("docx", "doc")),
    ("OpenDocument text", ("odt",)),
    ("Excel spreadsheet", ("xlsx", "xls")),
    ("OpenDocument spreadsheet", ("ods",)),
    ("CSV file", ("csv",)),
    ("text file", ("txt",)),
    ("photo", ("jpg", "png")),
)


# Photos a phone or camera may give that are not JPG or PNG, as people know them.
_OTHER_PHOTOS = {
    "heic": "HEIC",
    "avif": "AVIF",
    "webp": "WebP",
    "gif": "GIF",
    "tif": "TIFF",
    "bmp": "BMP",
}


def _a(words: str) -> str:
    return "an" if words[0] in "AEIOU" else "a"


def kinds_in_words(accept) -> str:
    """The kinds of file allowed, said once: "PDF, Word document or photo"."""
    words = []
    for word, kinds in _KINDS_IN_WORDS:
        allowed = [k for k in kinds if k in accept]
        if word == "photo" and len(allowed) == 1:
            word = f"photo ({allowed[0].upper()})"
        if allowed:
            words.append(word)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


class FileType(FieldType):
    name = "file"
    also_called = ("upload", "attachment", "document", "file_upload")
    summary = "A file upload: the kinds allowed (checked from the content) and a size limit."
    value_type = FILE
    component = "file"
    is_upload = True
    settings = {
        "accept": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": list(FILE_KINDS)},
            "description": "The kinds of file allowed",
        },
        "max_size_mb": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 50,
            "default": 10,
            "description": "The largest file allowed, in megabytes",
        },
    }
    required_settings = ("accept",)

    not_answered = "No file chosen"  # an item whose only answer, a file, was refused

    def missing_message(self, field):
        if field.required_message:
            return field.required_message
        plain = field.label.rstrip("?:. ")
        if field.label.strip().endswith("?"):  # "Select have you got …" is no instruction
            return f"Select a file for ‘{plain}’"
        return f"Select {lower_first(plain)}"

    def form_field(self, field):
        from engine.fields.inputs import file_field

        return file_field(field.label, field.hint)

    def upload_hint(self, field) -> str:
        """The author's hint, then the kinds and size allowed, said once."""
        size = f"{field.settings.get('max_size_mb', 10):g}MB"
        allowed = f"{kinds_in_words(field.settings['accept'])}, {size} at most."
        return f"{field.hint} {allowed}" if field.hint else allowed[0].upper() + allowed[1:]

    def wrong_kind_message(self, field, content: str | None = None) -> str:
        """What a file of a kind not allowed is told; `content` is what the file turned out to
        be (a photo of another kind is told which photos are taken: "must be … or photo" told
        an iPhone's HEIC photo, a photo, nothing it could act on)."""
        accept = field.settings["accept"]
        photos = [kind.upper() for kind in ("jpg", "png") if kind in accept]
        if content in _OTHER_PHOTOS and photos:
            name = _OTHER_PHOTOS[content]
            said = f"The selected file is {_a(name)} {name} photo: save it as "
            said += f"{_a(photos[0])} {' or '.join(photos)}"
            rest = [kind for kind in accept if kind not in ("jpg", "png")]
            if rest:
                words = kinds_in_words(rest)
                said += f", or choose {_a(words)} {words}"
            return said
        words = kinds_in_words(accept)
        return f"The selected file must be {_a(words)} {words}"

    def is_empty(self, raw) -> bool:
        return not isinstance(raw, dict)

    def typed_input(self, field, bound, before, files):
        return files.get(bound.name) or before  # a browser never sends a stored file back

    def parse(self, field, raw, values):
        return raw  # the web app stores the upload and gives its reference

    def display(self, field, value):
        return value.get("name", "") if isinstance(value, dict) else ""

    def answer_schema(self, field):
        largest = int(field.settings.get("max_size_mb", 10) * 1024 * 1024)
        return {
            "type": "object",
            "description": "An uploaded file: fetch its bytes by its id",
            "properties": {
                "id": {"type": "string", "minLength": 1, "description": "The stored file's id"},
                "name": {"type": "string", "description": "The file's name as stored"},
                "size": {"type": "integer", "minimum": 1, "maximum": largest},
                "kind": {"enum": list(field.settings["accept"])},
            },
            "required": ["id", "name", "size", "kind"],
            "additionalProperties": False,
        }


class GroupType(FieldType):
    name = "group"
    also_called = ("repeat", "repeating_group", "repeater", "add_another", "items", "list")
    read_in_browser = True
    summary = "A repeating group ('add another'): nested questions asked for each item."
    value_type = GROUP
    component = "group"
    holds_items = True
    settings = {
        "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
        "min_items": {"type": "integer", "minimum": 0, "default": 0},
        "max_items": {"type": "integer", "minimum": 1, "default": 50},
        "item_label": {**WORDS, "description": "What one item is called, e.g. 'Provider'"},
        "item_label_plural": {
            **WORDS,
            "description": "The plural, when adding 's' is wrong: 'Staff members', 'Children'",
        },
        "rules": {
            "type": "array",
            "items": {"$ref": "#/$defs/rule"},
            "description": "Checks made for each item, against one of its questions",
        },
    }
    required_settings = ("fields",)

    def item_name(self, field, count: int) -> str:
        """What `count` items are called, in lower case: "provider", "witnesses"."""
        item = field.settings.get("item_label", "item")
        if count != 1 and "item_label_plural" in field.settings:
            return lower_first(field.settings["item_label_plural"])
        return lower_first(plural(item, count))

    def missing_message(self, field):
        return field.required_message or f"Add at least one {self.item_name(field, 1)}"

    def add_words(self, field, items: int) -> str:
        """The add button: "Add another provider", or with no item yet "Add an incident"."""
        name = self.item_name(field, 1)
        return f"Add another {name}" if items else f"Add {indefinite_article(name)} {name}"

    def remove_words(self, field, number: int) -> str:
        """The remove button of item `number` (from 1): "Remove EHC plan 2"."""
        return f"Remove {self.item_name(field, 1)} {number}"

    def form_field(self, field):
        from engine.fields.inputs import group_list

        return group_list(
            {n.id: n.kind.form_field(n) for n in field.fields if n.kind.is_input},
            label=field.label,
            description=field.hint,
            min_entries=0,
            max_entries=self.max_items(field),
            min_items=field.settings.get("min_items", 0),
        )

    def form_keys(self, field):
        return self.max_items(field) * sum(n.kind.form_keys(n) for n in field.fields)

    def max_items(self, field) -> int:
        """The most items the group takes."""
        return field.settings.get("max_items", 50)

    def too_many_message(self, field) -> str:
        """The message when more items were sent than the group takes."""
        high = self.max_items(field)
        return f"Add no more than {high} {self.item_name(field, high)}"

    def removed_message(self, field, index: int, left: int) -> str:
        """What the user is told once the item at `index` is removed and `left` remain: which
        one went, and how the next is numbered now ("Child 2 has been removed. Child 3 is
        now child 2.")."""
        name = field.settings.get("item_label", "Item")
        said = f"{name} {index + 1} has been removed."
        if index < left:
            said += f" {name} {index + 2} is now {lower_first(name)} {index + 1}."
        return said

    def is_empty(self, raw) -> bool:
        return not raw

    def typed_input(self, field, bound, before, files):
        stored = before or []
        items = []
        for index, entry in enumerate(bound.entries):
            item = stored[index] if index < len(stored) else {}
            items.append(
                {
                    n.id: n.kind.typed_input(n, entry.form[n.id], item.get(n.id), files)
                    for n in field.fields
                    if n.kind.is_input
                }
            )
        return items

    def to_form(self, field, value):
        return [
            {n.id: n.kind.to_form(n, item.get(n.id)) for n in field.fields if n.has_value}
            for item in value or []
        ]

    def to_python(self, field, value):
        items = []
        for item in value or []:
            items.append(
                {f.id: f.kind.to_python(f, item.get(f.id)) for f in field.fields if f.has_value}
            )
        return items

    def display(self, field, value):
        count = len(value or [])
        return f"{count} {self.item_name(field, count)}"

    def summary_row(self, field, answer, values):
        row = super().summary_row(field, answer, values)
        items = tuple(self._item_rows(field, item) for item in answer or [])
        label = field.settings.get("item_label", "Item")
        return replace(row, items=items, item_label=label, anchor=self._first_input(field, answer))

    def _item_rows(self, field, item) -> tuple:
        """An item's answers as (label, text); one with none kept (a file chosen for it was
        refused) says what its questions lack ("No file chosen"), never a blank item."""
        rows = tuple(
            (n.label, n.kind.display(n, item.get(n.id)))
            for n in field.fields
            if n.has_value and item.get(n.id) is not None
        )
        asked = [n for n in field.fields if n.kind.is_input and n.show_if is None]
        return rows or tuple((n.label, n.kind.not_answered) for n in asked)

    def add_anchor(self, field) -> str:
        """The id of the group's "Add a …" button."""
        return f"{field.id}-add"

    def _first_input(self, field, answer) -> str:
        """Where the group's Change link goes: its first item's first question (the group's
        box cannot take the focus), or its "Add a …" button when its page shows no item (none
        answered, none needed): the group's box left the focus nowhere, with nothing said."""
        first = next((n for n in field.fields if n.kind.is_input and n.show_if is None), None)
        if not (answer or field.settings.get("min_items", 0)):
            return self.add_anchor(field)
        if first is None:
            return field.id
        return first.kind.anchor(input_name(field.id, 0, first.id))

    def answer_schema(self, field):
        from engine.answer_schema import item_schema  # the rules of `required`, made once

        low = field.settings.get("min_items", 0)
        schema = {"type": "array", "items": item_schema(field), "maxItems": self.max_items(field)}
        if field.required:
            schema["minItems"] = max(low, 1)
        elif low > 1:  # none at all, or at least min_items
            schema["anyOf"] = [{"maxItems": 0}, {"minItems": low}]
        return schema

    def symbol(self, field):
        members = {f.id: f.kind.symbol(f) for f in field.fields if f.has_value}
        return Symbol(field.id, GROUP, members=members)

    def definition_problems(self, field):
        low, most = field.settings.get("min_items", 0), self.max_items(field)
        if "max_items" not in field.settings and low > most:  # min_items: 60, and no more
            high = f"{most}, the most a group takes without max_items"
            return [("min_items", Code.E207, {"low": low, "high": high})]
        return bounds_problem(field.settings, "min_items", "max_items")


class ContentType(FieldType):
    name = "content"
    also_called = ("guidance", "html", "markdown", "note", "info", "heading")
    summary = "Guidance text between questions; no answer. Blank lines start new paragraphs."
    component = "content"
    has_value = False
    settings = {
        "text": WORDS,
        "style": {"enum": ["text", "inset", "warning"], "default": "text"},
    }
    required_settings = ("text",)


TYPES = [FileType(), GroupType(), ContentType()]
