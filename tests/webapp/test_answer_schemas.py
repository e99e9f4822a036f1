"""`portal answers-schema --version N`: the schema of an older version, as the database keeps
it for the cases sent with it, while the folder has moved on."""

import json
import shutil

from engine import load_catalogue
from tests.webapp.conftest import ROOT
from webapp.cli import main
from webapp.models import CaseTypeVersion


def test_an_older_version_comes_from_the_database(
    portal_env, db_session, monkeypatch, tmp_path, capsys
):
    sent_with = load_catalogue(str(ROOT / "casetypes")).get("part-time-timetable")
    db_session.add(
        CaseTypeVersion(
            case_type_id="part-time-timetable",
            version=1,
            definition={**sent_with.definition, "version": 1},
        )
    )
    db_session.commit()
    folder = tmp_path / "casetypes"
    shutil.copytree(ROOT / "casetypes", folder)
    ptt = folder / "send" / "part-time-timetable.yaml"
    text = ptt.read_text()
    now = f"\nversion: {sent_with.version}\n"  # the shipped version, sent with version 1 here
    assert now in text
    ptt.write_text(text.replace(now, f"\nversion: {sent_with.version + 1}\n"))
    monkeypatch.setenv("PORTAL_CASETYPES", str(folder))

    assert main(["answers-schema", "part-time-timetable"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].endswith(f"version {sent_with.version + 1}")
    assert main(["answers-schema", "part-time-timetable", "--version", "1"]) == 0
    older = json.loads(capsys.readouterr().out)
    assert older["title"].endswith("version 1")
    assert "sen_provision" in older["properties"]

    assert main(["answers-schema", "part-time-timetable", "--version", "7"]) == 1
    assert capsys.readouterr().err == (
        "portal answers-schema: no version 7 of 'part-time-timetable'"
        f" (versions: 1, {sent_with.version + 1})\n"
    )
