"""Every problem code of engine/problems.py, each shown by a small broken definition.

Each test writes a case type, workflow or options-list file inline, loads it and asserts the
problem's code and where it points. Lines and columns are worked out from the YAML text itself:
`position(text, needle, part)` finds the one place `needle` occurs and the column where `part` of
it starts (the offending key or value). Messages are checked for what matters to the author (the
name, the suggestion), not for their exact wording.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from engine import load_catalogue
from engine.problems import Code, Problem
from engine.source import load_source
from tests.engine.conftest import WORKFLOWS, case_type_yaml, catalogue_of

# ---- helpers -----------------------------------------------------------------------------------

COVERED: set[str] = set()


def covers(*codes: str):
    """Record that the decorated test shows these codes (the last test checks all are shown)."""

    def mark(test):
        COVERED.update(codes)
        return test

    return mark


def position(text: str, needle: str, part: str | None = None) -> tuple[int, int]:
    """1-based line and column where `part` (default: all) of the one `needle` in `text` starts."""
    assert text.count(needle) == 1, f"{needle!r} must occur exactly once in the test YAML"
    index = text.index(needle) + (needle.index(part) if part else 0)
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return line, column


class Loaded:
    """Inline files loaded as a catalogue: their problems, and their text to locate them in."""

    def __init__(self, files: dict[str, str], shared: bool = True):
        self.files = {path: textwrap.dedent(text) for path, text in files.items()}
        self.catalogue = catalogue_of(*self.files.items(), shared=shared)
        self.problems = self.catalogue.problems
        self.main = next(iter(self.files))

    def at(self, needle: str, part: str | None = None, path: str | None = None):
        return position(self.files[path or self.main], needle, part)

    def expect(
        self, code: str, needle: str, part: str | None = None, path: str | None = None
    ) -> Problem:
        """The problem `code` found where `part` of `needle` starts; fails listing all found."""
        path = path or self.main
        line, col = self.at(needle, part, path)
        found = [
            p for p in self.problems if (p.path, p.code, p.line, p.col) == (path, code, line, col)
        ]
        assert found, f"expected {code} at {path}:{line}:{col}, found:\n" + "\n".join(
            str(p) for p in self.problems
        )
        return found[0]

    def located(self, path: str | None = None) -> list[tuple[str, int, int]]:
        """(code, line, column) of each problem in one file, in the order reported."""
        return [(p.code, p.line, p.col) for p in self.problems if p.path == (path or self.main)]


def load_case(pages: str, **kwargs) -> Loaded:
    """A case type (test header, `workflow: simple`) around the given pages, as case.yaml."""
    return Loaded({"case.yaml": case_type_yaml(pages, **kwargs)})


def load_file(text: str, path: str = "case.yaml", shared: bool = True) -> Loaded:
    return Loaded({path: text}, shared=shared)


CHILD_FORENAME = "{id: forename, type: text, label: First name}"


def load_field(*fields: str) -> Loaded:
    """A case type with one page, About the child, holding these fields, each written as a YAML
    flow mapping."""
    questions = "".join(f"\n            - {field}" for field in fields)
    return load_case(f"""
        - id: child
          title: About the child
          fields:{questions}
    """)


def load_condition(condition: str) -> Loaded:
    """A case type whose last question is shown only when `condition` holds."""
    return load_field(
        CHILD_FORENAME,
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}",
        "{id: sen_provision, type: radios, label: SEN provision, options: sen_provision}",
        "{id: start_date, type: date, label: Start date}",
        f'{{id: note, type: text, label: Note, show_if: "{condition}"}}',
    )


CHILD_PAGE = f"""
- id: child
  title: About the child
  fields:
    - {CHILD_FORENAME}
"""


GROUP_PAGE = """
- id: staff
  title: Staff
  fields:
    - id: people
      type: group
      label: People
      fields:
        {fields}
"""


def load_group(*fields: str) -> Loaded:
    """A case type with one page, Staff, holding a group, People, of these fields (each a YAML
    flow mapping)."""
    return load_case(GROUP_PAGE.format(fields="\n        ".join(f"- {f}" for f in fields)))


def after_child_page(pages: str) -> str:
    """The pages of CHILD_PAGE and then these."""
    return CHILD_PAGE + textwrap.dedent(pages)


# ---- one-line mistakes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A one-line mistake: what loads it, the problem it gives and where, and what the message
    must say (each of `says`, and how it starts and ends)."""

    load: Callable[[str], Loaded]
    text: str
    code: str
    needle: str
    part: str | None = None
    says: tuple[str, ...] = ()
    starts: str = ""
    ends: str = ""


# Keyed by the name each had as a test of its own.
ONE_LINE_MISTAKES = {
    "a_yaml_syntax_error_points_at_the_character_that_breaks_it": Shown(
        load_file,
        "name: Part-time timetable: notification\n",
        "E001",
        "timetable: notification",
        ":",
        says=("mapping values are not allowed",),
    ),
    "a_file_holding_a_list_instead_of_a_mapping_is_refused": Shown(
        load_file, "- id: child\n- id: school\n", "E003", "- id: child", says=("a list",)
    ),
    "a_misspelt_key_suggests_the_right_one": Shown(
        load_field,
        "{id: forename, type: text, lable: First name}",
        "E100",
        "lable: First name",
        "lable",
        says=("'lable'", "did you mean 'label'?"),
    ),
    "a_setting_of_another_field_type_says_which_types_it_belongs_to": Shown(
        load_field,
        "{id: forename, type: text, label: First name, options: [a, b]}",
        "E100",
        "options: [a, b]",
        "options",
        says=("setting of radios, checkboxes, select questions, not text",),
    ),
    "a_comma_in_unquoted_flow_text_explains_that_it_started_a_new_key": Shown(
        load_field,
        "{id: forename, type: text, label: Name, first or known as}",
        "E100",
        "first or known as",
        says=("quotes",),
    ),
    "a_missing_required_key_points_at_the_mapping_that_lacks_it": Shown(
        load_field, "{id: forename, type: text}", "E101", "{id: forename", "{", says=("'label'",)
    ),
    "a_value_of_the_wrong_type_says_what_was_expected": Shown(
        load_field,
        "{id: forename, type: text, label: First name, required: 1}",
        "E102",
        "required: 1",
        "1",
        says=("true or false",),
    ),
    "a_true_false_setting_written_no_is_text_not_false": Shown(
        load_field,
        "{id: nickname, type: text, label: Known as, required: no}",
        "E102",
        "required: no",
        "no",
        ends="not 'no', which YAML reads as text: write false",  # was "not text" (a trial)
    ),
    "an_unknown_field_type_suggests_the_closest_type": Shown(
        load_field,
        "{id: date_of_birth, type: dat, label: Date of birth}",
        "E103",
        "type: dat,",
        "dat",
        says=("'dat'",),
        ends="did you mean 'date'?",
    ),
    "a_misspelt_file_kind_suggests_the_right_one": Shown(
        load_file,
        "kind: workflow\n",
        "E103",
        "workflow",
        "workflow",
        ends="did you mean 'workflows'?",
    ),
    "an_id_with_capital_letters_breaks_the_naming_pattern": Shown(
        load_field,
        "{id: ForeName, type: text, label: First name}",
        "E104",
        "id: ForeName",
        "ForeName",
        says=("lower-case letters",),
    ),
    "a_date_bound_not_written_as_a_date_is_refused": Shown(
        load_field,
        "{id: start_date, type: date, label: Start date, min: 31/01/2026}",
        "E104",
        "min: 31/01/2026",
        "31/01/2026",
    ),
    "a_misspelt_shared_options_list_suggests_the_defined_one": Shown(
        load_field,
        "{id: sen, type: radios, label: SEN provision, options: sen_provison}",
        "E203",
        "options: sen_provison",
        "sen_provison",
        ends="did you mean 'sen_provision'?",
    ),
    "an_expression_that_does_not_parse_points_at_the_problem": Shown(
        load_condition,
        "has_ehcp and (forename",
        "E300",
        "(forename",
        "(",
        says=("'(' was never closed",),
    ),
    "an_empty_expression_is_not_valid": Shown(
        load_condition,
        "",
        "E300",
        '""}',
        '"}',
        says=("empty",),  # where the empty text starts
    ),
    "a_quoted_expression_with_leading_spaces_is_located_at_the_offending_text": Shown(
        load_condition, "   has_ehcp and a.b", "E301", "has_ehcp and a.b", "a.b"
    ),
    "a_misspelt_field_name_in_an_expression_suggests_the_field": Shown(
        load_condition,
        "has_echp",
        "E302",
        "has_echp",
        says=("'has_echp'",),
        ends="did you mean 'has_ehcp'?",
    ),
    "comparing_a_choice_with_a_value_that_is_not_an_option": Shown(
        load_condition,
        "has_ehcp and sen_provision == 'X'",
        "E304",
        "sen_provision == 'X'",
        says=("'X'", "E, K, N"),
    ),
    "arithmetic_on_a_date_suggests_days_between": Shown(
        load_condition,
        "has_ehcp and start_date + 7 > 0",
        "E305",
        "start_date + 7",
        says=("days_between()",),
    ),
    "a_misspelt_function_suggests_the_real_one": Shown(
        load_condition,
        "has_ehcp and start_date < todya()",
        "E306",
        "todya()",
        says=("'todya'",),
        ends="did you mean 'today'?",
    ),
    "a_function_called_with_the_wrong_number_of_values": Shown(
        load_condition,
        "has_ehcp and days_between(start_date) > 7",
        "E307",
        "days_between(start_date)",
        starts="days_between()",
    ),
}


@covers(*{shown.code for shown in ONE_LINE_MISTAKES.values()})
@pytest.mark.parametrize("shown", ONE_LINE_MISTAKES.values(), ids=ONE_LINE_MISTAKES.keys())
def test_a_one_line_mistake_is_reported_where_it_is(shown):
    problem = shown.load(shown.text).expect(shown.code, shown.needle, shown.part)
    for words in shown.says:
        assert words in problem.message
    assert problem.message.startswith(shown.starts), problem.message
    assert problem.message.endswith(shown.ends), problem.message


# ---- reading the file --------------------------------------------------------------------------


@covers("E001")
def test_a_file_that_is_not_utf8_is_a_syntax_error_at_the_first_letter_it_cannot_read(tmp_path):
    # saved as Windows' "ANSI" (Latin-1): it was reported at 1:1, and the author of a long
    # file was left to find the é themselves
    text = "id: visit\n# Zoë's notes, kept in UTF-8 here\nname: Café visit\n"
    raw = text.encode().replace("Café".encode(), "Café".encode("latin-1"))
    (tmp_path / "latin1.yaml").write_bytes(raw)
    problems = load_catalogue(str(tmp_path)).problems
    assert [(p.code, p.line, p.col) for p in problems] == [("E001", 3, 10)]
    assert problems[0].message.endswith(
        "not UTF-8 text: byte 0xE9 here is no UTF-8 character (a file saved as ANSI or "
        "Latin-1 writes é so); save the file with the encoding UTF-8"
    ), problems[0].message


@covers("E001")
def test_a_file_saved_as_utf16_is_said_to_be_utf16_not_ansi(tmp_path):
    # Notepad's "Unicode" writes UTF-16 with a byte-order mark: the message said the file was
    # saved as ANSI and that its first byte wrote "ÿ" (review20)
    for encoding in ("utf-16-le", "utf-16-be"):
        raw = "\ufeffid: visit\nname: Café visit\n".encode(encoding)
        (tmp_path / "unicode.yaml").write_bytes(raw)
        problems = load_catalogue(str(tmp_path)).problems
        assert [(p.code, p.line, p.col) for p in problems] == [("E001", 1, 1)]
        assert problems[0].message.endswith(
            'not UTF-8 text: the file is saved as UTF-16 (Notepad\'s "Unicode"); save it with '
            "the encoding UTF-8"
        ), problems[0].message
        assert "ANSI" not in problems[0].message


@covers("E001")
def test_an_unclosed_quote_is_reported_where_the_quote_opens():
    loaded = load_field(
        '{id: forename, type: text, label: "First name}',
        "{id: surname, type: text, label: Last name}",
    )
    problem = loaded.expect("E001", '"First name}', '"')
    assert "quote" in problem.message


@covers("E001")
@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        ("id: x\nlabel:\n\tname: y\n", (3, 1), "indent with spaces, never tabs"),
        ('id: x\npattern: "\\d{4}"\n', (2, 11), "write a pattern in single quotes"),
        ("id: x\nf: {label: Sibling #1, b: 2}\n", (3, 1), "inside { } a ' #' starts a comment"),
        ("id: x\nlabel: Note: see below\n", (2, 12), "a text with ': ' in it needs quotes"),
        ("id: x\nf:\n  - a\n  b: 1\n", (4, 3), "every item of a list starts with '- '"),
        ("id: x\nshow_if: 'E' == need\n", (2, 14), "put all of it in the other quotes"),
        ("f: {id: x, label: 'Sam' is here}\n", (1, 25), "put all of it in the other quotes"),
        ("id: x\npattern: [A-Z]{2}\\d{6}  # ref\n", (2, 15), "pattern: '[A-Z]{2}\\d{6}'"),
        ("f:\n  - id: x\n    label: [Draft] Pupil's plan\n", (3, 20), "'[Draft] Pupil''s plan'"),
        ("t:\n  - {a: 1}\n  {a: 3}\n  - {a: 5}\n", (3, 3), "write '- ' before it, as the items"),
        ("t:\n  - Morning\n  Afternoon\n", (3, 3), "write '- ' before it, as the items"),
        ("id: x\nlabel Name\nhint: h\n", (2, 1), "neither a key (a word and ':')"),
    ],
    ids=[
        "tab",
        "escape-in-double-quotes",
        "hash-in-braces",
        "colon-in-text",
        "list-item",
        "quote-starts-a-condition",  # was: "this line is not indented as the lines around it"
        "quote-starts-a-label-in-braces",
        "bracket-starts-a-pattern",  # was: "this line is not indented as the lines around it"
        "bracket-starts-a-label",
        "item-without-its-dash",  # was: at the line after, which has its dash
        "last-item-without-its-dash",
        "a-line-that-is-neither-key-nor-item",
    ],
)
def test_common_yaml_slips_say_how_to_mend_them(text, where, hint):
    """libyaml says what it met; the author also needs to know what to change."""
    loaded = load_file(text)
    problem = next(p for p in loaded.problems if p.code == "E001")
    assert ((problem.line, problem.col), hint in problem.message) == (where, True), problem


@covers("E001")
@pytest.mark.parametrize("text", ["id: x\nf: [", "id: x\nf: {a: ", "f: [a,\n"])
def test_a_file_that_stops_inside_brackets_is_one_problem(text):
    """libyaml's place is past the file's last line there: looking at that line must not
    raise (as it did, for a moment, in portal preview)."""
    loaded = load_file(text)
    assert [p.code for p in loaded.problems if p.severity == "error"] == ["E001"]


@covers("E002")
def test_a_key_given_twice_is_reported_at_the_second_with_the_line_of_the_first():
    loaded = load_case("""
        - id: child
          title: About the child
          title: About the pupil
          fields:
            - {id: forename, type: text, label: First name}
    """)
    problem = loaded.expect("E002", "title: About the pupil", "title")
    first_line = loaded.at("title: About the child")[0]
    assert "'title'" in problem.message and f"line {first_line}" in problem.message


# ---- hostile files: too big, too deep, aliases that multiply -----------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# "Billion laughs": sixteen lines that expand to a billion items, here under a key nobody knows.
BILLION_LAUGHS = """\
id: laughs
unknown_key:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def validate_in_new_process(path) -> subprocess.CompletedProcess:
    """`portal validate PATH` in a process of its own, held to 1 GB of memory (so a file that
    eats memory fails fast with MemoryError instead of slowing the machine)."""

    def limit_memory():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "webapp.cli", "validate", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit_memory,
    )


@covers("E004")
def test_a_file_over_1_mb_is_refused_on_line_1(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (1024 * 1024) + "\nid: huge\n")
    problems = load_catalogue(str(path)).problems
    assert [(p.code, p.line, p.col) for p in problems] == [("E004", 1, 1)]
    assert "1 MB (1,048,576 bytes)" in problems[0].message


def test_a_file_of_exactly_1_mb_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (1024 * 1024 - 14) + "\nkind: link\n")
    assert path.stat().st_size == 1024 * 1024
    assert {p.code for p in load_catalogue(str(path)).problems} == {"E101"}  # read, then checked


@covers("E004")
def test_a_file_that_never_ends_is_read_no_further_than_the_limit(tmp_path):
    endless = tmp_path / "endless.yaml"
    endless.symlink_to("/dev/zero")
    run = validate_in_new_process(endless)
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stdout == (
        f"{endless}:1:1: error E004: the file is larger than 1 MB (1,048,576 bytes), "
        "the most a case-type file may be\n"
    )


@covers("E005")
def test_aliases_that_multiply_are_refused_at_the_alias_that_goes_too_far():
    # The first six lines of BILLION_LAUGHS make only a hundred thousand: safe to try anywhere.
    text = "".join(BILLION_LAUGHS.splitlines(keepends=True)[:7])
    loaded = load_file(text)
    [problem] = [p for p in loaded.problems if p.path == "case.yaml"]
    line = loaded.at("d: &d")[0]
    assert (problem.code, problem.line) == ("E005", line)
    assert "'*c'" in problem.message and "10,000" in problem.message


@covers("E005")
def test_a_small_file_may_expand_to_10_000_parts_and_no_more():
    ten = ", ".join(["x"] * 10)
    text = f"id: lists\nlists:\n  a: &a [{ten}]\n"  # 15 parts written here, 2 a line below
    text += "".join(f"  c{i}: [{', '.join(['*a'] * 10)}]\n" for i in range(89))
    codes = {code for code, _line, _col in load_file(text).located()}
    assert "E005" not in codes  # 195 parts written, 9,985 once expanded
    text += "  last: [*a, *a]\n"
    problem = load_file(text).expect("E005", "  last: [*a, *a]", "*a]")  # 9,998, then 10,009
    assert "10,000" in problem.message


def test_billion_laughs_does_not_exhaust_portal_validate(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    run = validate_in_new_process(path)
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    line = position(BILLION_LAUGHS, "f: &f")[0]
    assert run.stdout.startswith(f"{path}:{line}:")
    assert "error E005: the alias '*e' expands the file past 1,000,000 parts" in run.stdout


def test_anchors_and_merge_keys_stay_usable():
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - &name {id: forename, type: text, label: First name, max_length: 50}
            - {<<: *name, id: surname, label: Last name}
            - id: middle
              <<: *name
              label: Middle names
              required: false
    """)
    assert [p for p in loaded.problems if p.path == "case.yaml"] == []
    fields = loaded.catalogue.get("test-case").fields
    assert [(f.label, f.settings["max_length"], f.required) for f in fields.values()] == [
        ("First name", 50, True),
        ("Last name", 50, True),
        ("Middle names", 50, False),
    ]


def test_a_problem_with_an_alias_is_reported_where_the_alias_is_written():
    """The same field twice through an alias: the second use is the mistake (an author's trial
    found it reported on the anchor's line)."""
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - &name {id: forename, type: text, label: First name}
            - *name
    """)
    problem = loaded.expect("E200", "- *name", "*name")
    assert "already used on line" in problem.message


def test_a_problem_with_what_a_merge_key_brings_is_reported_at_the_merge():
    """`{<<: *name, label: …}` without a new id uses the anchor's id again: reported where
    the merge is written, not on the anchor's line (a journey's `{<<: *child, …}` variant,
    too, fails at its own line)."""
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - &name {id: forename, type: text, label: First name}
            - {<<: *name, label: Last name}
    """)
    problem = loaded.expect("E200", "{<<: *name", "*name")
    assert "already used on line" in problem.message


@pytest.mark.parametrize("written", ["&cond forename and ", "!!str forename and "])
def test_a_place_inside_an_anchored_or_tagged_text_is_counted_from_the_text(written):
    """libyaml places such a text at its `&cond` or `!!str`: the unknown name was reported
    that many columns before it."""
    loaded = load_case(f"""
        - id: child
          title: About the child
          fields:
            - {CHILD_FORENAME}
            - {{id: older, type: yes_no, label: Older?, show_if: {written}countyr == 'x'}}
            - id: after
              type: yes_no
              label: After?
              show_if: &later # the text starts on the next line
                forename and
                  contry == 'x'
    """)
    loaded.expect("E302", "countyr == 'x'")
    loaded.expect("E302", "contry == 'x'")


def test_a_place_inside_the_text_an_alias_brings_is_the_alias_itself():
    """Counting into `*cond` pointed past it, at whatever followed on the line."""
    loaded = load_case(f"""
        - id: child
          title: About the child
          fields:
            - {CHILD_FORENAME}
            - {{id: older, type: yes_no, label: Older?, show_if: &cond forename and countyr}}
            - {{id: again, type: yes_no, label: Again?, show_if: *cond}}
    """)
    loaded.expect("E302", "forename and countyr", "countyr")
    loaded.expect("E302", "*cond}", "*cond")
    assert len(loaded.located()) == 2, loaded.located()


@covers("E007")
@pytest.mark.parametrize(
    "text", ["", "\n\n", "# The suspension form, to come\n# id: suspension\n", "---\n", "~\n"]
)
def test_an_empty_or_comment_only_file_is_one_problem_saying_so(text):
    """It gave seven 'missing required key' at 1:1, in the preview too while an editor saves
    a new file (an author's trial)."""
    loaded = load_file(text)
    assert [(p.code, p.line, p.col) for p in loaded.problems] == [("E007", 1, 1)]
    assert "the file holds nothing" in loaded.problems[0].message


@covers("E006")
@pytest.mark.parametrize("depth", [2_000, 200_000])
def test_lists_nested_thousands_deep_are_refused_without_crashing(tmp_path, depth):
    text = "id: deep\nvalue: " + "[" * depth + "]" * depth + "\n"
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    run = validate_in_new_process(path)  # libyaml's own composer would kill the process
    # The top-level mapping is the first level, so the 50th "[" (column 57) is the 51st.
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert (
        run.stdout == f"{path}:2:57: error E006: lists and mappings are nested more than 50 deep\n"
    )


@covers("E006")
def test_an_alias_that_would_nest_too_deep_is_refused_at_the_alias():
    text = (
        "id: deep\nshared: &deep "
        + "[" * 30
        + "]" * 30
        + "\nvalue: "
        + "[" * 25
        + "*deep"
        + "]" * 25
        + "\n"
    )
    loaded = load_file(text)
    loaded.expect("E006", "*deep")


# ---- the shape of the file ---------------------------------------------------------------------


@covers("E100")
def test_a_misspelt_show_if_suggests_show_if():
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - {id: looked_after, type: yes_no, label: Is the child looked after?}
            - id: virtual_school_informed
              type: yes_no
              label: Has the Virtual School been told?
              show_iff: looked_after
    """)
    problem = loaded.expect("E100", "show_iff: looked_after", "show_iff")
    assert "did you mean 'show_if'?" in problem.message


@covers("E102")
def test_values_only_yaml_tags_can_make_are_still_reported():
    # The fast (compiled) schema check cannot take bytes or sets; the full check then does.
    loaded = load_field(
        "{id: forename, type: text, label: !!binary Rmlyc3QgbmFtZQ==}",
        "{id: surname, type: text, label: !!set {Last, name}}",
    )
    loaded.expect("E102", "!!binary")
    loaded.expect("E102", "!!set")


@covers("E104")
def test_a_page_without_fields_needs_at_least_one():
    loaded = load_case("""
        - id: child
          title: About the child
          fields: []
    """)
    problem = loaded.expect("E104", "fields: []", "[]")
    assert "at least 1" in problem.message


@covers("W506")
def test_a_pattern_whose_letters_are_ascii_only_is_warned_about():
    """RE2's \\w is A-Z, a-z, 0-9 and _ (Python's took any letter): a name pattern written
    with it would refuse 'Zoë' (found by a review)."""
    field = '{id: forename, type: text, label: First name, pattern: "[\\\\w\' -]+"}'
    problem = load_field(field).expect("W506", field, '"[')
    assert "'Zoë' or 'Łukasz' would be refused" in problem.message
    assert "\\pL" in problem.message
    assert problem.message.endswith("or `[A-Za-z0-9_]` for a code of those only")
    quiet = "{id: refs, type: text, label: Refs, pattern: '[A-Z]+(\\s*,\\s*[A-Z]+)*'}"
    assert not [p for p in load_field(quiet).problems if p.code == "W506"]


@covers("E104")
def test_a_size_that_must_be_more_than_zero_says_so():
    field = "{id: letter, type: file, label: Letter, max_size_mb: 0}"
    problem = load_field(field).expect("E104", field, "0}")
    assert "must be more than 0" in problem.message


@covers("E104")
@pytest.mark.parametrize(
    ("field", "part"),
    [
        ("{id: initials, type: text, label: Initials, pattern: '[A-Z'}", "'[A-Z'"),
        ("{id: days, type: checkboxes, label: Days, options: [mon, tue], max_choices: 3}", "3}"),
        ("{id: start_date, type: date, label: Start date, min: 2026-02-30}", "2026-02-30"),
    ],
    ids=["invalid-regex-pattern", "max-choices-above-option-count", "date-that-does-not-exist"],
)
def test_a_setting_the_schema_cannot_check_is_reported_at_its_value(field, part):
    load_field(field).expect("E104", field, part)


@covers("E104")
def test_a_case_type_id_the_preview_uses_for_its_own_addresses_is_refused_naming_them():
    # `id: static` validated, and `make preview` then answered its pages /static/tasks,
    # /static/pages/... with 'Page not found': its stylesheets live under /static/
    loaded = load_case(CHILD_PAGE, id="static")
    problem = loaded.expect("E104", "id: static", "static")
    assert problem.message == (
        "'id': 'static' is a word the portal's own addresses use (/static/...): "
        "case type ids cannot be static"
    )
    assert not [p for p in load_case(CHILD_PAGE, id="static-files").problems if p.code == "E104"]


NONE_OF_THESE = "{value: none, label: None of these, exclusive: true}"


@covers("E104")
def test_min_choices_above_the_options_ticked_together_is_refused_saying_how_many():
    # 3 options, one of them "None of these" (ticked on its own): min_choices 3 was accepted,
    # and then only "None of these" could ever answer the question
    options = f"options: [mon, tue, {NONE_OF_THESE}]"
    field = f"{{id: days, type: checkboxes, label: Days, {options}, min_choices: 3}}"
    problem = load_field(field).expect("E104", field, "3}")
    assert problem.message == (
        "'min_choices': 3 is more than the 2 options that can be ticked together "
        "('None of these' is ticked on its own)"
    )
    enough = f"{{id: days, type: checkboxes, label: Days, {options}, min_choices: 2}}"
    assert not [p for p in load_field(enough).problems if p.severity == "error"]


@covers("E104")
@pytest.mark.parametrize("bound", ["min: '25:00'", "max: '07:60'", "max: '99:99'", "max: '24:00'"])
def test_a_time_limit_that_is_no_time_of_day_is_refused_at_it(bound):
    # accepted before (an author's trial): with min '25:00' every answer was then refused
    field = f"{{id: start, type: time, label: Start time, {bound}}}"
    key, value = bound.split(": ")
    problem = load_field(field).expect("E104", field, value)
    assert problem.message.startswith(f"'{key}': {value} is not a real time")


@covers("E104")
@pytest.mark.parametrize(
    ("bound", "written"), [("9:00", "09:00"), ("8am", "08:00"), ("2.30pm", "14:30")]
)
def test_a_time_limit_written_as_people_write_times_is_shown_as_it_must_be_written(bound, written):
    """`min: 9:00` was told 'must be a time like 07:00', which the author thought it was."""
    field = f"{{id: start, type: time, label: Start time, min: {bound}}}"
    problem = load_field(field).expect("E104", field, bound)
    assert problem.message.endswith(f"write '{written}'"), problem.message


def test_time_limits_from_midnight_to_a_minute_before_are_real_times():
    field = "{id: start, type: time, label: Start time, min: '00:00', max: '23:59'}"
    assert load_field(field).catalogue.errors == []


@covers("E104")
@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("'([A-Za-z]+(?=[ -])[ -]?)+'", "look-ahead `(?=...)`"),
        ("'(?<![0-9])[0-9]{6}'", "negative look-behind `(?<!...)`"),
        ("'(a|b)\\1'", "a back-reference `\\1`"),
        ("'[0-9]++'", "a possessive quantifier `++`"),
        ("'(?>ab|a)c'", "an atomic group `(?>...)`"),
        ("'[0-9]{6}\\Z'", "`\\Z` is not supported"),
        ("'x{1001}'", "a repeat count above 1000"),
    ],
    ids=["look-ahead", "look-behind", "back-reference", "possessive", "atomic", "Z", "repeat"],
)
def test_a_pattern_answers_could_not_be_checked_in_linear_time_is_refused_at_it(pattern, construct):
    field = f"{{id: name, type: text, label: Name, pattern: {pattern}}}"
    problem = load_field(field).expect("E104", field, pattern)
    assert problem.message.startswith(f"'pattern': {construct}")
    assert "time proportional to their length" in problem.message


@covers("E104")
@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        ("'[0-9]{,3}'", "`{,3}` is not supported: RE2 reads it as the text '{,3}', not as 0 to 3"),
        ("'(ab){,}'", "`{,}` is not supported: RE2 reads it as the text '{,}', not as any number"),
    ],
)
def test_a_repeat_from_none_that_re2_reads_as_text_is_refused_at_the_pattern(pattern, said):
    """Python's re, and the portal until RE2, read `{,3}` as 0 to 3 repeats: under RE2 the
    pattern compiled and refused every answer, in silence."""
    field = f"{{id: code, type: text, label: Code, pattern: {pattern}}}"
    problem = load_field(field).expect("E104", field, pattern)
    assert problem.message.startswith(f"'pattern': {said}")
    assert problem.message.endswith("write `{0,3}`" if "3" in said else "write `{0,}`")


def test_braces_that_are_text_in_a_pattern_are_not_taken_for_a_repeat():
    pattern = "'[{,3}]x|\\{,3}|[]{,1}]|\\d{0,3}|\\Q{,2}\\E'"  # text, or {0,3}
    field = f"{{id: code, type: text, label: Code, pattern: {pattern}}}"
    assert load_field(field).catalogue.errors == []


@covers("E104")
def test_an_empty_pattern_checks_nothing_and_is_refused_at_it():
    field = "{id: name, type: text, label: Name, pattern: ''}"
    problem = load_field(field).expect("E104", field, "''")
    assert "empty, so it would check nothing" in problem.message


# An id or code written as a `|` block keeps a line break at its end ('test-case\n'): Python's
# `$` matches before it, so it passed every check, and a second case type with "the same" id or
# reference went unnoticed (an author's trial). Every identifier is checked exactly.
BLOCK_IDS = {
    "case-type-id": ("id: test-case\n", "id: |\n  test-case\n", "|"),
    "reference-code": ("code: TST\n", "code: |\n    TST\n", "|"),
    "quoted-code": ("code: TST\n", 'code: "TST\\n"\n', '"TST'),
    "page-id": ("- id: child\n", "- id: |\n      child\n", "|"),
    "field-id": ("{id: forename,", '{id: "forename\\n",', '"forename'),
}


@covers("E104")
@pytest.mark.parametrize(("written", "instead", "part"), BLOCK_IDS.values(), ids=BLOCK_IDS.keys())
def test_an_id_or_code_ending_in_a_line_break_is_refused_where_it_is(written, instead, part):
    text = case_type_yaml(CHILD_PAGE).replace(
        "reference: {prefix: EDU-TEST, code: TST}", "reference:\n  prefix: EDU-TEST\n  code: TST"
    )
    assert text.count(written) == 1
    problem = load_file(text.replace(written, instead)).expect("E104", instead, part)
    assert "ends with a line break" in problem.message and "\n" not in problem.message


def test_a_file_the_fast_check_refuses_is_never_taken_as_valid(monkeypatch):
    # Were the full check ever to pass what jsonschema-rs refuses (as it did with '$'), the
    # file is still refused, in jsonschema-rs's words, where the value is.
    import re

    import engine.schema_check as schema_check

    monkeypatch.setattr(schema_check, "_as_python", re.compile)  # Python's own reading of '$'
    text = case_type_yaml(CHILD_PAGE).replace("id: test-case\n", "id: |\n  test-case\n")
    problem = load_file(text).expect("E104", "id: |", "|")
    assert "does not match" in problem.message


# ---- identity and references -------------------------------------------------------------------


@covers("E200")
def test_a_field_id_used_twice_names_the_line_of_the_first():
    loaded = load_field(
        CHILD_FORENAME,
        "{id: forename, type: text, label: Known as}",
    )
    problem = loaded.expect("E200", "forename, type: text, label: Known as", "forename")
    first_line = loaded.at("label: First name")[0]
    assert "'forename'" in problem.message and f"line {first_line}" in problem.message


@covers("E200")
def test_a_page_id_used_twice_is_reported_on_the_second_page():
    loaded = load_case(
        after_child_page("""
        - {id: child, title: The school, fields: [{id: urn, type: urn, label: School URN}]}
    """)
    )
    problem = loaded.expect("E200", "{id: child, title: The school", "child")
    assert "page id 'child'" in problem.message


LISTS = "kind: option_lists\nlists:\n  key_stage: [KS1, KS2]\n"
QUICK = WORKFLOWS.replace("simple:", "quick:")

# Keyed by the name each had as a test of its own: the same in a.yaml and b.yaml (the shared
# files not read besides them), the problem reported in b.yaml, the message naming a.yaml.
TWO_FILES = {
    "two_files_with_the_same_case_type_id": (
        case_type_yaml(CHILD_PAGE, id="ptt", code="AAA"),
        case_type_yaml(CHILD_PAGE, id="ptt", code="BBB"),
        True,
        ("E201", "id: ptt", "ptt"),
        ("'ptt'", "a.yaml"),
    ),
    "two_files_with_the_same_reference_prefix_and_code": (
        case_type_yaml(CHILD_PAGE, id="first", code="PTT"),
        case_type_yaml(CHILD_PAGE, id="second", code="PTT"),
        True,
        ("E202", "code: PTT", "PTT"),
        ("EDU-TEST-PTT", "'first'", "a.yaml"),  # the file too: it may be another author's
    ),
    "a_shared_options_list_defined_in_two_files": (
        LISTS,
        LISTS,
        False,
        ("E208", "key_stage:", "key_stage"),
        ("'key_stage'", "a.yaml"),
    ),
    "a_shared_workflow_defined_in_two_files": (
        QUICK,
        QUICK,
        False,
        ("E209", "quick:", "quick"),
        ("'quick'", "a.yaml"),
    ),
}


@covers("E201", "E202", "E208", "E209")
@pytest.mark.parametrize(
    ("a", "b", "shared", "where", "says"), TWO_FILES.values(), ids=TWO_FILES.keys()
)
def test_a_second_file_defining_the_same_thing_is_reported_in_it(a, b, shared, where, says):
    loaded = Loaded({"a.yaml": a, "b.yaml": b}, shared=shared)
    problem = loaded.expect(*where, path="b.yaml")
    for words in says:
        assert words in problem.message


@covers("E204")
def test_a_misspelt_shared_workflow_suggests_the_defined_one():
    loaded = load_file("""
        id: test-case
        name: Test case
        category: Tests
        reference: {prefix: EDU-TEST, code: TST}
        version: 1
        workflow: simpel
        pages:
          - id: child
            title: About the child
            fields:
              - {id: forename, type: text, label: First name}
    """)
    problem = loaded.expect("E204", "workflow: simpel", "simpel")
    assert problem.message.endswith("did you mean 'simple'?")


@covers("E205")
def test_an_option_value_given_twice_in_a_field():
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - id: reason
              type: radios
              label: Main reason
              options:
                - {value: medical, label: Medical needs}
                - {value: other, label: Other}
                - {value: medical, label: Recovery from illness}
            - {id: note, type: text, label: Note, show_if: "reason == 'illness'"}
    """)
    problem = loaded.expect("E205", "{value: medical, label: Recovery", "{")
    assert "'medical'" in problem.message
    # A condition on the field lists each option once (it said 'medical, other, medical').
    problem = loaded.expect("E304", 'show_if: "reason', "reason")
    assert problem.message.endswith("options are: medical, other"), problem.message


@covers("E304")
def test_a_condition_with_an_option_misspelt_or_its_label_says_the_value_meant():
    """'Year Six' for the option 'Year 6', and the label 'Year 6' for the value '6', got the
    list of every option and no word of the one meant."""
    loaded = load_field(
        "{id: stage, type: radios, label: Stage, options: [Year 5, Year 6, Year 9]}",
        "{id: year_group, type: select, label: Year group, options: [{value: '5', label: "
        "Year 5}, {value: '6', label: Year 6}]}",
        "{id: sats, type: yes_no, label: SATs?, show_if: \"stage == 'Year Six'\"}",
        "{id: move, type: yes_no, label: Moving?, show_if: \"year_group == 'Year 6'\"}",
    )
    problem = loaded.expect("E304", 'show_if: "stage', "stage")
    assert "(did you mean 'Year 6'?)" in problem.message, problem.message
    problem = loaded.expect("E304", 'show_if: "year_group', "year_group")
    assert "(did you mean '6'? 'Year 6' is its label" in problem.message, problem.message


@covers("E205")
def test_an_option_value_given_twice_in_a_shared_list():
    loaded = load_file(
        """
        kind: option_lists
        lists:
          key_stage: [KS1, KS2, KS3, KS2]
    """,
        path="lists.yaml",
    )
    loaded.expect("E205", "KS3, KS2]", "KS2")


@covers("E206")
@pytest.mark.parametrize(
    ("pages", "needle", "part", "words"),
    [
        (
            """
     - id: arrangement
       title: The arrangement
       fields:
         - {id: start_date, type: text, label: Start date}
         - {id: end_date, type: date, label: End date, min: start_date}
     """,
            "min: start_date",
            "start_date",
            "a date question",
        ),
        (
            """
     - id: arrangement
       title: The arrangement
       fields:
         - {id: end_date, type: date, label: End date}
       rules:
         - {check: end_date > today(), message: End date must be in the future, field: end_dat}
     """,
            "field: end_dat",
            "end_dat",
            "did you mean 'end_date'?",
        ),
    ],
    ids=["date-bound-names-a-text-field", "rule-field-not-on-page"],
)
def test_a_setting_that_names_the_wrong_thing_is_reported_at_the_name(pages, needle, part, words):
    loaded = load_case(pages)
    problem = loaded.expect("E206", needle, part)
    assert words in problem.message


@covers("E210")
@pytest.mark.parametrize("word", ["len", "from", "class", "none", "match"])
def test_a_reserved_word_cannot_be_an_id(word):
    loaded = load_field(f"{{id: {word}, type: text, label: Something}}")
    assert word in loaded.expect("E210", f"id: {word}", word).message


@covers("E211")
def test_a_group_inside_a_group_is_refused():
    loaded = load_group(
        "{id: person, type: text, label: Name}",
        "{id: trainings, type: group, label: T, fields: [{id: c, type: text, label: C}]}",
    )
    loaded.expect("E211", "id: trainings, type: group", "group")


@covers("E308")
@pytest.mark.parametrize(
    ("pages", "needle", "why"),
    [
        (
            """
     - id: child
       title: About the child
       fields:
         - {id: guidance, type: content, text: Read this first}
         - {id: name, type: text, label: Name, show_if: answered(guidance)}
     """,
            "guidance)",
            "content, not a question",
        ),
        (
            GROUP_PAGE.format(
                fields="- {id: person, type: text, label: Name, show_if: len(people) > 1}"
            ),
            "people) > 1",
            "the group these questions belong to",
        ),
        (  # it said 'defined later (on page child)' (an author's trial)
            """
     - id: child
       title: About the child
       fields:
         - {id: hours, type: calculated, label: Hours, value: hours + 1}
     """,
            "hours + 1",
            "is this question itself",
        ),
    ],
    ids=["content-block", "own-group", "itself"],
)
def test_names_that_can_never_have_a_value_are_explained(pages, needle, why):
    assert why in load_case(pages).expect("E308", needle).message


@covers("E207")
@pytest.mark.parametrize(
    ("field", "minimum"),
    [
        ("{id: hours, type: number, label: Hours, min: 40, max: 1}", "min: 40"),
        ("{id: cost, type: money, label: Cost, min: 500, max: 100}", "min: 500"),
        (
            "{id: start, type: date, label: Start, min: 2026-09-01, max: 2026-07-31}",
            "min: 2026-09-01",
        ),
        (
            "{id: days, type: checkboxes, label: Days, options: [a, b, c], min_choices: 3, "
            "max_choices: 2}",
            "min_choices: 3",
        ),
    ],
    ids=["number", "money", "date", "checkboxes"],
)
def test_a_minimum_above_its_maximum_is_reported_at_the_minimum(field, minimum):
    low = minimum.split(": ")[1]
    problem = load_field(field).expect("E207", minimum, low)
    assert low in problem.message


@covers("E207")
def test_a_group_needing_more_items_than_it_allows():
    loaded = load_case("""
        - id: provision
          title: Alternative provision
          fields:
            - id: providers
              type: group
              label: Providers
              min_items: 3
              max_items: 2
              fields:
                - {id: provider_name, type: text, label: Provider name}
    """)
    loaded.expect("E207", "min_items: 3", "3")


@covers("E212")
@pytest.mark.parametrize(
    ("field", "bound", "says"),
    [
        (
            "{id: hours, type: number, label: Hours, min: 0.5}",
            "min: 0.5",
            "whole numbers (`decimals` is 0 unless set): set `decimals: 1`, or write `min: 1`",
        ),
        (
            "{id: hours, type: number, label: Hours, decimals: 1, max: 32.75}",
            "max: 32.75",
            "1 decimal place (`decimals: 1`): set `decimals: 2`, or write `max: 32.7`",
        ),
        (
            "{id: change, type: number, label: Change, min: -2.5}",
            "min: -2.5",
            "or write `min: -2`",
        ),
        (
            "{id: cost, type: money, label: Cost, min: 0.005}",
            "min: 0.005",
            "pounds and pence (2 decimal places): write `min: 0.01`",
        ),
    ],
    ids=["whole-number-min", "one-place-max", "negative-min", "money"],
)
def test_a_bound_with_more_decimal_places_than_the_question_takes(field, bound, says):
    """A whole-number question with `min: 0.5` would refuse 0.5 ("must be a whole number")
    and tell the school "must be 0.5 or more": the author hears which way to mend it, the
    bound rounded inwards (a minimum up, a maximum down) or `decimals` to take it."""
    loaded = load_field(field)
    problem = loaded.expect("E212", bound, bound.split(": ")[1])
    assert problem.message.endswith(says)
    assert loaded.catalogue.get("test-case") is None


def test_bounds_within_the_decimal_places_taken_are_accepted(compile_case):
    case = compile_case("""
        - id: hours
          title: Hours
          fields:
            - {id: weekly, type: number, label: Hours each week, decimals: 1, min: 0.5, max: 32.50}
            - {id: pupils, type: number, label: Pupils, min: 1.0, max: 30}
            - {id: cost, type: money, label: Cost, min: 0.5, max: 99.99}
    """)
    assert [f.id for f in case.pages[0].fields] == ["weekly", "pupils", "cost"]


# ---- expressions -------------------------------------------------------------------------------


@covers("E301", "E306")
@pytest.mark.parametrize(
    ("expression", "code", "part", "words"),
    [
        ("__import__('os')", "E301", "__import__", "'__import__'"),
        ("has_ehcp and a.b", "E301", "a.b", "attribute access"),
        ("has_ehcp and x[0]", "E301", "x[0]", "indexing"),
        ("lambda: 1", "E301", "lambda", "lambda"),
        ("[x for x in y]", "E301", "[x for", "comprehension"),
        ("has_ehcp or open('f')", "E306", "open", "'open'"),
    ],
    ids=["dunder-import", "attribute", "subscript", "lambda", "comprehension", "unknown-call"],
)
def test_unsafe_expressions_are_refused_when_the_file_is_loaded(expression, code, part, words):
    loaded = load_condition(expression)
    problem = loaded.expect(code, expression, part)
    assert words in problem.message
    assert loaded.catalogue.get("test-case") is None


@covers("E303")
def test_an_expression_naming_a_field_of_a_later_page_says_where_it_is():
    loaded = load_case("""
        - id: child
          title: About the child
          show_if: placement == 'ap'
          fields:
            - {id: forename, type: text, label: First name}
        - id: arrangement
          title: The arrangement
          fields:
            - {id: placement, type: radios, label: Placement, options: [ptt, ap]}
    """)
    problem = loaded.expect("E303", "show_if: placement", "placement")
    assert "'placement'" in problem.message and "'arrangement'" in problem.message


@covers("E311")
@pytest.mark.parametrize(
    ("pages", "needle", "part", "loop"),
    [
        (
            """
            - id: costs
              title: Costs
              fields:
                - {id: weekly, type: calculated, label: Each week, value: yearly / 39}
                - {id: yearly, type: calculated, label: Each year, value: weekly * 39}
            """,
            "value: yearly / 39",
            "yearly",
            "'weekly' → 'yearly' → 'weekly'",
        ),
        (
            """
            - id: child
              title: About the child
              fields:
                - {id: forename, type: text, label: First name}
            - id: extra
              title: Extra support
              show_if: total_hours > 25
              fields:
                - {id: extra_hours, type: number, label: Extra hours each week}
            - id: summary
              title: Summary
              fields:
                - {id: total_hours, type: calculated, label: Total, value: extra_hours + 25}
            """,
            "show_if: total_hours > 25",
            "total_hours",
            "page 'extra' → 'total_hours' → 'extra_hours' → page 'extra'",
        ),
        (
            """
            - id: child
              title: About the child
              show_if: has_sibling
              fields:
                - {id: forename, type: text, label: First name}
            - id: family
              title: Family
              show_if: "forename != 'Sam'"
              fields:
                - {id: has_sibling, type: yes_no, label: Has a sibling at the school?}
            """,
            "show_if: has_sibling",
            "has_sibling",
            "page 'child' → 'has_sibling' → page 'family' → 'forename' → page 'child'",
        ),
    ],
    ids=["calculated-values", "page-and-a-total-of-its-answers", "two-pages"],
)
def test_conditions_and_values_that_depend_on_each_other_in_a_loop_say_its_path(
    pages, needle, part, loop
):
    """A loop first shows as a name of a later question (E303), whose fix, moving it earlier,
    only turns the loop round: the author is shown the loop, reported once, where it starts."""
    loaded = load_case(pages)
    problem = loaded.expect("E311", needle, part)
    assert f"in turn: {loop};" in problem.message
    # (the two pages' forename != 'Sam' is also W508: forename is asked only on a page shown
    # when has_sibling holds)
    errors = [p.code for p in loaded.problems if p.path == "case.yaml" and p.code[0] == "E"]
    assert errors == ["E311"]


def test_a_loop_of_three_is_reported_once_and_its_other_forward_name_stays_e303():
    loaded = load_case("""
        - id: costs
          title: Costs
          fields:
            - {id: a, type: calculated, label: A, value: b + 1}
            - {id: b, type: calculated, label: B, value: c + 1}
            - {id: c, type: calculated, label: C, value: a * 2}
    """)
    assert "'a' → 'b' → 'c' → 'a'" in loaded.expect("E311", "value: b + 1", "b").message
    loaded.expect("E303", "value: c + 1", "c")  # c may come before b: a true 'defined later'
    assert [p.code for p in loaded.problems if p.path == "case.yaml"] == ["E311", "E303"]


def test_a_later_name_that_does_not_lead_back_stays_defined_later():
    loaded = load_case("""
        - id: child
          title: About the child
          show_if: has_sibling
          fields:
            - {id: forename, type: text, label: First name}
        - id: family
          title: Family
          fields:
            - {id: has_sibling, type: yes_no, label: Has a sibling at the school?}
    """)
    loaded.expect("E303", "show_if: has_sibling", "has_sibling")


@covers("E305")
def test_a_calculated_number_that_gives_text_is_a_type_error():
    calculated = "{id: weeks, type: calculated, label: Weeks, value: forename}"
    problem = load_field(CHILD_FORENAME, calculated).expect("E305", "value: forename", "forename")
    assert "set `format: text`" in problem.message  # the way out, for a value that is text


@covers("E305")
def test_a_calculated_date_without_its_format_is_told_which_format_to_set():
    calculated = "{id: back, type: calculated, label: Back on, value: date('2026-09-01')}"
    problem = load_field(CHILD_FORENAME, calculated).expect("E305", "value: date", "date")
    assert "gives a date, but a number is needed here" in problem.message
    assert "set `format: date`" in problem.message


@covers("E309")
@pytest.mark.parametrize(
    "number",
    ["1e999", "9007199254740992", "10000000000000000000000000000", "1" * 5000],
    ids=["float-infinity", "past-2**53", "28-digits", "5000-digits"],
)
def test_a_huge_number_in_a_calculated_value_is_refused_when_loaded(number):
    # Before, each passed validation and then broke "Check your answers" (Infinity, or a
    # number too long for Python to turn into text).
    loaded = load_case(f"""
        - id: costs
          title: Costs
          fields:
            - {{id: hours, type: number, label: Hours}}
            - {{id: scaled, type: calculated, label: Scaled, value: hours * {number}}}
    """)
    problem = loaded.expect("E309", f"* {number}", number[:20])
    assert number[:12] in problem.message


def load_show_if(expression: str) -> Loaded:
    return load_field(
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}",
        "{id: hours, type: number, label: Hours}",
        f'{{id: plan, type: text, label: Plan, show_if: "{expression}"}}',
    )


@covers("E310")
@pytest.mark.parametrize(
    ("expression", "offset"),
    [
        ("not " * 3000 + "has_ehcp", 0),  # Python's own parser gives up
        ("(" * 300 + "has_ehcp" + ")" * 300, 200),  # at the 201st bracket
        ("+".join(["hours"] * 10_000) + " > 1", 0),
        ("+".join(["hours"] * 101) + " > 1", 0),  # parsed, then refused before it is walked
    ],
    ids=["not-3000", "brackets-300", "sum-10000", "sum-101"],
)
def test_an_expression_nested_too_deep_is_a_located_problem(expression, offset):
    loaded = load_show_if(expression)  # each once ended portal validate with RecursionError
    [problem] = [p for p in loaded.problems if p.path == "case.yaml"]
    line, col = loaded.at(f'show_if: "{expression}"', expression)
    assert (problem.code, problem.line) == ("E310", line)
    assert problem.col >= col and "more than 100 deep" in problem.message


def test_long_expressions_within_the_limit_are_fine():
    assert load_show_if(" or ".join(["has_ehcp"] * 1000)).located() == []  # one level
    assert load_show_if("+".join(["hours"] * 99) + " > 1").located() == []  # 100 levels


@covers("E104")
@pytest.mark.parametrize(
    "field",
    [
        "{id: pupils, type: number, label: Pupils, max: 1e999}",
        "{id: pupils, type: number, label: Pupils, min: -10000000000000000}",
        "{id: cost, type: money, label: Cost, max: 1000000000000000}",
    ],
)
def test_bounds_past_the_range_of_numbers_are_refused(field):
    loaded = load_field(field)
    assert [code for code, _line, _col in loaded.located()] == ["E104"]


@covers("E302")
@pytest.mark.parametrize(
    ("question", "way"),
    [
        ("{id: cost, type: money, label: Cost}", "use total(siblings, 'cost'), or len(siblings)"),
        (
            "{id: born, type: date, label: Born}",
            "use earliest(siblings, 'born') or latest(siblings, 'born'), or len(siblings)",
        ),
        ("{id: name, type: text, label: Name}", "use len(siblings), the number of items"),
    ],
)
def test_a_group_item_named_outside_its_group_is_shown_the_functions_for_its_answer(question, way):
    """The hint said total() for every item, a text or a date too (an author's trial)."""
    name = question.split(",")[0].removeprefix("{id: ")
    loaded = load_case(f"""
        - id: family
          title: Family
          fields:
            - id: siblings
              type: group
              label: Siblings
              fields:
                - {question}
            - {{id: note, type: text, label: Note, show_if: "answered({name})"}}
    """)
    problem = loaded.expect("E302", f"answered({name})", name)
    assert problem.message.endswith(way), problem.message


@covers("E302", "E102")
@pytest.mark.parametrize(
    ("written", "code", "advice"),
    [
        ("show_if: yes", "E302", "as in `has_ehcp` (answered Yes) or `has_ehcp == false` (ans"),
        ("show_if: Yes", "E302", "; to always hold, write true"),
        ("show_if: off", "E302", "; to never hold, write false"),
        ("show_if: has_ehcp == no", "E302", "; to never hold, write false"),
        ("show_if: true", "E102", "as in `show_if: has_ehcp` or `show_if: hours > 1`; to always"),
        ("show_if: false", "E102", "`show_if: false` never holds: delete or comment out"),
    ],
)
def test_yes_no_on_or_off_for_a_condition_is_told_to_name_an_answer(written, code, advice):
    """`show_if: yes` was 'not a field', and `show_if: true` was told to be put in quotes,
    which made a condition true for ever (W504): each says what to write instead."""
    loaded = load_field(
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}",
        f"{{id: note, type: text, label: Note, {written}}}",
    )
    value = written.split(": ", 1)[1]
    part = value.split()[-1] if code == "E302" else value
    problem = loaded.expect(code, written, part)
    assert advice in problem.message, problem.message


@covers("E302")
@pytest.mark.parametrize(
    "style", ["", ">-", "|"], ids=["plain-multiline", "folded-block", "literal-block"]
)
def test_a_problem_in_a_multi_line_expression_is_located_on_its_own_line(style):
    """An author who wrote `|` (as for content) was told 'invalid syntax' at the first line:
    its line breaks are spaces, as in `>-`."""
    loaded = load_case(f"""
        - id: child
          title: About the child
          fields:
            - {{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}}
            - id: note
              type: text
              label: Note
              show_if: {style}
                has_ehcp and
                has_echp
    """)
    loaded.expect("E302", "has_echp")


@covers("E303")
def test_a_page_condition_naming_a_question_of_its_own_page_says_so():
    """`show_if: answered(headteacher_phone)` on the page asking it was told the question
    'is defined later (on page 'contact')', the very page the condition was on."""
    loaded = load_case("""
        - id: contact
          title: Your details
          show_if: answered(head_phone)
          fields:
            - {id: head_phone, type: phone, label: Headteacher's telephone number}
    """)
    problem = loaded.expect("E303", "answered(head_phone)", "head_phone")
    assert "on page 'contact' itself" in problem.message
    assert "only questions on earlier pages" in problem.message


@covers("E303")
def test_a_question_of_a_later_group_is_defined_later_not_to_be_totalled():
    """A rule on the first page named a date asked in a group on the next: it was told to use
    earliest(incidents, 'incident_date'), which then met E303 for the group."""
    loaded = load_case("""
        - id: suspension
          title: The suspension
          fields:
            - {id: first_day, type: date, label: First day}
          rules:
            - {check: "first_day >= incident_date", message: Too early, field: first_day}
        - id: incidents
          title: Incidents
          fields:
            - id: incidents
              type: group
              label: Incidents
              fields:
                - {id: incident_date, type: date, label: Date}
    """)
    problem = loaded.expect("E303", "first_day >= incident_date", "incident_date")
    assert "inside the group 'incidents', on page 'incidents'" in problem.message


@covers("E302")
def test_a_misspelt_name_of_a_later_question_suggests_it_and_says_it_comes_later():
    """`show_if: lookd_after` above the question 'looked_after' had no suggestion at all (only
    earlier questions were offered), so the author could not see what was wrong."""
    loaded = load_field(
        "{id: note, type: text, label: Note, show_if: lookd_after}",
        "{id: looked_after, type: yes_no, label: Looked after?}",
    )
    problem = loaded.expect("E302", "lookd_after")
    assert "did you mean 'looked_after'? It comes later (on page 'child')" in problem.message


@covers("E302")
def test_a_name_after_non_ascii_text_in_an_expression_is_located_at_its_own_column():
    """`ast` counts UTF-8 bytes: after 'Zoë 👩‍🎓' the column was 9 to the right."""
    loaded = load_condition("forename != 'Zoë 👩‍🎓' and has_echp")
    loaded.expect("E302", "has_echp")


@covers("E300")
def test_a_date_already_in_quotes_is_not_taken_for_the_syntax_error():
    """`date('2026-01-01') && ...` was told to write date('2026-01-01'), which it had."""
    loaded = load_condition("start_date > date('2026-01-01') && has_ehcp")
    problem = loaded.expect("E300", "&& has_ehcp", "& has_ehcp")  # where Python points
    assert problem.message.endswith("write 'and' instead of '&&'"), problem.message


@covers("E300")
def test_curly_quotes_pasted_from_a_word_processor_say_to_write_straight_ones():
    loaded = load_condition("sen_provision == ‘E’")
    problem = loaded.expect("E300", "‘E’")
    assert "straight quotes" in problem.message, problem.message


# ---- workflows ---------------------------------------------------------------------------------


def load_workflow(activities: str, transitions: str, start: str = "submitted") -> Loaded:
    """A shared workflows file with one workflow, `review`, from these parts."""
    return load_file(
        f"""
        kind: workflows
        workflows:
          review:
            start: {start}
            activities:
{textwrap.indent(textwrap.dedent(activities).strip(), " " * 14)}
            transitions:
{textwrap.indent(textwrap.dedent(transitions).strip(), " " * 14)}
    """,
        path="workflows.yaml",
    )


ACTIVITIES = """
    submitted: {label: Form Submitted, status: Active}
    done: {label: Case completed, status: Completed}
    dropped: {label: Case abandoned, status: Abandoned}
"""
COMPLETE_OR_ABANDON = """
- {from: submitted, to: done, action: Complete, by: officer}
- {from: submitted, to: dropped, action: Abandon, by: officer}
"""


@covers("E100")
def test_an_activity_written_at_the_workflows_indentation_is_said_to_belong_under_activities():
    """`cancelled:` two spaces too far left, beside `transitions:`: E100 said only "unknown key
    'cancelled'" (an author's trial)."""
    loaded = load_file(
        """
        kind: workflows
        workflows:
          review:
            start: submitted
            activities:
              submitted: {label: Form Submitted, status: Active}
              done: {label: Case completed, status: Completed}
            dropped: {label: Case abandoned, status: Abandoned}
            transitions:
              - {from: submitted, to: done, action: Complete, by: officer}
              - {from: submitted, to: dropped, action: Abandon, by: officer}
    """,
        path="workflows.yaml",
    )
    problem = loaded.expect("E100", "dropped: {label", "dropped")
    assert problem.message == (
        "unknown key 'dropped'; it is written as an activity: indent it under `activities:`, "
        "as the others"
    )


@covers("E400")
def test_a_workflow_starting_at_an_unknown_activity():
    loaded = load_workflow(
        ACTIVITIES,
        COMPLETE_OR_ABANDON,
        start="submited",
    )
    problem = loaded.expect("E400", "start: submited", "submited")
    assert problem.message.endswith("did you mean 'submitted'?")


@covers("E401")
def test_a_transition_to_an_unknown_activity_suggests_the_closest():
    loaded = load_workflow(
        ACTIVITIES,
        """
        - {from: submitted, to: dnoe, action: Complete, by: officer}
        - {from: submitted, to: dropped, action: Abandon, by: officer}
    """,
    )
    problem = loaded.expect("E401", "to: dnoe", "dnoe")
    assert "'dnoe'" in problem.message and problem.message.endswith("did you mean 'done'?")


@covers("E402")
def test_an_activity_no_transition_leads_to_cannot_be_reached():
    loaded = load_workflow(
        ACTIVITIES + "    panel: {label: Awaiting panel, status: Active}\n",
        COMPLETE_OR_ABANDON + "- {from: panel, to: done, action: Accept, by: officer}\n",
    )
    problem = loaded.expect("E402", "panel: {label", "panel")
    assert "'panel'" in problem.message and "'submitted'" in problem.message


@covers("E402")
@pytest.mark.parametrize("by", ["system", "officer"])
def test_an_activity_reached_only_past_a_system_transition_without_when_cannot_be_reached(by):
    """An author listed 'Send to triage' (by: system, no when) before 'Arrange governors'
    review' (by: system, when: ...). It validated, and no case ever reached the governors:
    the portal moves every case on by the first system transition that applies, at once, so
    nothing listed after an unconditional one (nor a person's button) is ever taken."""
    loaded = load_workflow(
        ACTIVITIES
        + "    panel: {label: Awaiting panel, status: Active}\n"
        + "    review: {label: Review, status: Active}\n",
        "- {from: submitted, to: review, action: Route, by: system}\n"
        f"- {{from: submitted, to: panel, action: To panel, by: {by}}}\n"
        "- {from: review, to: done, action: Complete, by: officer}\n"
        "- {from: review, to: dropped, action: Abandon, by: officer}\n"
        "- {from: panel, to: done, action: Accept, by: officer}\n",
    )
    problem = loaded.expect("E402", "panel: {label", "panel")
    assert "'To panel' from 'submitted' is never taken" in problem.message
    assert "at once by 'Route'" in problem.message


@covers("E104")
def test_a_note_on_a_system_transition_is_refused_at_it():
    """An author copied an officer's line to make it `by: system` and kept `note: required`:
    it validated, and the portal took the transition with no note, as it always does."""
    loaded = load_workflow(
        ACTIVITIES + "    review: {label: Review, status: Active}\n",
        "- {from: submitted, to: review, action: Route, by: system, note: required}\n"
        "- {from: review, to: done, action: Close, by: officer}\n"
        "- {from: review, to: dropped, action: Abandon, by: officer, note: required}\n",
    )
    problem = loaded.expect("E104", "by: system, note: required", "required")
    assert "taken with no note" in problem.message
    assert [p.code for p in loaded.problems if p.severity == "error"] == ["E104"]


@covers("W507")
def test_a_button_out_of_an_activity_the_portal_always_leaves_at_once_is_never_taken():
    """An officer's 'Withdraw' out of 'received', which a system transition without `when`
    leaves at once: it validated, and the button was never shown to anyone."""
    loaded = load_workflow(
        ACTIVITIES + "    review: {label: Review, status: Active}\n",
        "- {from: submitted, to: review, action: Route, by: system}\n"
        "- {from: submitted, to: dropped, action: Withdraw, by: officer}\n"
        "- {from: review, to: done, action: Complete, by: officer}\n"
        "- {from: review, to: dropped, action: Abandon, by: officer}\n",
    )
    problem = loaded.expect("W507", "{from: submitted, to: dropped", "{")
    assert "'Withdraw' from 'submitted' is never taken" in problem.message
    assert "at once by 'Route'" in problem.message and problem.severity == "warning"
    assert [p.code for p in loaded.problems if p.severity == "error"] == []


@covers("E402", "W507")
def test_a_button_listed_before_a_system_transition_without_when_is_not_told_to_move_up():
    """Found in a review: a button listed before the system transition that moves every case
    on at once was told to be listed before it (E402), and that it came after it (W507). Only
    system transitions are taken in their order; a button there is never shown, wherever it
    is listed, so its mend is a `when` on the system one, or leaving from where cases go."""
    loaded = load_workflow(
        ACTIVITIES
        + "    panel: {label: Awaiting panel, status: Active}\n"
        + "    review: {label: Review, status: Active}\n",
        "- {from: submitted, to: dropped, action: Withdraw, by: officer}\n"
        "- {from: submitted, to: panel, action: To panel, by: school}\n"
        "- {from: submitted, to: review, action: Route, by: system}\n"
        "- {from: review, to: done, action: Complete, by: officer}\n"
        "- {from: review, to: dropped, action: Abandon, by: officer}\n"
        "- {from: panel, to: done, action: Accept, by: officer}\n",
    )
    unreachable = loaded.expect("E402", "panel: {label", "panel")
    assert "'To panel' from 'submitted' is never taken" in unreachable.message
    assert "wherever it is listed" in unreachable.message
    assert "list it before" not in unreachable.message
    assert "let it leave from 'review'" in unreachable.message
    untaken = loaded.expect("W507", "{from: submitted, to: dropped", "{")
    assert "'Withdraw' from 'submitted' is never taken" in untaken.message
    assert "listed before it" not in untaken.message and "wherever it is listed" in untaken.message


@covers("E403")
def test_a_workflow_without_completed_or_abandoned_activities():
    loaded = load_workflow(
        """
        submitted: {label: Form Submitted, status: Active}
        review: {label: Review, status: Active}
    """,
        """
        - {from: submitted, to: review, action: Start review, by: officer}
        - {from: review, to: submitted, action: Send back, by: officer}
    """,
    )
    line, col = loaded.at("activities:")
    assert [(p.code, p.line, p.col) for p in loaded.problems if p.code == "E403"] == [
        ("E403", line, col),
        ("E403", line, col),
    ]
    assert {p.message.split()[-1] for p in loaded.problems if p.code == "E403"} == {
        "Completed",
        "Abandoned",
    }


@covers("E404")
def test_an_active_activity_with_no_way_out_is_a_dead_end():
    loaded = load_workflow(
        ACTIVITIES + "    review: {label: Review, status: Active}\n",
        COMPLETE_OR_ABANDON
        + "- {from: submitted, to: review, action: Start review, by: officer}\n",
    )
    problem = loaded.expect("E404", "review: {label", "review")
    assert "'review'" in problem.message


@covers("E408")
def test_active_activities_that_only_lead_to_each_other_never_end():
    """A case referred to health and safety went back and forth with the school for ever: no
    way from either activity led to an end, and it validated (an author's trial)."""
    loaded = load_workflow(
        ACTIVITIES
        + "    hs_review: {label: With health and safety, status: Active}\n"
        + "    more_info: {label: More information requested, status: Active}\n",
        COMPLETE_OR_ABANDON
        + "- {from: submitted, to: hs_review, action: Refer, by: officer}\n"
        + "- {from: hs_review, to: more_info, action: Ask the school, by: officer}\n"
        + "- {from: more_info, to: hs_review, action: Send more information, by: school}\n",
    )
    problem = loaded.expect("E408", "hs_review: {label", "hs_review")
    assert problem.message == (
        "activity 'hs_review' is Active, but no way from it leads to a Completed or Abandoned "
        "activity, so a case there can never end (it goes on only to 'more_info'); add a "
        "transition from it or from one of those to one that ends the case"
    )
    assert [(p.code, p.message.split("'")[1]) for p in loaded.problems if p.code[0] == "E"] == [
        ("E408", "hs_review"),
        ("E408", "more_info"),
    ]


@covers("E408")
def test_an_activity_whose_only_transition_leads_back_to_it_says_so():
    """A governors' decision recorded 'to: governors' by a slip: the message read 'it goes on
    only to )', naming nothing (an author's trial)."""
    loaded = load_workflow(
        ACTIVITIES + "    governors: {label: Awaiting governors, status: Active}\n",
        COMPLETE_OR_ABANDON
        + "- {from: submitted, to: governors, action: Await governors, by: officer}\n"
        + "- {from: governors, to: governors, action: Record decision, by: officer}\n",
    )
    problem = loaded.expect("E408", "governors: {label", "governors")
    assert "(it goes on only to itself)" in problem.message, problem.message


def test_an_activity_whose_way_to_an_end_passes_through_others_is_taken():
    loaded = load_workflow(
        ACTIVITIES + "    more_info: {label: More information requested, status: Active}\n",
        COMPLETE_OR_ABANDON
        + "- {from: submitted, to: more_info, action: Ask the school, by: officer}\n"
        + "- {from: more_info, to: submitted, action: Send more information, by: school}\n",
    )
    assert [p.code for p in loaded.problems if p.severity == "error"] == []


@covers("E407")
def test_system_transitions_that_lead_round_for_ever_are_an_error_at_the_first_activity():
    """A case sent would be passed round by the portal and stop nowhere an officer can act
    (an author's trial). A loop broken by a `when` or an officer's step is not one."""
    loaded = load_workflow(
        ACTIVITIES
        + "    review: {label: Review, status: Active}\n"
        + "    panel: {label: Panel, status: Active}\n",
        COMPLETE_OR_ABANDON
        + "- {from: review, to: submitted, action: Back, by: system}\n"
        + "- {from: submitted, to: review, action: Route, by: system}\n"
        + "- {from: panel, to: review, action: To review, by: system}\n"
        + "- {from: review, to: panel, action: To panel, by: officer}\n",
    )
    problem = loaded.expect("E407", "submitted: {label", "submitted")
    assert "'submitted' -> 'review' -> 'submitted'" in problem.message, problem.message
    assert [p.code for p in loaded.problems if p.severity == "error"] == ["E407"]


@covers("E405")
def test_two_transitions_from_one_activity_with_the_same_button_label():
    loaded = load_workflow(
        ACTIVITIES,
        """
        - {from: submitted, to: done, action: Close case, by: officer}
        - {from: submitted, to: dropped, action: Close case, by: officer}
    """,
    )
    problem = loaded.expect("E405", "to: dropped, action: Close case", "Close case")
    assert "'submitted'" in problem.message and "'Close case'" in problem.message


@covers("W502")
def test_a_transition_out_of_an_end_activity_is_a_warning():
    loaded = load_workflow(
        ACTIVITIES,
        COMPLETE_OR_ABANDON + "- {from: done, to: submitted, action: Reopen, by: officer}\n",
    )
    problem = loaded.expect("W502", "from: done", "done")
    assert "'done'" in problem.message and problem.severity == "warning"


@covers("E103")
def test_a_misspelt_activity_status_suggests_the_right_one():
    loaded = load_workflow(
        ACTIVITIES + "    review: {label: Review, status: Actve}\n",
        """
        - {from: submitted, to: done, action: Complete, by: officer}
    """,
    )
    problem = loaded.expect("E103", "status: Actve", "Actve")
    assert problem.message.endswith("did you mean 'Active'?")


# ---- warnings ----------------------------------------------------------------------------------


@covers("W500")
def test_a_shared_options_list_no_case_type_uses():
    loaded = load_file("kind: option_lists\nlists:\n  key_stage: [KS1, KS2]\n", path="lists.yaml")
    problem = loaded.expect("W500", "key_stage:", "key_stage")
    assert "'key_stage'" in problem.message and problem.severity == "warning"


@covers("W501")
def test_a_shared_workflow_no_case_type_uses():
    loaded = load_workflow(
        ACTIVITIES,
        COMPLETE_OR_ABANDON,
    )
    problem = loaded.expect("W501", "review:", "review")
    assert "'review'" in problem.message and not loaded.catalogue.errors


@covers("W503")
def test_a_page_with_only_content_is_a_warning():
    loaded = load_case(
        after_child_page("""
        - id: guidance
          title: Before you start
          fields:
            - {id: intro, type: content, text: You will need the pupil's UPN.}
    """)
    )
    problem = loaded.expect("W503", "id: guidance", "guidance")
    assert "'guidance'" in problem.message
    assert loaded.catalogue.get("test-case") is not None  # a warning does not stop the load


@covers("W504")
@pytest.mark.parametrize(
    ("condition", "why"),
    [
        ("len(needs) > 3", "'needs' has 3 options"),
        ("len(needs) >= 0", "'needs' has 3 options"),
        ("len(note) > 250", "'note' takes at most 200 characters"),
        ("has_ehcp and len(people) > 4", "'people' takes at most 4 items"),
    ],
)
def test_a_count_beyond_what_the_question_takes_is_a_condition_that_never_changes(condition, why):
    """`len(conditions) > 5` of a question of 5 options, or `len(name) > 250` of a text of at
    most 200 characters, never held, and validated clean (an author's trial)."""
    loaded = load_field(
        "{id: needs, type: checkboxes, label: Needs, options: [a, b, c]}",
        "{id: note, type: text, label: Note}",
        "{id: has_ehcp, type: yes_no, label: Has EHCP?}",
        "{id: people, type: group, label: People, max_items: 4, "
        "fields: [{id: person, type: text, label: Name}]}",
        f'{{id: more, type: text, label: More, show_if: "{condition}"}}',
    )
    problem = loaded.expect("W504", condition.split(" and ")[-1])
    assert why in problem.message, problem.message


@pytest.mark.parametrize("condition", ["len(needs) >= 2", "len(note) > 199", "len(people) == 4"])
def test_a_count_within_what_the_question_takes_is_no_warning(condition):
    loaded = load_field(
        "{id: needs, type: checkboxes, label: Needs, options: [a, b, c]}",
        "{id: note, type: text, label: Note}",
        "{id: people, type: group, label: People, max_items: 4, "
        "fields: [{id: person, type: text, label: Name}]}",
        f'{{id: more, type: text, label: More, show_if: "{condition}"}}',
    )
    assert "W504" not in [p.code for p in loaded.problems]


@covers("W504")
@pytest.mark.parametrize(("condition", "value"), [("1 == 1", "true"), ("not true", "false")])
def test_a_condition_that_never_changes_is_a_warning(condition, value):
    problem = load_condition(condition).expect("W504", condition)
    assert problem.message.endswith(value)


@covers("W504")
@pytest.mark.parametrize(
    ("condition", "part", "says"),
    [
        ("not has_ehcp and has_ehcp", None, "condition is always false, whatever the answer to"),
        ("sen_provision == 'E' and sen_provision == 'K'", None, "always false"),
        ("has_ehcp or not has_ehcp", None, "condition is always true"),
        ("sen_provision != 'E' or sen_provision != 'K'", None, "always true"),
        ("answered(has_ehcp) and not answered(has_ehcp)", None, "always false"),
        (
            "has_ehcp or (sen_provision == 'E' and sen_provision in ['K', 'N'])",
            "(sen",
            "`sen_provision == 'E' and sen_provision in ['K', 'N']` is always false, whatever "
            "the answer to 'sen_provision'",
        ),
    ],
)
def test_a_condition_no_answers_can_change_is_a_warning(condition, part, says):
    """A contradiction (`not a and a`) was silent, where `"false"` itself was W504: the
    question was never asked, and nothing said so."""
    loaded = load_condition(condition)
    found = [p for p in loaded.problems if p.code == "W504"]
    problem = loaded.expect("W504", condition, part.removeprefix("(") if part else None)
    assert says in problem.message, problem.message
    assert len(found) == 1, found


@pytest.mark.parametrize(
    "condition",
    [
        "not has_ehcp and sen_provision == 'K'",
        "has_ehcp and sen_provision != 'E'",
        "sen_provision == 'E' or sen_provision == 'K'",
        "not has_ehcp or has_ehcp == false",
        "answered(start_date) and not has_ehcp",
    ],
)
def test_a_condition_some_answers_make_true_and_some_false_is_not_warned_of(condition):
    assert [p.code for p in load_condition(condition).problems if p.code == "W504"] == []


@covers("W504")
def test_ticked_options_and_numbers_are_tried_for_a_condition_that_never_holds():
    loaded = load_field(
        "{id: ticks, type: checkboxes, label: Ticks, options: [a, b, c]}",
        "{id: n, type: number, label: N}",
        "{id: t1, type: text, label: T1, show_if: \"'a' in ticks and 'a' not in ticks\"}",
        "{id: t2, type: text, label: T2, show_if: \"'a' in ticks and not answered(ticks)\"}",
        "{id: t3, type: text, label: T3, show_if: \"'a' in ticks and 'b' in ticks\"}",
        "{id: t4, type: text, label: T4, show_if: \"answered(ticks) and 'a' not in ticks\"}",
        '{id: t5, type: text, label: T5, show_if: "n > 3 and n <= 3"}',
        '{id: t6, type: text, label: T6, show_if: "n >= 3 and n <= 3"}',
        '{id: t7, type: text, label: T7, show_if: "n > 5 and n < 6"}',  # 5.5: not told
    )
    warned = [(p.line, p.message) for p in loaded.problems if p.code == "W504"]
    assert [line for line, _ in warned] == [loaded.at(f"id: {t}")[0] for t in ("t1", "t2", "t5")]
    assert warned[0][1] == "condition is always false, whatever the answer to 'ticks'"


@covers("W504")
def test_a_condition_on_a_question_asked_only_when_its_opposite_holds_is_a_warning():
    """`not has_ehcp and ehcp_officer`: the officer is asked only when has_ehcp, so no case
    ever has both; the warning says why (the question's own show_if), and a question whose
    own condition allows it is not warned of."""
    loaded = load_field(
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}",
        "{id: officer_told, type: yes_no, label: Officer told?, show_if: has_ehcp}",
        "{id: hours, type: number, label: Hours, show_if: not has_ehcp}",
        "{id: a, type: text, label: A, show_if: not has_ehcp and officer_told}",
        "{id: b, type: text, label: B, show_if: not has_ehcp and hours > 10}",
        "{id: c, type: text, label: C, show_if: has_ehcp and answered(hours)}",
    )
    problem = loaded.expect("W504", "show_if: not has_ehcp and officer_told", "not")
    assert problem.message == (
        "condition is always false, whatever the answers to 'has_ehcp' and 'officer_told' "
        "('officer_told' is asked only when has_ehcp)"
    )
    loaded.expect("W504", "show_if: has_ehcp and answered(hours)", "has_ehcp")
    assert [p.code for p in loaded.problems if p.code == "W504"] == ["W504", "W504"]


@covers("W504")
@pytest.mark.parametrize(
    ("condition", "value"),
    [("officer", "false"), ("officer == 'Ann'", "false"), ("not officer", "true")],
)
def test_a_question_whose_page_and_own_conditions_never_hold_together_is_never_answered(
    condition, value
):
    """A condition of one question, compared once, was taken to change without a trial; but
    a question asked only on a page shown when `has_ehcp` and itself only when `not has_ehcp`
    is never answered, and nothing warned that a condition on it never changes."""
    loaded = load_case(f"""
        - id: about
          title: About
          fields:
            - {{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}}
        - id: plan
          title: The plan
          show_if: has_ehcp
          fields:
            - {{id: officer, type: text, label: Officer, show_if: not has_ehcp}}
        - id: more
          title: More
          fields:
            - {{id: note, type: text, label: Note, show_if: "{condition}"}}
    """)
    problem = loaded.expect("W504", f'show_if: "{condition}"', condition)
    assert problem.message == (
        f"condition is always {value}, whatever the answer to 'officer' "
        "('officer' is asked only when has_ehcp and (not has_ehcp))"
    )


NEVER_ASKED = """
    - id: about
      title: About
      fields:
        - {{id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}}
        - {{id: need, type: radios, label: Need, options: [a, b, c]}}
        - {{id: told, type: yes_no, label: Told the officer?, show_if: not has_ehcp}}
        - {{id: reasons, type: checkboxes, label: Reasons, options: [ill, other], required: false}}
    - id: plan
      title: The plan
      show_if: has_ehcp
      fields:
        - {{id: issued, type: text, label: When was it issued?}}
        - {{id: note, type: text, label: Note, show_if: "{own}"}}
        - id: providers
          type: group
          label: Providers
          show_if: need == 'a'
          fields:
            - {{id: provider, type: text, label: Name}}
            - {{id: item_note, type: text, label: Item note, show_if: "{item}"}}
"""


@covers("W504")
def test_a_part_of_a_question_condition_that_never_holds_on_its_page_is_warned_there():
    """`not has_ehcp or issued == 'May'` on a page shown only when `has_ehcp`: the author
    meant the question for every child without a plan, who never see the page; the part is
    warned of (the question itself is asked, when issued is May)."""
    own = "not has_ehcp or issued == 'May'"
    loaded = load_case(NEVER_ASKED.format(own=own, item="provider == 'x'"))
    problem = loaded.expect("W504", f'show_if: "{own}"', "not has_ehcp or")
    assert problem.message == (
        "`not has_ehcp` is always false while page 'plan' (only when has_ehcp) is shown, "
        "whatever the answer to 'has_ehcp': it never asks the question"
    )
    assert [p.code for p in loaded.problems if p.path == loaded.main] == ["W504"]


@covers("W504")
@pytest.mark.parametrize(
    ("own", "item", "needle", "says"),
    [
        (
            "not has_ehcp",
            "provider == 'x'",
            'show_if: "not has_ehcp"',
            "condition is always false while page 'plan' (only when has_ehcp) is shown, "
            "whatever the answer to 'has_ehcp': the question is never asked",
        ),
        (
            "told",
            "provider == 'x'",
            'show_if: "told"',
            "condition is always false while page 'plan' (only when has_ehcp) is shown, "
            "whatever the answers to 'has_ehcp' and 'told' ('told' is asked only when not "
            "has_ehcp): the question is never asked",
        ),
        (
            "need == 'a'",
            "need in ['b', 'c'] and provider == 'x'",
            "show_if: \"need in ['b', 'c'] and provider == 'x'\"",
            "condition is always false while page 'plan' (only when has_ehcp) and group "
            "'providers' (only when need == 'a') are shown, whatever the answers to "
            "'has_ehcp', 'need' and 'provider': the question is never asked",
        ),
    ],
)
def test_a_question_whose_own_condition_contradicts_its_page_or_group_is_warned_there(
    own, item, needle, says
):
    """A page shown only when `has_ehcp` with a question on it shown only when `not has_ehcp`:
    the question was never asked, and nothing was said where the mistake is written (only a
    condition elsewhere naming it could get W504). Now its own `show_if` is warned of, with
    its page's (and its group's) conditions tried with it."""
    loaded = load_case(NEVER_ASKED.format(own=own, item=item))
    problem = loaded.expect("W504", needle, needle.split('"')[1])
    assert problem.message == says
    assert [p.code for p in loaded.problems if p.path == loaded.main] == ["W504"]


@covers("W504")
def test_a_group_whose_condition_contradicts_its_page_is_said_never_shown():
    """A group's own show_if that cannot hold on its page was told as "the question is never
    asked": the author of a group of several questions looked for a question."""
    loaded = load_case(
        NEVER_ASKED.format(own="has_ehcp", item="provider == 'x'").replace(
            "show_if: need == 'a'", "show_if: not has_ehcp or need == 'a'"
        )
    )
    problem = loaded.expect("W504", "show_if: not has_ehcp or need", "not has_ehcp")
    assert problem.message == (
        "`not has_ehcp` is always false while page 'plan' (only when has_ehcp) is shown, "
        "whatever the answer to 'has_ehcp': it never shows the group"
    )


@pytest.mark.parametrize(
    ("own", "item"),
    [
        ("has_ehcp", "provider == 'x'"),  # the page's own condition again: asked
        ("need == 'a'", "need == 'a' and provider == 'x'"),
        ("has_ehcp == true and need != 'b'", "need != 'b'"),
        ("not told", "provider != 'x'"),  # told is never asked here: not told always holds
        ("issued == 'May'", "answered(provider)"),
        ("has_ehcp or issued == 'May'", "need == 'a' or provider == 'x'"),
        # the ticked options as a whole: ['other'] alone is an answer (was "always false")
        ("reasons == ['other'] or not reasons", "provider == 'x'"),
        ("has_ehcp", "reasons != ['ill'] and ['other', 'ill'] == reasons"),
    ],
)
def test_a_question_whose_own_condition_can_hold_with_its_page_and_group_is_not_warned(own, item):
    loaded = load_case(NEVER_ASKED.format(own=own, item=item))
    assert [p for p in loaded.problems if p.code == "W504"] == []


SECTION_WITH_SHOW_IF = """
sections:
  - id: about
    title: About the child
    show_if: has_ehcp
    pages: [child]
"""


@covers("E100")
@pytest.mark.parametrize(
    ("load", "says"),
    [
        (
            lambda: load_case(CHILD_PAGE, extra=SECTION_WITH_SHOW_IF),
            "a section is listed while one of its pages applies: give its pages the show_if",
        ),
        (
            lambda: load_field(
                "{id: has_ehcp, type: yes_no, label: EHC plan?}",
                "{id: kind, type: radios, label: Kind, options: [{value: a, label: A}, "
                "{value: b, label: B, show_if: has_ehcp}]}",
            ),
            "an option is always offered: to offer it only sometimes, ask two questions, each "
            "with a show_if and the options it offers",
        ),
        (
            lambda: load_case(
                CHILD_PAGE
                + "  rules:\n    - {field: forename, check: forename != 'X', message: No, "
                "show_if: answered(forename)}\n"
            ),
            "a rule has none: write the condition into its check, true where it does not "
            "apply: `not (answered(forename)) or (forename != 'X')`",
        ),
        (
            lambda: with_own_workflow(
                OWN_WORKFLOW_WHEN.replace("when: {when}", "show_if: {when}").format(when="x")
            ),
            "a transition's condition is written `when:`",
        ),
    ],
)
def test_a_show_if_where_there_is_none_says_what_to_write_instead(load, says):
    """`show_if` on a section, an option, a rule or a transition was refused with only
    "unknown key 'show_if'": an author who meant "only when" was not told how to say it."""
    loaded = load()
    problem = loaded.expect("E100", "show_if:")
    assert problem.message == f"unknown key 'show_if'; {says}"


OWN_WORKFLOW_WHEN = """
workflow:
  start: submitted
  activities:
    submitted: {{label: Form submitted, status: Active}}
    done: {{label: Done, status: Completed}}
  transitions:
    - {{from: submitted, to: done, action: Complete, by: officer, when: {when}}}
    - {{from: submitted, to: done, action: Close, by: officer}}
"""


def with_own_workflow(workflow: str) -> Loaded:
    """A case type of CHILD_PAGE with this workflow of its own."""
    text = case_type_yaml(CHILD_PAGE, extra=workflow).replace("workflow: simple\n", "")
    return Loaded({"case.yaml": text})


@covers("E312")
@pytest.mark.parametrize(
    ("load", "needle", "part", "says"),
    [
        (
            lambda: load_field("{id: note, type: text, label: Note, show_if: 1}"),
            "show_if: 1",
            "1",
            "and 1 is a number: name an answer in it, as in `show_if: has_ehcp` or "
            "`show_if: hours > 1`; to always ask it, leave it out",
        ),
        (  # the quotes E102 once asked for: a condition true for ever, only a warning
            lambda: load_condition("1"),
            '"1"',
            "1",
            "and 1 is a number",
        ),
        (
            lambda: load_condition("'yes'"),
            "\"'yes'\"",
            "'yes'",
            "and 'yes' is text",
        ),
        (
            lambda: with_own_workflow(OWN_WORKFLOW_WHEN.format(when=0)),
            "when: 0",
            "0",
            "`when` is a condition, true or false, and 0 is a number: name an answer in it, "
            "as in `when: urgent` or `when: hours > 25`; to always offer it, leave it out",
        ),
        (
            lambda: load_case(
                CHILD_PAGE + "  rules:\n    - {field: forename, check: '0', message: Never}\n"
            ),
            "check: '0'",
            "0'",
            "`check` is a condition",
        ),
    ],
    ids=["show_if-number", "show_if-quoted-number", "show_if-text", "when-number", "check"],
)
def test_a_number_or_text_as_a_condition_says_to_name_an_answer(load, needle, part, says):
    loaded = load()
    problem = loaded.expect("E312", needle, part)
    assert says in problem.message
    assert [p.code for p in loaded.problems if p.path == "case.yaml"] == ["E312"]
    assert loaded.catalogue.get("test-case") is None


# ---- sections and prefilled questions ----------------------------------------------------------

THREE_PAGES = """
- id: child
  title: About the child
  fields:
    - {id: forename, type: text, label: First name}
- id: school
  title: The school
  fields:
    - {id: school_name, type: text, label: School name}
- id: needs
  title: Needs
  fields:
    - {id: needs_text, type: textarea, label: Describe the needs}
"""


def load_sections(sections: str) -> Loaded:
    return load_case(THREE_PAGES, extra=textwrap.dedent(sections))


@covers("E600", "E601", "E602", "E603", "E604")
@pytest.mark.parametrize(
    ("sections", "code", "needle", "part", "said"),
    [
        pytest.param(  # a page that does not exist: the page meant is suggested
            """
            - {id: about, title: About, pages: [child, shcool]}
            - {id: rest, title: Needs, pages: [needs]}
            """,
            "E600",
            "shcool]",
            "shcool",
            "did you mean 'school'?",
            id="unknown-page",
        ),
        pytest.param(  # a page in two sections: refused where it is named again
            """
            - {id: about, title: About, pages: [child, school]}
            - {id: rest, title: Needs, pages: [school, needs]}
            """,
            "E601",
            "[school, needs]",
            "school",
            "'about'",
            id="page-twice",
        ),
        pytest.param(  # a page left out of every section: reported at the page
            """
            - {id: about, title: About, pages: [child, needs]}
            """,
            "E602",
            "id: school\n",
            "school",
            "'school'",
            id="page-left-out",
        ),
        pytest.param(
            """
            - {id: about, title: About, pages: [child, school, needs]}
            - {id: later, title: Later, pages: []}
            """,
            "E603",
            "pages: []}",
            "[]",
            "",
            id="empty-section",
        ),
        pytest.param(  # sections must follow the order of the pages
            """
            - {id: about, title: About, pages: [child, needs]}
            - {id: rest, title: Rest, pages: [school]}
            """,
            "E604",
            "[school]",
            "school",
            "'needs'",
            id="out-of-order",
        ),
    ],
)
def test_sections_that_do_not_cover_the_pages_once_in_order_are_refused(
    sections, code, needle, part, said
):
    loaded = load_sections("sections:" + textwrap.indent(textwrap.dedent(sections), "  "))
    assert said in loaded.expect(code, needle, part).message


@covers("E200")
def test_two_sections_with_one_id_are_refused():
    loaded = load_sections("""
        sections:
          - {id: about, title: About, pages: [child]}
          - {id: about, title: Again, pages: [school, needs]}
    """)
    assert loaded.expect("E200", "id: about, title: Again", "about").message.startswith("section")


@covers("E610")
@pytest.mark.parametrize(
    ("field", "needle", "fits"),
    [
        ("{id: when, type: date, label: Date, prefill: school.name}", "school.name", "text"),
        ("{id: urn, type: urn, label: URN, prefill: user.email}", "user.email", "email"),
        ("{id: mail, type: email, label: Email, prefill: school.urn}", "school.urn", "urn"),
    ],
)
def test_a_prefill_must_fit_the_question(field, needle, fits):
    problem = load_field(field).expect("E610", needle)
    assert f"'{fits}'" in problem.message.split("it fits")[1]


@covers("E103")
def test_an_unknown_prefill_source_is_named_with_a_suggestion():
    problem = load_field("{id: n, type: text, label: Name, prefill: school.nmae}").expect(
        "E103", "school.nmae"
    )
    assert "did you mean 'school.name'?" in problem.message


@covers("E611")
def test_locked_needs_a_prefill():
    loaded = load_field("{id: n, type: text, label: Name, locked: true}")
    loaded.expect("E611", "locked: true", "locked")


@covers("E612")
def test_a_question_inside_a_group_cannot_be_prefilled():
    loaded = load_case("""
     - id: staff
       title: Staff
       fields:
         - id: people
           type: group
           label: People
           fields:
             - {id: person, type: text, label: Name, prefill: user.full_name}
     """)
    loaded.expect("E612", "user.full_name")


# ---- all problems, in order, as text -----------------------------------------------------------


def test_three_schema_mistakes_in_one_file_are_all_reported_in_line_order():
    loaded = load_field(
        "{id: forename, type: text, label: First name, required: 1}",
        "{id: surname, type: txt, label: Last name}",
        "{id: date_of_birth, type: date, lable: Date of birth}",
    )
    assert [found for found in loaded.located() if found[0] != "E101"] == [
        ("E102", *loaded.at("required: 1", "1")),
        ("E103", *loaded.at("type: txt", "txt")),
        ("E100", *loaded.at("lable: Date of birth", "lable")),
    ]


def test_three_compile_mistakes_in_one_file_are_all_reported_in_line_order():
    loaded = load_field(
        "{id: forename, type: text, label: First name, show_if: has_echp}",
        "{id: sen_provision, type: radios, label: SEN provision, options: sen_provison}",
        "{id: forename, type: text, label: Known as}",
    )
    assert loaded.located() == [
        ("E302", *loaded.at("show_if: has_echp", "has_echp")),
        ("E203", *loaded.at("options: sen_provison", "sen_provison")),
        ("E200", *loaded.at("forename, type: text, label: Known as", "forename")),
    ]
    assert loaded.catalogue.get("test-case") is None


@covers("E203")
def test_a_list_in_a_shared_file_with_errors_says_that_file_was_not_read():
    """A shared list written as a mapping (E102 in lists.yaml) left every question of every
    case type with "options list 'sen_provision' is not defined", though it is: as E204
    does for a workflows file, the message now names the file that was not read."""
    broken_lists = "kind: option_lists\nlists:\n  sen_provision:\n    E: EHC plan\n"
    loaded = Loaded(
        {
            "case.yaml": case_type_yaml(
                "- {id: child, title: Child, fields: "
                "[{id: sen, type: radios, label: SEN, options: sen_provision}]}"
            ),
            "shared/lists.yaml": broken_lists,
            "shared/workflows.yaml": WORKFLOWS,
        },
        shared=False,
    )
    problem = loaded.expect("E203", "options: sen_provision", "sen_provision")
    assert problem.message.endswith("shared/lists.yaml has errors, so it was not read")


@covers("E203")
def test_a_list_named_unlike_any_says_which_lists_there_are():
    """`options: year_groups` for the shared `nc_year` said only "is not defined": nothing
    close to suggest, and nothing to say where to look."""
    loaded = load_field("{id: year, type: select, label: Year group, options: year_groups}")
    problem = loaded.expect("E203", "options: year_groups", "year_groups")
    assert "the options lists are: " in problem.message
    assert problem.message.endswith("the options lists are: sen_provision")


@covers("E203")
@pytest.mark.parametrize("kind", ["radios", "checkboxes"])
def test_a_list_that_is_not_defined_is_one_problem_not_one_more_for_each_condition(kind):
    """A missing shared list gave E203, then E304 at every condition on the question:
    "'E' is not an option of 'sen_provision'; options are: " (none)."""
    loaded = load_field(
        f"{{id: sen_provision, type: {kind}, label: SEN provision, options: sen_provison}}",
        "{id: note, type: text, label: Note, show_if: \"'E' in sen_provision\"}"
        if kind == "checkboxes"
        else "{id: note, type: text, label: Note, show_if: \"sen_provision == 'E'\"}",
    )
    assert loaded.located() == [("E203", *loaded.at("options: sen_provison", "sen_provison"))]


def test_problems_in_several_files_are_all_reported_together():
    loaded = Loaded(
        {
            "a.yaml": case_type_yaml(CHILD_PAGE.replace("label", "lable"), id="a", code="AAA"),
            "b.yaml": "- not a mapping\n",
            "c.yaml": "kind: option_lists\nlists:\n  key_stage: [KS1, KS1]\n",
        }
    )
    assert {(p.path, p.code) for p in loaded.problems} >= {
        ("a.yaml", "E100"),
        ("b.yaml", "E003"),
        ("c.yaml", "E205"),
    }


def test_a_problem_prints_as_path_line_column_severity_code_and_message():
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - {id: surname, type: text, label: Last name, show_if: has_echp}
        - id: guidance
          title: Before you start
          fields:
            - {id: intro, type: content, text: You will need the pupil's UPN.}
    """)
    error = loaded.expect("E302", "has_echp")
    line, col = loaded.at("has_echp")
    assert str(error) == f"case.yaml:{line}:{col}: error E302: {error.message}"
    assert "'has_echp'" in error.message
    warning = loaded.expect("W503", "id: guidance", "guidance")
    line, col = loaded.at("id: guidance", "guidance")
    assert str(warning) == f"case.yaml:{line}:{col}: warning W503: {warning.message}"


def test_problems_at_the_same_place_come_out_in_the_same_order_every_run():
    script = (
        "from engine import build_catalogue\n"
        "from engine.source import load_source\n"
        "for p in build_catalogue([load_source('', 'empty.yaml')]).problems: print(p)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1, "\n---\n".join(outputs)


# ---- YAML as form authors mean it --------------------------------------------------------------


def test_yes_and_no_options_stay_text(compile_case):
    case = compile_case("""
        - id: child
          title: About the child
          fields:
            - {id: agreed, type: radios, label: Has the parent agreed?, options: [Yes, No, Unsure]}
    """)
    assert [(o.value, o.label) for o in case.fields["agreed"].options] == [
        ("Yes", "Yes"),
        ("No", "No"),
        ("Unsure", "Unsure"),
    ]


def test_only_true_and_false_are_booleans():
    data = load_source("a: [Yes, No, yes, no, on, off, y, n]\nb: [true, false]\n", "x.yaml").data
    assert data == {"a": ["Yes", "No", "yes", "no", "on", "off", "y", "n"], "b": [True, False]}


def test_dates_stay_text(compile_case):
    assert load_source("start: 2026-01-31\n", "x.yaml").data == {"start": "2026-01-31"}
    case = compile_case("""
        - id: arrangement
          title: The arrangement
          fields:
            - {id: start_date, type: date, label: Start date, min: 2026-01-31}
    """)
    assert case.fields["start_date"].settings["min"] == "2026-01-31"


def test_times_written_as_options_stay_text():
    data = load_source("sessions: [8:45, 9:30, 13:15]\n", "x.yaml").data
    assert data == {"sessions": ["8:45", "9:30", "13:15"]}


@covers("W508")
@pytest.mark.parametrize(
    ("condition", "advice"),
    [
        (
            "not school_named",
            "write school_named == false for answered No, or has_ehcp and not school_named",
        ),
        (
            "named_by != 'LA'",
            "write answered(named_by) and named_by != 'LA', or has_ehcp and named_by != 'LA'",
        ),
    ],
)
def test_a_condition_true_of_a_question_not_asked_is_warned_about(condition, advice):
    """`show_if: not school_named`, meant as "answered No", was true for every child without
    an EHCP too: school_named is asked only when has_ehcp, and a question not asked has no
    answer (a new author's trial)."""
    loaded = load_field(
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHCP?}",
        "{id: school_named, type: yes_no, label: Is the school named?, show_if: has_ehcp}",
        "{id: named_by, type: text, label: Named by, required: false, show_if: has_ehcp}",
        f'{{id: note, type: text, label: Note, show_if: "{condition}"}}',
    )
    problem = loaded.expect("W508", condition)
    assert problem.message.endswith(advice)
    quiet = load_field(
        "{id: has_ehcp, type: yes_no, label: Does the child have an EHCP?}",
        "{id: school_named, type: yes_no, label: Is the school named?, show_if: has_ehcp}",
        '{id: note, type: text, label: Note, show_if: "has_ehcp and not school_named"}',
        '{id: more, type: text, label: More, show_if: "school_named == false"}',
    )
    assert not [p for p in quiet.problems if p.code == "W508"]


@pytest.mark.parametrize(
    ("page", "condition"),
    [
        ("", "has_ehcp == true and not school_named"),
        ("", "named_by not in ['LA'] and has_ehcp == true"),
        ("named_by == 'school'", "named_by != 'LA'"),
        ("answered(named_by)", "named_by != 'LA'"),
    ],
)
def test_a_condition_that_holds_only_where_the_question_is_asked_is_not_warned_about(
    page, condition
):
    """W508 read the condition as written: `has_ehcp == true and not school_named` was told to
    write `has_ehcp and not school_named`, the same; and a question on a page shown only when
    named_by == 'school' was told `named_by != 'LA'` held while named_by was not asked, where
    the page is not shown at all. The trial of answers W504 uses now decides, with the page's
    condition: nothing holds there while has_ehcp is false."""
    show_if = f'\n          show_if: "{page}"' if page else ""
    loaded = load_case(f"""
        - id: child
          title: About the child
          fields:
            - {{id: has_ehcp, type: yes_no, label: Does the child have an EHCP?}}
            - {{id: school_named, type: yes_no, label: Is the school named?, show_if: has_ehcp}}
            - {{id: named_by, type: text, label: Named by, required: false, show_if: has_ehcp}}
        - id: more
          title: More{show_if}
          fields:
            - {{id: note, type: text, label: Note, show_if: "{condition}"}}
    """)
    assert [str(p) for p in loaded.problems if p.path == loaded.main] == []


def test_a_condition_already_asked_only_where_the_question_is_asked_is_not_warned_about():
    """W508 said, of `show_if: has_ehcp and in_county and not transport`, to write exactly
    that; and of a question on a page shown only when has_ehcp, as the question it names is,
    that it held while has_ehcp was false, when the page is not shown at all then."""
    loaded = load_case("""
        - id: child
          title: About the child
          fields:
            - {id: has_ehcp, type: yes_no, label: Does the child have an EHCP?}
            - {id: in_county, type: yes_no, label: Does the child live in the county?}
            - {id: transport, type: yes_no, label: Transport?, show_if: has_ehcp and in_county}
            - {id: why, type: text, label: Why?, show_if: has_ehcp and in_county and not transport}
            - {id: how, type: text, label: How?, show_if: in_county and has_ehcp and not transport}
        - id: named
          title: The school
          show_if: has_ehcp
          fields:
            - {id: school_named, type: yes_no, label: Is the school named in the EHCP?}
        - id: consult
          title: Consultation
          show_if: has_ehcp
          fields:
            - {id: reason, type: text, label: Why not consulted?, show_if: not school_named}
        - id: later
          title: Later
          fields:
            - {id: other, type: text, label: Other, show_if: in_county and not transport}
    """)
    warned = [p for p in loaded.problems if p.code == "W508"]
    assert [p.message.split(" is true")[0] for p in warned] == ["'not transport'"]  # `other`


# ---- every code is shown -----------------------------------------------------------------------


def test_every_problem_code_is_shown_by_a_test():
    # The case settings' codes (and W722) are shown in their own files; importing it here makes this
    # test hold when this file runs alone, not only as part of the whole suite.
    import tests.engine.test_case_settings  # noqa: F401, PLC0415
    import tests.engine.test_exclusion_and_funding_trial  # noqa: F401, PLC0415
    import tests.engine.test_validates_but_breaks  # noqa: F401, PLC0415

    assert set(Code.__members__) - COVERED == set()
    assert COVERED - set(Code.__members__) == set()


@covers("W310")
@pytest.mark.parametrize(
    ("condition", "at", "meant"),
    [
        ("has_ehcp == True", "True", "true"),
        ("has_ehcp != False", "False", "false"),
        ("forename != None", "None", "none"),
    ],
)
def test_true_false_and_none_in_capitals_work_and_are_told_to_be_small_letters(
    condition, at, meant
):
    # read as true/false/none, while AND in capitals is refused (E300): the docs say `true`
    field = f'show_if: "{condition}"'
    loaded = load_condition(condition)
    assert not [p for p in loaded.problems if p.severity == "error"]
    problem = loaded.expect("W310", field, at)
    assert problem.message == (f"'{at}' is read as {meant}: write {meant}, in small letters")


def test_true_in_quotes_is_text_and_not_told_anything():
    loaded = load_condition("forename == 'True'")
    assert not [p for p in loaded.problems if p.code == "W310"]


@covers("E300")
@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        ("a && b", "write 'and' instead of '&&'"),
        ("a || b", "write 'or' instead of '||'"),
        ("!a", "write 'not' instead of '!'"),
        ("a = 'x'", "compare with '=='"),
        ("a <> 'x'", "write '!=' instead of '<>'"),
        # an author's trial: each was only "invalid syntax" (=< was told to use ==)
        ("n >= 2 and n =< 5", "write '<=' instead of '=<'"),
        ("n => 2", "write '>=' instead of '=>'"),
        ("n between 2 and 5", "there is no 'between': write 2 <= days <= 5"),
        ("n > 2 and < 5", "each side of 'and' and 'or' is a whole comparison"),
        ("n < 2 or > 5", "each side of 'and' and 'or' is a whole comparison"),
    ],
)
def test_habits_from_other_languages_get_a_hint(expression, hint):
    loaded = load_case(f"""
     - id: p
       title: P
       fields:
         - {{id: a, type: yes_no, label: A}}
         - {{id: b, type: yes_no, label: B}}
         - {{id: n, type: number, label: N}}
         - {{id: c, type: text, label: C, show_if: "{expression}"}}
     """)
    assert hint in next(p.message for p in loaded.problems if p.code == "E300")


@covers("E305")
@pytest.mark.parametrize(
    ("condition", "at", "says"),
    [
        (
            "sen_provision == 'E' or 'K'",
            "'K'",
            "'K' is text, not a condition: 'or' joins whole conditions, so it stands alone (and "
            "is always true); write sen_provision == 'E' or sen_provision == 'K', or "
            "sen_provision in ['E', 'K']",
        ),
        ("has_ehcp and 1", "1", "1 is a number, not a condition: 'and' joins whole conditions"),
        (
            "has_ehcp or 0",
            "0",
            "0 is a number, not a condition: 'or' joins whole conditions, so it stands alone "
            "(and is never true)",
        ),
        (
            "sen_provision in ('EK')",
            "sen_provision",
            "'EK' is text, not a list (brackets around one value make no list): sen_provision "
            "in 'EK' looks for the answer inside that text (and finds 'E', 'K' there too); "
            "write sen_provision in ['EK'] or sen_provision == 'EK'",
        ),
    ],
)
def test_a_value_where_a_condition_or_a_list_belongs_is_a_type_error(condition, at, says):
    """`kind == 'a' or 'b'` was always true, and `kind in ('a')` a search inside the text
    'a', with no word from the validator (an author's trial)."""
    problem = load_condition(condition).expect("E305", condition, at)
    assert ("type error: " + says) in problem.message, problem.message


@covers("E300", "E302", "E305", "W504")
@pytest.mark.parametrize(
    ("condition", "code", "at", "hint"),
    [
        ("born > 2015-01-01", "E300", "2015-01-01", "write a date as date('2015-01-01')"),
        ("born > 2015-11-11", "E305", "born", "write a date as date('2015-01-31')"),
        ("born > today", "E302", "today", "to call it, write today()"),
        ("year_group == 7", "E305", "year_group", "put the value in quotes, '7'"),
        ("born > none", "E305", "born", "always false; write answered(born)"),
        ("year_group == '7' and", "E300", "and", "it ends with 'and': something is missing"),
        ("year_group in []", "W504", "year_group", "always false"),
        ("year_group not in []", "W504", "year_group", "always true"),
        ("days == []", "E305", "days", "write not answered(days), or answered(days) for any"),
        ("days != ['mon', 'tues']", "E304", "days", "'tues' is not an option of 'days'"),
    ],
)
def test_slips_in_dates_functions_and_numbers_say_how_to_write_them(condition, code, at, hint):
    """What a newcomer writes first, with the message that shows the way (an author's trial)."""
    loaded = load_case(f"""
     - id: p
       title: P
       fields:
         - {{id: born, type: date, label: Born}}
         - {{id: year_group, type: radios, label: Year, options: ['6', '7']}}
         - {{id: days, type: checkboxes, label: Days, options: [mon, tue]}}
         - {{id: c, type: text, label: C, show_if: "{condition}"}}
     """)
    problem = loaded.expect(code, condition, at)
    assert hint in problem.message, problem.message


@covers("E305")
def test_in_on_a_question_with_options_is_refused_and_free_text_still_takes_it():
    """`'1' in year_group` looked for the text '1' in the option chosen: true for Year 10,
    11 and E1 too (an author's trial). On radios or a select it is an error saying what to
    write; a word in a free-text answer is still found."""
    loaded = load_case("""
     - id: p
       title: P
       fields:
         - {id: year_group, type: select, label: Year, options: ['E1', '1', '10', '11']}
         - {id: details, type: text, label: Details}
         - {id: a, type: text, label: A, show_if: "'1' in year_group"}
         - {id: b, type: text, label: B, show_if: "details not in year_group"}
         - {id: c, type: text, label: C, show_if: "'urgent' in details"}
     """)
    problem = loaded.expect("E305", "'1' in year_group", "'1'")
    assert "(it is found in 'E1', '10', '11' too)" in problem.message, problem.message
    assert "write year_group == '1' or year_group in ['1']" in problem.message
    problem = loaded.expect("E305", "details not in year_group", "details")
    assert "write year_group == 'value'" in problem.message, problem.message
    assert [p.code for p in loaded.problems if p.severity == "error"] == ["E305", "E305"]


@covers("E302")
def test_an_unquoted_option_value_is_suggested_to_be_quoted():
    loaded = load_case("""
     - id: p
       title: P
       fields:
         - {id: contact, type: radios, label: How, options: [email, phone]}
         - {id: address, type: email, label: Email, show_if: contact == email}
     """)
    problem = loaded.expect("E302", "email}", "email")
    assert "put it in quotes: 'email'" in problem.message


@covers("E102", "E103")
def test_numbers_written_where_text_is_wanted_get_a_quoting_hint():
    loaded = load_case("""
     - id: p
       title: P
       fields:
         - {id: code, type: laestab, label: LAESTAB, la_code: 856}
         - {id: name, type: text, label: Name, width: 10}
     """)
    assert "(put it in quotes: '856')" in loaded.expect("E102", "856}").message
    assert "put it in quotes: '10'" in loaded.expect("E103", "10}").message


@covers("E104")
def test_exclusive_options_only_make_sense_on_checkboxes():
    loaded = load_case("""
     - id: p
       title: P
       fields:
         - id: how
           type: radios
           label: How
           options: [{value: a, label: A}, {value: none, label: None of these, exclusive: true}]
     """)
    assert "only applies to checkboxes" in loaded.expect("E104", "options: [{value: a", "[").message


@covers("E307")
def test_len_of_a_number_is_refused_when_loaded():
    loaded = load_case("""
     - id: p
       title: P
       fields:
         - {id: hours, type: number, label: Hours}
         - {id: count, type: calculated, label: Count, value: len(hours)}
     """)
    assert "needs a list or a repeating group or text" in loaded.expect("E307", "hours)}").message


def test_a_broken_file_does_not_raise_false_unused_warnings():
    loaded = Loaded(
        {"case.yaml": "id: [broken\n", "lists.yaml": "kind: option_lists\nlists:\n  x: [a]\n"},
        shared=False,
    )
    assert {p.code for p in loaded.problems} == {"E001"}


# ---- the school calendar, a file's own lists, suffixes (issue 13) ----

CALENDAR = """\
kind: calendar
terms:
  - {name: Autumn, start: 2026-09-03, end: 2026-12-18}
  - {name: Spring, start: 2027-01-04, end: 2027-03-25}
bank_holidays:
  - {date: 2026-12-25, name: Christmas Day}
"""
COUNTING = (
    '{id: days, type: calculated, label: Days, value: "school_days_between(start_date, end_date)"}'
)
DATES = "{id: start_date, type: date, label: Start}", "{id: end_date, type: date, label: End}"


def load_with_calendar(calendar: str, *fields: str) -> Loaded:
    pages = "- id: p\n  title: P\n  fields:\n" + "".join(f"    - {f}\n" for f in fields)
    return Loaded({"case.yaml": case_type_yaml(pages), "shared/calendar.yaml": calendar})


@covers("E700")
def test_a_calendar_date_that_does_not_exist_is_located():
    calendar = CALENDAR.replace("end: 2027-03-25", "end: 2027-02-30")
    loaded = load_with_calendar(calendar, *DATES, COUNTING)
    problem = loaded.expect("E700", "2027-02-30", path="shared/calendar.yaml")
    assert "'2027-02-30' is not a real date" in problem.message


@covers("E701")
def test_a_term_that_ends_before_it_starts_is_located():
    calendar = CALENDAR.replace("end: 2026-12-18", "end: 2026-08-18")
    loaded = load_with_calendar(calendar, *DATES, COUNTING)
    loaded.expect("E701", "2026-08-18", path="shared/calendar.yaml")


@covers("E702")
def test_terms_out_of_order_are_located_at_the_later_one():
    calendar = CALENDAR.replace("start: 2027-01-04", "start: 2026-12-01")
    loaded = load_with_calendar(calendar, *DATES, COUNTING)
    problem = loaded.expect("E702", "2026-12-01", path="shared/calendar.yaml")
    assert "line 3" in problem.message


@covers("E703")
def test_a_second_calendar_is_an_error_at_its_kind():
    loaded = Loaded(
        {
            "case.yaml": case_type_yaml(f"- id: p\n  title: P\n  fields:\n    - {DATES[0]}\n"),
            "shared/calendar.yaml": CALENDAR,
            "shared/more.yaml": CALENDAR,
        }
    )
    problem = loaded.expect("E703", "kind: calendar", "calendar", path="shared/more.yaml")
    assert "shared/calendar.yaml" in problem.message


@covers("W700")
def test_a_fixed_date_outside_the_calendar_is_a_warning_at_the_date():
    field = (
        "{id: due, type: calculated, label: Due, format: date, "
        "value: \"add_school_days(date('2028-01-10'), 5)\"}"
    )
    loaded = load_with_calendar(CALENDAR, field)
    problem = loaded.expect("W700", "date('2028-01-10')")
    assert "2026-09-03 to 2027-03-25" in problem.message
    assert loaded.catalogue.errors == []


@covers("W701")
def test_school_days_without_a_calendar_is_a_warning_at_the_call():
    loaded = load_field(*DATES, COUNTING)
    problem = loaded.expect("W701", "school_days_between(start_date")
    assert "counts every Monday to Friday" in problem.message


def _radios_page(options: str) -> str:
    field = f"{{id: x, type: radios, label: X, options: {options}}}"
    return f"- id: p\n  title: P\n  fields:\n    - {field}\n"


@covers("E710")
def test_a_files_own_list_with_a_shared_lists_name_is_located_at_its_name():
    extra = "lists:\n  sen_provision: [a, b]\n"
    pages = _radios_page("sen_provision")
    loaded = Loaded({"case.yaml": case_type_yaml(pages, extra=extra)})
    problem = loaded.expect("E710", "sen_provision: [a, b]", "sen_provision")
    assert "shared/lists.yaml" in problem.message


@covers("W710")
def test_a_files_own_list_nobody_uses_is_a_warning():
    extra = "lists:\n  colours: [red, blue]\n  sizes: [small, big]\n"
    pages = (
        "- id: p\n  title: P\n  fields:\n    - {id: x, type: radios, label: X, options: colours}\n"
    )
    loaded = Loaded({"case.yaml": case_type_yaml(pages, extra=extra)})
    loaded.expect("W710", "sizes: [small, big]", "sizes")
    assert loaded.located() == [("W710", *loaded.at("sizes: [small, big]"))]


def test_a_value_twice_in_a_files_own_list_is_located():
    extra = "lists:\n  colours: [red, blue, red]\n"
    pages = (
        "- id: p\n  title: P\n  fields:\n    - {id: x, type: radios, label: X, options: colours}\n"
    )
    loaded = Loaded({"case.yaml": case_type_yaml(pages, extra=extra)})
    assert loaded.located() == [("E205", *loaded.at("red]"))]


def _contacts_page(check: str, settings: str = "min_items: 2", field: str = "contacts") -> Loaded:
    return load_case(f"""
        - id: absence
          title: The absence
          fields:
            - {{id: note, type: text, label: Note}}
            - id: contacts
              type: group
              label: Attempts to contact the family
              item_label: Attempt
              {settings}
              fields:
                - {{id: contact_date, type: date, label: Date}}
          rules:
            - check: {check}
              message: Make at least 2 attempts to contact the family
              field: {field}
    """)


@covers("W509")
def test_a_rule_that_only_repeats_a_groups_item_count_is_a_warning():
    """A group with 1 item has its own error ("Add at least 2 attempts"), which silences the
    rule: its message is never read, and no journey can break it for --coverage."""
    loaded = _contacts_page("len(contacts) >= 2")
    problem = loaded.expect("W509", "check: len(contacts) >= 2", "len(")
    assert "'contacts'" in problem.message
    assert "at least 2 attempts" in problem.message
    assert "min_items" in problem.message
    flipped = _contacts_page("1 < len(contacts)")
    assert "W509" in [p.code for p in flipped.problems]
    most = _contacts_page("len(contacts) <= 5", "max_items: 5")
    assert "at most 5 attempts" in most.expect("W509", "len(contacts) <= 5", "len(").message


def test_a_rule_that_asks_for_more_items_than_the_group_does_is_no_warning():
    """More than min_items asks; a rule shown against another question is checked (and
    breaks) beside the group's own error; a group that may be left empty has no error with
    no items, so the rule is checked then, and breaks."""
    for check, settings, field in [
        ("len(contacts) >= 3", "min_items: 2", "contacts"),
        ("len(contacts) <= 4", "max_items: 5", "contacts"),
        ("len(contacts) >= 2", "min_items: 2", "note"),
        ("len(contacts) >= 1", "required: false", "contacts"),
        ("len(contacts) >= 2", "{min_items: 2, required: false}", "contacts"),
    ]:
        problems = _contacts_page(check, settings, field).problems
        assert "W509" not in [p.code for p in problems], (check, settings, field)


@covers("E104")
def test_an_id_or_name_that_breaks_its_pattern_says_the_one_meant():
    """`id: child_missing_education` (case type ids take -) and `workflow: Standard` (the
    shared `standard`) said only which characters are allowed."""
    text = case_type_yaml(
        "- {id: Child Page, title: Child, fields: [{id: x, type: text, label: X}]}",
        id="child_missing_education",
    ).replace("workflow: simple", "workflow: Simple")
    loaded = load_file(text)
    says = {p.line: p.message for p in loaded.problems if p.code == "E104"}
    assert says[loaded.at("child_missing_education")[0]].endswith(
        ": write 'child-missing-education'"
    )
    assert says[loaded.at("workflow: Simple")[0]].endswith(": write 'simple'")
    assert says[loaded.at("id: Child Page")[0]].endswith(": write 'child_page'")
    digits = load_field("{id: 1st_reason, type: text, label: Reason}")
    assert ": write" not in digits.expect("E104", "id: 1st_reason", "1st_reason").message


@covers("W720")
def test_suffix_one_is_a_warning_that_shows_the_one_key_way():
    loaded = load_field("{id: n, type: number, label: N, suffix: sessions, suffix_one: session}")
    problem = loaded.expect("W720", "suffix_one: session}", "session}")
    assert "suffix: {one: session, other: sessions}" in problem.message


@covers("W721")
def test_a_plain_suffix_in_the_plural_is_a_warning_that_shows_both_forms():
    """`suffix: days` showed "1 days", and validate said nothing."""
    loaded = load_field(
        "{id: n, type: number, label: N, suffix: days}",
        "{id: m, type: calculated, label: M, value: n, suffix: nurseries}",
    )
    problem = loaded.expect("W721", "suffix: days}", "days}")
    assert "'1 days'" in problem.message
    assert "suffix: {one: day, other: days}" in problem.message
    assert "{one: nursery, other: nurseries}" in loaded.expect("W721", "nurseries}").message


@pytest.mark.parametrize("suffix", ['"%"', "hours a week", "{one: day, other: days}", "cms", "ss"])
def test_a_suffix_that_is_no_plural_word_or_agrees_already_is_no_warning(suffix):
    loaded = load_field(f"{{id: n, type: number, label: N, suffix: {suffix}}}")
    assert "W721" not in [p.code for p in loaded.problems]


def _folder_with_two_case_types(tmp_path):
    folder = tmp_path / "casetypes"
    (folder / "shared").mkdir(parents=True)
    (folder / "shared" / "workflows.yaml").write_text(WORKFLOWS)
    page = "- id: p\n  title: P\n  fields:\n    - {id: x, type: text, label: X}\n"
    worked = case_type_yaml(page, id="worked", code="WRK")
    unworked = case_type_yaml(page, id="unworked", code="UNW")
    (folder / "worked.yaml").write_text(worked)
    (folder / "unworked.yaml").write_text(unworked)
    return folder, unworked


@covers("W730")
def test_strict_validation_warns_of_a_case_type_no_team_works(tmp_path, monkeypatch, capsys):
    """With DATABASE_URL set, `--strict` reads the teams (and writes nothing)."""
    import sqlite3

    from webapp.cli import main

    folder, unworked = _folder_with_two_case_types(tmp_path)
    database = tmp_path / "portal.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE teams (id INTEGER PRIMARY KEY, case_type_ids JSON)")
        connection.execute("INSERT INTO teams (case_type_ids) VALUES ('[\"worked\"]')")
        connection.execute(
            "CREATE TABLE case_type_versions (case_type_id, version, definition, recorded_at)"
        )
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    assert main(["validate", str(folder)]) == 0  # only --strict looks at the database
    capsys.readouterr()
    assert main(["validate", "--strict", str(folder)]) == 1
    line, col = position(unworked, "id: unworked", "unworked")
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"{folder / 'unworked.yaml'}:{line}:{col}: warning W730: no team in the database works "
        "case type 'unworked': council officers will not see its cases; give it to a team "
        "(portal add-team --name ... --case-type unworked)"
    ]


def _kept_versions_database(tmp_path, kept: dict[int, dict]):
    """A database where a team works 'worked' and 'unworked', and the cases of 'worked' were
    sent with the definitions `kept` (version -> definition)."""
    import json
    import sqlite3

    database = tmp_path / "portal.sqlite3"
    database.unlink(missing_ok=True)
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE teams (id INTEGER PRIMARY KEY, case_type_ids JSON)")
        worked = '["worked", "unworked"]'
        connection.execute("INSERT INTO teams (case_type_ids) VALUES (?)", (worked,))
        connection.execute(
            "CREATE TABLE case_type_versions (case_type_id VARCHAR, version INTEGER, "
            "definition JSON, recorded_at DATETIME)"
        )
        for version, definition in kept.items():
            connection.execute(
                "INSERT INTO case_type_versions VALUES ('worked', ?, ?, '2026-11-30 10:00:00')",
                (version, json.dumps(definition)),
            )
    return f"sqlite:///{database}"


@covers("W731")
def test_strict_validation_warns_of_a_changed_case_type_whose_version_was_not_raised(
    tmp_path, monkeypatch, capsys
):
    """An author changed a sent case type's questions and kept `version: 1`: it validated,
    and the cases sent since were later read with the definition the database kept for
    version 1 (a case at an activity that one lacks can never move)."""
    from webapp.cli import main

    folder, _unworked = _folder_with_two_case_types(tmp_path)
    worked = (folder / "worked.yaml").read_text()
    sent = load_catalogue(str(folder)).get("worked").definition
    before = copy.deepcopy(sent)
    before["pages"][0]["fields"][0]["label"] = "Pupil's name"
    monkeypatch.setenv("DATABASE_URL", _kept_versions_database(tmp_path, {1: before}))
    assert main(["validate", "--strict", str(folder)]) == 1
    line, col = position(worked, "version: 1", "1")
    assert capsys.readouterr().out.splitlines() == [
        f"{folder / 'worked.yaml'}:{line}:{col}: warning W731: version 1 of 'worked' was "
        "sent with a different definition (first sent 2026-11-30), which its cases are read "
        "with once the version changes; this file differs at pages > p > fields > x > label: "
        "raise version to 2"
    ]
    monkeypatch.setenv("DATABASE_URL", _kept_versions_database(tmp_path, {1: before, 2: sent}))
    assert main(["validate", "--strict", str(folder)]) == 1
    assert "raise version to 3" in capsys.readouterr().out
    monkeypatch.setenv("DATABASE_URL", _kept_versions_database(tmp_path, {1: sent}))
    assert main(["validate", "--strict", str(folder)]) == 0, capsys.readouterr().out


def test_strict_validation_says_when_the_database_cannot_be_read(tmp_path, monkeypatch, capsys):
    from webapp.cli import main

    folder, _unworked = _folder_with_two_case_types(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert main(["validate", "--strict", str(folder)]) == 2
    assert "cannot read the teams from DATABASE_URL: no such table: teams" in (
        capsys.readouterr().err
    )


def test_a_calendar_that_has_run_out_is_a_warning_where_today_is_counted_from():
    """Validation knows today's date: once the calendar's last term is past, say so."""
    past = CALENDAR.replace("2026-", "2016-").replace("2027-", "2017-")
    field = (
        "{id: due, type: calculated, label: Due, format: date, "
        'value: "add_school_days(today(), 5)"}'
    )
    loaded = load_with_calendar(past, field)
    problem = loaded.expect("W700", "today(), 5", "today()")
    assert problem.message.startswith("today (")
    assert "outside the school calendar (2016-09-03 to 2017-03-25)" in problem.message
