"""Plain files are read in one pass (engine/one_pass.py), others through the composer's node
tree: whichever way a file goes, the data, every position and every problem are the same."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.composer import MAX_DEPTH
from engine.one_pass import NotPlain
from engine.source import _read, load_source

PLAIN = {
    "nested": "id: a\npages:\n  - title: One\n    fields: [{id: x, type: text}, {id: y}]\n",
    "duplicate keys, the second value not read": (
        "a: 1\nb:\n  c: 2\n  c: 3\na:\n  d: 1\n  d: 2\n  e: [1, 2]\nf: last\n"
    ),
    "duplicate inside a list item": "- {a: 1, a: 2}\n- [x, y]\n- b: 1\n  b: 2\n",
    "keys that are numbers, true/false, none": "1: one\ntrue: yes\n~: none\n1.5: half\n",
    "quoted and written over lines": (
        "a: 'quoted'\nb: \"double\"\nc: >\n  folded text\n  over lines\n"
        "d: |\n  literal\n  text\ne: plain words\n  that go on\n"
    ),
    "types of values": "a: 010\nb: 8:45\nc: No\nd: true\ne: 2026-01-31\nf: 1e3\ng: -4\nh:\n",
    "empty collections": "a: []\nb: {}\nc: [[], [{}]]\n",
    "a list at the top": "- a\n- - b\n  - c\n",
    "a scalar at the top": "just text\n",
    "empty": "",
    "nested to the limit": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
}
PROBLEMS = {
    "nested past the limit": "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "a second document": "a: 1\n---\nb: 2\n",
    "broken half way": "a: 1\nb: [1, 2\nc: 3\n",
    "a tab": "a:\n\tb: 1\n",
}
NOT_PLAIN = {
    "an anchor and alias": "a: &x {b: 1}\nc: *x\n",
    "a merge key": "base: &b {x: 1}\nthis:\n  <<: *b\n  y: 2\n",
    "a tag written out": "a: !!binary aGVsbG8=\n",
    "a simple tag written out": "a: !!str 12\n",
    "a mapping as a key": "? {a: 1}\n: value\n",
    "an anchor inside a duplicate's value": "a: 1\na: &x 2\n",
}


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_file_reads_the_same_in_one_pass(text):
    assert _read(text, "f.yaml", plain=True) == _read(text, "f.yaml", plain=False)


@pytest.mark.parametrize("text", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_a_refused_or_broken_file_gives_the_same_problem_either_way(text, monkeypatch):
    one_pass = load_source(text, "f.yaml")
    monkeypatch.setattr("engine.source.OnePass.read", _not_plain)
    general = load_source(text, "f.yaml")
    assert one_pass.problems == general.problems
    assert one_pass.data is None and len(one_pass.problems) == 1


@pytest.mark.parametrize("text", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_a_file_that_is_not_plain_is_read_the_general_way(text):
    with pytest.raises(NotPlain):
        _read(text, "f.yaml", plain=True)
    source = load_source(text, "f.yaml")
    assert (source.data, source.positions, source.problems) == _read(text, "f.yaml", False)


def test_duplicate_keys_are_reported_where_the_second_one_is():
    source = load_source("a: 1\nb:\n  c: 2\n  c: 3\na:\n  d: 1\n  d: 2\n", "f.yaml")
    assert [str(p) for p in source.problems] == [
        "f.yaml:4:3: error E002: duplicate key 'c' (first given on line 3)",
        "f.yaml:5:1: error E002: duplicate key 'a' (first given on line 1)",
    ]
    assert source.data == {"a": 1, "b": {"c": 2}}


def _not_plain(self):
    raise NotPlain


_SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.sampled_from(["yes", "No", "010", "8:45", "2026-01-31", "~", "1e3", "<<", "=", "-"]),
)
_KEYS = st.one_of(st.text(min_size=1, max_size=6), st.integers(0, 9), st.booleans(), st.none())
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(
    _DATA,
    st.sampled_from([None, True, False]),
    st.sampled_from([None, "'", '"', "|", ">"]),
    st.integers(0, 40),
)
def test_any_yaml_reads_the_same_either_way(data, flow, style, repeated):
    """Random YAML in every style, with one line written twice (a duplicate key, often, or
    broken YAML): the one pass and the general way give the same source, problems included."""
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, width=30)
    lines = text.splitlines(keepends=True)
    if repeated < len(lines):
        lines.insert(repeated, lines[repeated])
    text = "".join(lines)
    one_pass = load_source(text, "f.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("engine.source.OnePass.read", _not_plain)
        general = load_source(text, "f.yaml")
    assert one_pass == general


def test_a_tag_that_does_not_fit_its_text_is_a_located_problem():
    """`!!int many` and `!!timestamp soon` once stopped `portal validate` with a traceback."""
    source = load_source("id: a\ncount: !!int many\nlimit: [!!float '']\n", "f.yaml")
    assert source.data is None
    assert [(p.code, p.line, p.col) for p in source.problems] == [("E001", 2, 8)]
    assert "'many' cannot be read as !!int" in source.problems[0].message
    source = load_source("id: a\nwhen:\n  - !!timestamp soon\n", "f.yaml")
    assert [(p.code, p.line, p.col) for p in source.problems] == [("E001", 3, 5)]
    assert "'soon' cannot be read as !!timestamp" in source.problems[0].message
