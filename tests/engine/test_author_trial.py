"""What a new form author's trial found: two case types written from the docs alone (an
elective home education notification, a school trip risk assessment), with the mistakes
authors make. Each test is a small case type that was taken, or told badly, before."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import CHILD_FORENAME, load_case, load_field

NAME = "{id: n, type: text, label: Name}"

# ---- words people read: not only spaces ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "part"),
    [
        ("{id: surname, type: text, label: '  '}", "'  '"),
        ("{id: intro, type: content, text: ' '}", "' '"),
        ("{id: consent, type: declaration, label: Consent, text: ' '}", "' '"),
        ("{id: consent, type: declaration, label: Consent, text: Yes, confirm_label: ' '}", "' '"),
        (f"{{id: staff, type: group, label: Staff, item_label: ' ', fields: [{NAME}]}}", "' '"),
        ("{id: kind, type: radios, label: Kind, options: [{value: a, label: ' '}]}", "' '"),
    ],
    ids=["label", "content", "declaration", "confirm-label", "item-label", "option-label"],
)
def test_text_of_only_spaces_where_people_read_it_is_refused(field, part):
    # taken before: the page showed an unlabelled box, a blank statement to tick, "Add another "
    problem = load_field(CHILD_FORENAME, field).expect("E104", field, part)
    assert "is only spaces, so people would read nothing there: write the words" in problem.message


def test_a_blank_page_title_or_button_is_refused():
    loaded = load_case(
        """
        - id: child
          title: ' '
          fields:
            - {id: forename, type: text, label: First name}
        """,
    )
    loaded.expect("E104", "title: ' '", "' '")


@pytest.mark.parametrize("setting", ["text: ''", "confirm_label: ''", "item_label: ''"])
def test_empty_words_of_a_field_type_are_refused_once(setting):
    # text: '' on a content block, a declaration or a group's item label was taken before
    kind = {
        "text": "{id: consent, type: declaration, label: Consent, %s}",
        "confirm_label": "{id: consent, type: declaration, label: Consent, text: Agreed, %s}",
        "item_label": "{id: staff, type: group, label: Staff, %s, fields: [" + NAME + "]}",
    }[setting.split(":")[0]]
    field = kind % setting
    loaded = load_field(CHILD_FORENAME, field)
    problem = loaded.expect("E104", field, "''")
    assert problem.message.endswith("must not be empty")
    assert len(loaded.problems) == 1, [str(p) for p in loaded.problems]
