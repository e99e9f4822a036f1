"""Every example in docs/error-codes.md prints the lines the page shows for it.

The page says its lines are what a real run prints, but nothing held them to it: examples went
stale as messages were improved (E001's gained hints the page never showed, and seven more). Each
code's section is read as an author reads it: its example's files are written into a folder with
the council's shared workflows and lists, and validated as `portal validate casetypes` does;
then each of its "other ways to get it", whose lines take the place of the example's questions
(or, where the page says so, of the whole file, of a key at the top of the file, or of a line of
the shared file named, the example's own mistake then mended). What is printed must be the lines
shown, no more and no fewer, less those the page says it leaves out.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from engine import load_catalogue
from engine.problems import Code

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "error-codes.md").read_text()
MAIN = "casetypes/send/example.yaml"
WORKFLOWS = "casetypes/shared/workflows.yaml"
LISTS = "casetypes/shared/lists.yaml"

QUESTION = "      - {id: forename, type: text, label: First name}\n"
# Examples the page shortens, and what each stands for in full.
ELIDED = {
    "[[[[[[[[[[[[[[ … ]]]]]]]]]]]]]]": "[" * 60 + "]" * 60,  # E006: 60 of each
    "hours+hours+hours+ … +hours": "+".join(["hours"] * 120),  # E310: 120 terms
}
# Examples the page describes in words, written out here.
DESCRIBED = {"E004": {MAIN: "# more than 1,048,576 bytes\n" * 40_000}}
# The example that cannot be run in a folder, and where its line is checked instead.
NOT_RUN = {
    "W730": "it needs the portal's database: test_validation_errors.py checks it",
    "W731": "it needs the portal's database: test_validation_errors.py checks it",
}


def shared_files() -> dict[str, str]:
    """The council's shared workflows and options lists, which the page's examples use."""
    return {path: (ROOT / path).read_text() for path in (WORKFLOWS, LISTS)}


@dataclass
class Example:
    """One way to get a code: the files of a folder, and the lines validating it prints."""

    code: str
    name: str
    files: dict[str, str]
    printed: list[str] = field(default_factory=list)


_FILE = re.compile(
    r"^(?:Example, )?`(casetypes/[^`]+)`[^\n]*:\n\n```yaml\n(.*?)^```\n", re.M | re.S
)
_PRINTS = re.compile(r"^`portal validate` prints:\n\n```\n(.*?)^```\n", re.M | re.S)
_OTHER = re.compile(r"^- (.*?):\n\n  ```yaml\n(.*?)^  ```\n\n  ```\n(.*?)^  ```\n", re.M | re.S)


def sections() -> dict[str, str]:
    """Each code's section of the page, by code."""
    parts = re.split(r"^## ([EW]\d{3})\n", PAGE, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def expanded(text: str) -> str:
    for short, full in ELIDED.items():
        text = text.replace(short, full)
    return text


def examples_of(code: str, section: str) -> list[Example]:
    """The section's example and its other ways to get the code."""
    main_part, _, others = section.partition("\nOther ways to get it")
    files = DESCRIBED.get(code) or {p: expanded(text) for p, text in _FILE.findall(main_part)}
    printed = _PRINTS.search(main_part)
    if not files or printed is None:
        return []
    found = [Example(code, "the example", files, printed.group(1).splitlines())]
    for description, text, lines in _OTHER.findall(others):
        changed = _replaced(files, description, _unindented(text))
        found.append(Example(code, description, changed, _unindented(lines).splitlines()))
    return found


def _unindented(text: str) -> str:
    """A block of a bullet, less the bullet's indent of two spaces."""
    return re.sub(r"^  ", "", text, flags=re.M)


def _replaced(files: dict[str, str], description: str, lines: str) -> dict[str, str]:
    """The example's files with `lines` put in where `description` says."""
    files = dict(files)
    description = " ".join(description.split())
    if "the whole file" in description:
        files[MAIN] = lines
        return files
    named = re.search(r"in `(casetypes/[^`]+)`", description)
    path = named.group(1) if named else MAIN
    text = files.get(path) or shared_files()[path]
    if named or "at the top of the file" in description:
        files[path] = _with_keys_replaced(text, lines)
        if MAIN in files:  # the example's own mistake mended
            head, _, _ = files[MAIN].partition("    fields:\n")
            files[MAIN] = head + "    fields:\n" + QUESTION
    else:
        head, _, _ = text.partition("    fields:\n")
        files[path] = head + "    fields:\n" + lines
    return files


def _with_keys_replaced(text: str, lines: str) -> str:
    """`text` whose line for the key of `lines`' first line (at any depth) is `lines`."""
    key = lines.lstrip().split(":", 1)[0]
    own = re.compile(rf"^(\s*){re.escape(key)}:.*\n((?:\1\s+.*\n)*)", re.M)
    match = own.search(text)
    assert match, f"no line for '{key}' to replace"
    indent = match.group(1)
    return text[: match.start()] + textwrap.indent(lines, indent) + text[match.end() :]


ALL = [example for code, section in sections().items() for example in examples_of(code, section)]


def validated(tmp_path, monkeypatch, files: dict[str, str]) -> list[str]:
    """What `portal validate casetypes` prints for a folder of these files and the council's
    shared files (unless the example writes its own)."""
    monkeypatch.chdir(tmp_path)
    for path, text in {**shared_files(), **files}.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)
    return [str(problem) for problem in load_catalogue("casetypes").problems]


_LINE = re.compile(r"^(.*?):\d+:\d+: (?:error|warning) ([EW]\d{3}): ")


def _left_out(line: str, example: Example) -> bool:
    """Whether the page leaves this line out, as it says: that a shared list or workflow is
    not used (W500, W501), except under those codes for the files the example shows."""
    path, code = _LINE.match(line).groups()
    if code not in ("W500", "W501"):
        return False
    return code != example.code or path not in example.files


@pytest.mark.parametrize("example", ALL, ids=lambda e: f"{e.code}-{e.name[:40]}")
def test_each_documented_example_prints_the_lines_shown(example, tmp_path, monkeypatch):
    printed = validated(tmp_path, monkeypatch, example.files)
    printed = [line for line in printed if not _left_out(line, example)]
    assert printed == example.printed


def test_every_code_has_an_example_that_is_run():
    run = {example.code for example in ALL}
    missing = [code.name for code in Code if code.name not in run and code.name not in NOT_RUN]
    assert missing == []


def test_no_example_on_the_page_is_passed_over():
    """Each "prints:" and each other way to get a code is run: an example written in a way
    this test does not read fails here rather than going unchecked."""
    for code, section in sections().items():
        main_part, _, others = section.partition("\nOther ways to get it")
        shown = main_part.count("`portal validate` prints:") + len(re.findall(r"^- ", others, re.M))
        assert (code, len(examples_of(code, section))) == (code, shown)
