"""`portal validate` of a big folder in two processes: the same problems, in the same order,
as in one process and as load_catalogue finds them."""

import os
import shutil
import threading
from pathlib import Path

import pytest

import engine.folder_check as folder_check
from engine import load_catalogue
from engine.folder_check import check_folder
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]

needs_one_thread = pytest.mark.skipif(
    threading.active_count() > 1, reason="forking a process with other threads is not safe"
)


def _shipped_copy(folder: Path) -> None:
    shutil.copytree(ROOT / "casetypes", folder, ignore=shutil.ignore_patterns("*.tests.yaml"))


@pytest.fixture
def broken_folder(tmp_path):
    """Two copies of casetypes/ (every id, reference, shared list, workflow and the calendar
    twice: problems across files, in both halves) and files broken in three ways."""
    folder = tmp_path / "casetypes"
    _shipped_copy(folder / "a")
    _shipped_copy(folder / "b")
    (folder / "b" / "send" / "not-yaml.yaml").write_text("id: [unclosed\n")
    (folder / "a" / "early-years" / "link.yaml").write_text(
        "kind: link\nid: remote\nname: Remote\ncategory: Tests\nurl: https://example.org/\n"
        "colour: blue\n"
    )
    (folder / "a" / "early-years" / "list.yaml").write_text("- just\n- a list\n")
    _edit(folder / "b" / "send" / "send-transport.yaml", "name:", "nmae:")
    _edit(folder / "b" / "shared" / "workflows.yaml", "kind:", "colour: blue\nkind:")
    _edit(folder / "a" / "send" / "best-endeavours.yaml", "workflow: standard", "workflow: nowhere")
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


@needs_one_thread
def test_two_processes_find_what_one_finds_in_a_folder_with_errors_in_many_files(
    broken_folder, monkeypatch
):
    one = check_folder([str(broken_folder)], processes=1)
    with monkeypatch.context() as patched:  # no falling back to one process unseen
        patched.setattr(folder_check, "_in_one", lambda files: pytest.fail("not in two"))
        two = check_folder([str(broken_folder)], processes=2)
    assert [str(p) for p in two.problems] == [str(p) for p in one.problems]
    assert two == one
    assert [str(p) for p in one.problems] == [
        str(p) for p in load_catalogue(str(broken_folder)).problems
    ]
    codes = {problem.code for problem in one.problems}
    assert {"E001", "E100", "E201", "E202", "E204", "E208", "E703"} <= codes
    assert any("workflows.yaml has errors" in problem.message for problem in one.problems)
    with_problems = {problem.path for problem in one.problems}
    parent_half, child_half = folder_check._halves(folder_check.yaml_files([str(broken_folder)]))
    assert len(with_problems & set(parent_half)) > 5 and len(with_problems & set(child_half)) > 5


@needs_one_thread
def test_two_processes_load_what_one_loads_in_a_clean_folder(monkeypatch):
    monkeypatch.setattr(folder_check, "_in_one", lambda files: pytest.fail("not in two"))
    two = check_folder([str(ROOT / "casetypes")], processes=2)
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    assert two.problems == catalogue.problems == []
    assert two.case_types == {id: c.source for id, c in catalogue.case_types.items()}
    assert two.links == list(catalogue.links)


@needs_one_thread
def test_validate_prints_the_same_lines_whichever_way_it_checks(broken_folder, monkeypatch, capsys):
    # Whatever ran before in this test session (a browser test's threads), choose as the
    # command does on a machine of two processors with nothing else running.
    monkeypatch.setattr(folder_check, "_may_fork", lambda: True)
    monkeypatch.setattr(folder_check, "TWO_PROCESSES_BYTES", 1 << 40)  # one process
    assert main(["validate", str(broken_folder)]) == 1
    in_one = capsys.readouterr().out
    monkeypatch.setattr(folder_check, "TWO_PROCESSES_BYTES", 0)  # two, for any folder
    monkeypatch.setattr(folder_check, "_in_one", lambda files: pytest.fail("not in two"))
    assert main(["validate", str(broken_folder)]) == 1
    assert capsys.readouterr().out == in_one
    assert in_one.count("\n") > 30


def test_a_small_folder_is_checked_in_one_process(monkeypatch):
    monkeypatch.setattr(folder_check, "_in_two", lambda files: pytest.fail("in two"))
    assert check_folder([str(ROOT / "casetypes")]).problems == []


@needs_one_thread
def test_a_child_that_fails_leaves_the_whole_check_to_the_parent(broken_folder, monkeypatch):
    monkeypatch.setattr(folder_check, "_child", lambda files, parent, own: os._exit(3))
    two = check_folder([str(broken_folder)], processes=2)
    assert two == check_folder([str(broken_folder)], processes=1)


@needs_one_thread
def test_a_parent_that_fails_says_why_at_once_and_leaves_no_child(broken_folder, monkeypatch):
    """Found by a review: the child kept a copy of the parent's end of the pipe, so when the
    parent failed it waited for the parent for ever, and the parent for it."""
    import multiprocessing

    def broken(*args):
        raise RuntimeError("a bug in the parent's half")

    monkeypatch.setattr(folder_check, "shared_parts", broken)
    with pytest.raises(RuntimeError, match="a bug in the parent's half"):
        check_folder([str(broken_folder)], processes=2)
    assert multiprocessing.active_children() == []
