"""What the engine says to people reads as English: suffixes agree with the number, the kinds
of file allowed are said once in a school's words, worked-out values offer nothing to change,
and telephone numbers stay as typed."""

from __future__ import annotations

from engine.fields.other import kinds_in_words

PAGES = """
- id: closure
  title: Closure
  fields:
    - {id: days_closed, type: number, label: Days closed, suffix: days, suffix_one: day}
    - {id: miles, type: number, label: Distance, suffix: miles}
    - id: sessions
      type: calculated
      label: Sessions lost
      value: days_closed * 2 - 1
      suffix: sessions
      suffix_one: session
    - {id: phone, type: phone, label: Telephone number}
    - id: plan
      type: file
      label: Signed plan
      hint: Signed by the parent.
      accept: [pdf, docx, doc, jpg, png]
    - {id: sheet, type: file, label: Register, accept: [xlsx, csv], max_size_mb: 5}
"""


def rows(case, answers):
    [section] = case.summary_sections(answers)
    return {row.label: row for row in section.rows}


def test_suffixes_agree_with_the_number(compile_case):
    case = compile_case(PAGES)
    one = rows(case, {"days_closed": 1, "miles": 1})
    assert one["Days closed"].value == "1 day"
    assert one["Sessions lost"].value == "1 session"
    assert one["Distance"].value == "1 miles"  # no suffix_one: the suffix as written
    two = rows(case, {"days_closed": 2})
    assert (two["Days closed"].value, two["Sessions lost"].value) == ("2 days", "3 sessions")


def test_a_worked_out_value_has_nothing_to_change(compile_case):
    summary = rows(compile_case(PAGES), {"days_closed": 2})
    assert not summary["Sessions lost"].changeable
    assert summary["Days closed"].changeable


def test_the_kinds_of_file_allowed_are_said_once_in_words(compile_case):
    case = compile_case(PAGES)
    plan, sheet = (case.fields[name] for name in ("plan", "sheet"))
    assert plan.kind.upload_hint(plan) == (
        "Signed by the parent. PDF, Word document or photo, 10MB at most."
    )
    assert sheet.kind.upload_hint(sheet) == "Excel spreadsheet or CSV file, 5MB at most."
    assert sheet.kind.wrong_kind_message(sheet) == (
        "The selected file must be an Excel spreadsheet or CSV file"
    )
    assert kinds_in_words(["png"]) == "photo (PNG)"


def test_a_telephone_number_is_kept_as_typed(compile_case):
    case = compile_case(PAGES)
    phone = case.fields["phone"]
    assert phone.kind.parse(phone, "+44 7700  900 982", {}) == "+44 7700 900 982"
