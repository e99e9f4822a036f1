"""`portal validate --strict` against the portal's database: a case type changed since cases
were sent with its version, and whose `version` was not raised, is W731 (an author's trial).
The definitions compared are those the running portal kept when it sent a case."""

from __future__ import annotations

import shutil

from tests.webapp.conftest import ROOT
from tests.webapp.test_caseviewer import PTT, submit_ptt
from webapp.cli import main


def _w731(capsys) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if "W731" in line]


def test_a_case_type_changed_under_a_version_the_portal_sent_is_w731(
    app, sign_in, world, database_url, tmp_path, monkeypatch, capsys
):
    submit_ptt(sign_in(world.alice))  # the portal keeps version 2's definition
    monkeypatch.setenv("DATABASE_URL", database_url)
    main(["validate", "--strict", str(ROOT / "casetypes")])
    assert _w731(capsys) == []  # the files as sent: nothing changed

    folder = tmp_path / "casetypes"
    shutil.copytree(ROOT / "casetypes", folder)
    changed = folder / "send" / "part-time-timetable.yaml"
    text = changed.read_text()
    changed.write_text(text.replace("label: Last name,", "label: Family name,", 1))
    assert main(["validate", "--strict", str(folder)]) == 1
    line = 1 + text[: text.index("version: 2")].count("\n")
    [problem] = _w731(capsys)
    assert problem.startswith(f"{changed}:{line}:10: warning W731: version 2 of '{PTT}' was sent")
    assert problem.endswith(
        "this file differs at pages > child > fields > surname > label: raise version to 3"
    ), problem
