"""`portal validate` as CI and form authors use it: exit codes, output lines, JSON."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]

BROKEN = """\
kind: link
id: remote
name: Remote
category: Tests
url: https://example.org/
colour: blue
"""


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    return path


def test_clean_folder_exits_0(capsys):
    assert main(["validate", str(ROOT / "casetypes")]) == 0
    assert "no problems" in capsys.readouterr().err


def test_a_folder_without_case_type_files_is_bad_usage_not_clean(tmp_path, capsys):
    """It said 'no problems; 0 case type(s)' and exited 0, so a wrong path in CI passed (an
    author's trial); journey files alone are not case types either."""
    (tmp_path / "notes.txt").write_text("to do\n")
    (tmp_path / "tiny.tests.yaml").write_text("case_type: tiny\n")
    assert main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"portal validate: no case-type files (*.yaml) in {tmp_path}\n"
    )


def test_portal_test_on_a_folder_without_case_type_files_is_bad_usage(tmp_path, capsys):
    """It said "0 journey(s)… 0 failed" and exited 0 (a reviewer's trial)."""
    (tmp_path / "notes.txt").write_text("to do\n")
    assert main(["test", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"portal test: no case-type files (*.yaml) in {tmp_path}\n"


def test_a_journey_file_named_to_validate_points_to_portal_test(capsys):
    """Named on its own it gave nine case-type errors (unknown key 'case_type'…)."""
    path = str(ROOT / "casetypes" / "send" / "send-transport.tests.yaml")
    assert main(["validate", path]) == 2
    assert capsys.readouterr().err == (
        f"portal validate: {path} is a journey-test file: run it with portal test\n"
    )


def test_errors_print_located_lines_and_exit_1(broken, capsys):
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert out == f"{broken}:6:1: error E100: unknown key 'colour'\n"


def test_json_format_for_tools(broken, capsys):
    assert main(["validate", "--format", "json", str(broken)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"] == [
        {
            "path": str(broken),
            "line": 6,
            "column": 1,
            "severity": "error",
            "code": "E100",
            "message": "unknown key 'colour'",
        }
    ]


def test_strict_makes_warnings_fail(tmp_path, capsys):
    lists = tmp_path / "lists.yaml"
    lists.write_text("kind: option_lists\nlists:\n  unused: [a, b]\n")
    assert main(["validate", str(lists)]) == 0
    assert main(["validate", "--strict", str(lists)]) == 1
    assert "warning W500" in capsys.readouterr().out


def test_default_folder_comes_from_portal_casetypes(broken, monkeypatch):
    monkeypatch.setenv("PORTAL_CASETYPES", str(broken))
    assert main(["validate"]) == 1


def test_bad_usage_exits_2_with_one_line_and_no_traceback(tmp_path):
    for args in (
        ["validate", "--format", "xml"],
        ["validate", str(tmp_path / "missing")],
        ["frobnicate"],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "webapp.cli", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr
        assert "error" in run.stderr.splitlines()[-1] or "no such" in run.stderr


@pytest.mark.parametrize(
    ("args", "last"),
    [
        (
            ["validate", "--format"],
            "portal validate: error: Option '--format' requires an argument.",
        ),
        (
            ["test", "--coverage=yes"],
            "portal test: error: Option '--coverage' does not take a value.",
        ),
    ],
)
def test_an_option_missing_its_value_names_the_command(capsys, args, last):
    """`portal validate --format` said "portal: error: …", with no usage: the command was
    not named, as the option's value is missing before Click knows which command it is."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"usage: portal {args[0]} [OPTIONS] [PATH]...",
        f"Try 'portal {args[0]} --help' for help.",
        last,
    ]


def test_validate_starts_without_the_web_app():
    """`portal validate` runs in CI and editors: it must not pay for importing Flask, nor for
    the pure-Python jsonschema and WTForms (a valid folder needs neither: issue 12, P1)."""
    check = (
        "import sys\n"
        "from webapp.cli import main\n"
        "assert main(['validate', 'casetypes']) == 0\n"
        "heavy = {'flask', 'sqlalchemy', 'jsonschema', 'wtforms'}\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & heavy)\n"
        "print(heavy)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout == "[]\n"


def test_help_lists_every_command_and_each_command_has_its_own(capsys):
    expected = [
        "add-api-client",
        "add-council-user",
        "add-team",
        "answers-schema",
        "db",
        "demo-data",
        "docs",
        "mail-worker",
        "onboard-school",
        "preview",
        "purge",
        "run",
        "schema",
        "serve",
        "test",
        "validate",
    ]
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out.split("Commands:\n")[1]
    assert [line.split()[0] for line in listed.splitlines() if line[2:3] != " "] == expected
    for command in expected:
        assert main([command, "-h"]) == 0
        assert capsys.readouterr().out.startswith(f"Usage: portal {command} [OPTIONS]")


def test_answers_schema_prints_the_current_version_without_flask():
    """`portal answers-schema` is the engine's: no database, no Flask."""
    script = (
        "import sys; from webapp.cli import main; code = main(['answers-schema', "
        "'planned-closure']); assert 'flask' not in sys.modules, 'flask imported'; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["title"] == "Answers to Planned school closure notification, version 2"
    assert schema["properties"]["reason"]["enum"][0] == "polling_station"


def test_answers_schema_of_an_unknown_case_type_exits_1(capsys):
    assert main(["answers-schema", "part-time-timetabel"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "portal answers-schema: no case type 'part-time-timetabel' (did you mean "
        "'part-time-timetable'?)\n"
    )
    assert main(["answers-schema", "ptt"]) == 1  # nothing near: every case type
    assert "(the case types: additional-funding, " in capsys.readouterr().err
