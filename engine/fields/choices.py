"""Questions answered by choosing: yes/no, radios, checkboxes, select, and declarations."""

from __future__ import annotations

from engine.expressions import BOOL, LIST, TEXT, Symbol
from engine.fields.base import (
    WORDS,
    FieldType,
    Invalid,
    bounds_problem,
    plain_label,
    setting_problem,
)
from engine.input_names import option_id

OPTIONS_SCHEMA = {
    "description": "The choices: a list written here, or the name of a shared options list",
    "anyOf": [
        {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
    ],
}


class ChoiceType(FieldType):
    """One option from a list."""

    name = "radios"
    also_called = ("radio", "choice", "single_choice", "select_one", "option")
    read_in_browser = True
    summary = "One choice from a short list, shown as radio buttons."
    component = "radios"
    settings = {"options": OPTIONS_SCHEMA}
    required_settings = ("options",)
    choice_verb = True

    def parse(self, field, raw, values):
        value = raw.strip()
        if value not in {o.value for o in field.options}:
            raise Invalid(f"Select one of the options for ‘{plain_label(field)}’")
        return value

    def display(self, field, value):
        return "" if value is None else field.option_label(value)

    def answer_anchor(self, field, name, answer):
        """The chosen radio (the first when none is): a Change link that focused the first
        radio left a screen reader saying "not checked" of an answer that was chosen."""
        return _option_anchor(field, name, [answer])

    def answer_schema(self, field):
        return {"type": "string", "enum": [o.value for o in field.options]}

    def symbol(self, field):
        return Symbol(field.id, TEXT, _option_values(field), labels=_option_labels(field))

    def definition_problems(self, field):
        if any(o.exclusive for o in field.options):
            return [setting_problem("options", "'exclusive' only applies to checkboxes")]
        return []


class SelectType(ChoiceType):
    name = "select"
    also_called = ("dropdown", "drop_down", "combo", "list_select")
    summary = "One choice from a longer list, shown as a drop-down."
    component = "select"

    def answer_anchor(self, field, name, answer):
        return self.anchor(name)  # the one drop-down


class CheckboxesType(FieldType):
    name = "checkboxes"
    also_called = (
        "checkbox",
        "multi_select",
        "multiselect",
        "select_multiple",
        "multiple_choice",
        "tick_boxes",
    )
    read_in_browser = True
    summary = "Any number of choices (between min_choices and max_choices), shown as checkboxes."
    value_type = LIST
    component = "checkboxes"
    settings = {
        "options": OPTIONS_SCHEMA,
        "min_choices": {"type": "integer", "minimum": 0},
        "max_choices": {"type": "integer", "minimum": 1},
    }
    required_settings = ("options",)
    choice_verb = True

    def form_keys(self, field):
        return len(field.options)  # one value for each box ticked

    def form_field(self, field):
        from engine.fields.inputs import MultiAnswerField

        return MultiAnswerField(field.label, description=field.hint)

    def missing_message(self, field):
        if field.required_message:
            return field.required_message
        if not field.label.strip().endswith("?"):
            return super().missing_message(field)  # "Select the barriers to attendance"
        return self.question_missing_message(field, "Select") or (
            f"Select at least one option for ‘{plain_label(field)}’"
        )

    def parse(self, field, raw, values):
        known = [o.value for o in field.options]
        chosen = [v for v in known if v in set(raw)]  # keep the list's order, drop repeats
        if len(chosen) != len(set(raw)):
            raise Invalid(f"Select from the options for ‘{plain_label(field)}’")
        exclusive = {o.value for o in field.options if o.exclusive}
        if len(chosen) > 1 and exclusive & set(chosen):
            only = field.option_label(next(iter(exclusive & set(chosen))))
            raise Invalid(f"Select ‘{only}’ on its own, or untick it")
        low, high = field.settings.get("min_choices"), field.settings.get("max_choices")
        if low and len(chosen) < low and not exclusive & set(chosen):  # "None" is on its own
            raise Invalid(f"Select at least {low} options for ‘{plain_label(field)}’")
        if high and len(chosen) > high:
            raise Invalid(f"Select no more than {high} options for ‘{plain_label(field)}’")
        return chosen

    def display(self, field, value):
        return "\n".join(field.option_label(v) for v in value or [])

    def answer_anchor(self, field, name, answer):
        """The first box ticked (the first box when none is)."""
        return _option_anchor(field, name, answer or [])

    def answer_schema(self, field):
        low, high = field.settings.get("min_choices"), field.settings.get("max_choices")
        schema = {
            "type": "array",
            "items": {"enum": [o.value for o in field.options]},
            "uniqueItems": True,
            "minItems": max(low or 0, 1),  # none ticked is no answer
            "maxItems": high or len(field.options),
        }
        exclusive = [o.value for o in field.options if o.exclusive]
        if exclusive:  # "None of these" is ticked on its own, min_choices or not
            schema["allOf"] = [
                {"if": {"contains": {"const": value}}, "then": {"maxItems": 1}}
                for value in exclusive
            ]
            if (low or 0) > 1:
                schema["minItems"] = 1
                schema["allOf"].append(
                    {"if": {"not": {"contains": {"enum": exclusive}}}, "then": {"minItems": low}}
                )
        return schema

    def symbol(self, field):
        return Symbol(field.id, LIST, _option_values(field), labels=_option_labels(field))

    def definition_problems(self, field):
        problems = bounds_problem(field.settings, "min_choices", "max_choices")
        for key in ("min_choices", "max_choices"):
            count = field.settings.get(key)
            if field.options and count is not None and count > len(field.options):
                problems.append(
                    setting_problem(key, f"{count} is more than the {len(field.options)} options")
                )
        low = field.settings.get("min_choices")
        alone = [o for o in field.options if o.exclusive]
        # above every option is told above; above those ticked together, here
        if (
            alone
            and low is not None
            and len(field.options) - len(alone) < low <= len(field.options)
        ):
            problems.append(_min_above_together(field, alone))
        return problems


def _min_above_together(field, alone: list):
    """min_choices above the options ticked together: only "None of these", which is ticked
    on its own, could ever answer the question."""
    together = len(field.options) - len(alone)
    names = " and ".join(f"'{o.label}'" for o in alone)
    detail = (
        f"{field.settings['min_choices']} is more than the {together} options that can be "
        f"ticked together ({names} {'is' if len(alone) == 1 else 'are'} ticked on its own)"
    )
    return setting_problem("min_choices", detail)


class YesNoType(FieldType):
    name = "yes_no"
    also_called = ("boolean", "bool", "yesno", "toggle")
    read_in_browser = True
    summary = "Yes or No, stored as true or false; in expressions write `name` or `not name`."
    value_type = BOOL
    component = "yes_no"
    choice_verb = True

    def parse(self, field, raw, values):
        if raw not in ("yes", "no"):
            raise Invalid(f"Select yes or no for ‘{plain_label(field)}’")
        return raw == "yes"

    def to_form(self, field, value):
        return {True: "yes", False: "no"}.get(value, "")

    def answer_schema(self, field):
        return {"type": "boolean"}

    def display(self, field, value):
        return {True: "Yes", False: "No"}.get(value, "")

    def answer_anchor(self, field, name, answer):
        return option_id(name, 2 if answer is False else 1)  # Yes, then No


class DeclarationType(FieldType):
    name = "declaration"
    also_called = ("consent", "confirmation", "agreement", "confirm")
    read_in_browser = True
    summary = "A statement the user must tick to confirm (always required)."
    value_type = BOOL
    component = "declaration"
    always_required = True
    settings = {
        "text": {**WORDS, "description": "The statement being confirmed"},
        "confirm_label": {
            **WORDS,
            "default": "I confirm",
            "description": "The words beside the tick box",
        },
    }
    required_settings = ("text",)

    def missing_message(self, field):
        return field.required_message or "Tick the box to confirm the declaration"

    def parse(self, field, raw, values):
        if raw != "yes":
            raise Invalid(self.missing_message(field))
        return True

    def to_form(self, field, value):
        return "yes" if value else ""

    def answer_schema(self, field):
        return {"const": True}

    def display(self, field, value):
        return "Confirmed" if value else "Not confirmed"


TYPES = [YesNoType(), ChoiceType(), CheckboxesType(), SelectType(), DeclarationType()]


def _option_values(field) -> tuple[str, ...] | None:
    """The values expressions may compare the answer with; None (not checked) when there are
    no options, which only a list that is not defined leaves (E203, reported at it)."""
    return tuple(o.value for o in field.options) or None


def _option_labels(field) -> tuple[str, ...] | None:
    """The options' labels, for a "did you mean" of a label written for a value (E304)."""
    return tuple(o.label for o in field.options) or None


def _option_anchor(field, name: str, chosen) -> str:
    """The id of the first of `chosen` among the question's options, else the first option's."""
    positions = [i for i, o in enumerate(field.options, start=1) if o.value in chosen]
    return option_id(name, positions[0] if positions else 1)
