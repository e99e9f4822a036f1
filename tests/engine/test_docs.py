"""The documentation keeps up with the code: every problem code and field type is described."""

from pathlib import Path

from engine.fields import FIELD_TYPES
from engine.problems import Code

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_problem_code_has_a_section_in_error_codes_md():
    text = (DOCS / "error-codes.md").read_text()
    missing = [code.name for code in Code if f"## {code.name}" not in text]
    assert missing == []


def test_every_field_type_is_described_in_the_format_guide():
    text = (DOCS / "casetypes.md").read_text()
    missing = [name for name in FIELD_TYPES if f"`{name}`" not in text]
    assert missing == []
