"""`portal docs`: the documentation site an author publishes, built from the shipped case types
as CI builds it, and read as a colleague of the author would read it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from engine import load_catalogue
from tests.webapp.conftest import check_page
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASETYPES = ROOT / "casetypes"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    assert main(["docs", str(CASETYPES), "--out", str(out)]) == 0
    return out


def read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def test_the_index_lists_every_case_type_and_link_tile_by_category(site):
    catalogue = load_catalogue(str(CASETYPES))
    index = read(site / "index.html")
    check_page(index)
    assert index.find("h1").get_text(strip=True) == "Case types"
    headings = [h.get_text(strip=True) for h in index.find_all("h2")]
    assert sorted(headings) == sorted({c.category for c in catalogue.case_types.values()})
    links = {a["href"]: a.get_text(strip=True) for a in index.select("h3 a")}
    for case_type in catalogue.case_types.values():
        assert links[f"{case_type.id}.html"] == case_type.name
        assert (site / f"{case_type.id}.html").is_file()
    for tile in catalogue.links.values():
        assert index.find("a", href=tile.url), tile.id
    assert (site / "docs.css").is_file()
    assert not index.find("script")


def test_every_case_type_page_has_a_title_one_h1_and_every_page_and_question(site):
    for case_type in load_catalogue(str(CASETYPES)).case_types.values():
        page = read(site / f"{case_type.id}.html")
        check_page(page)
        assert page.find("title").get_text().startswith(case_type.name)
        assert page.find("h1").get_text(strip=True) == case_type.name
        for number, form_page in enumerate(case_type.pages, 1):
            heading = page.find("h2", id=f"page-{form_page.id}")
            assert text_of(heading) == f"Page {number}: {form_page.title}"
            for f in form_page.fields:
                assert page.find(id=f"q-{f.id}"), (case_type.id, f.id)
        assert not page.find("script")


def question(page: BeautifulSoup, field_id: str) -> str:
    return text_of(page.find(id=f"q-{field_id}"))


def test_conditions_and_rules_read_in_plain_english(site):
    page = read(site / "physical-intervention.html")
    assert "Asked Only when ‘Was the pupil injured?’ is Yes." in question(
        page, "pupil_injury_details"
    )
    assert "Only when ‘Where did it happen?’ is “Somewhere else”." in question(
        page, "location_other"
    )
    assert "Only when ‘Has a parent or carer been told about the incident?’ is No." in question(
        page, "parent_not_informed_reason"
    )
    said = question(page, "parent_informed_date")
    assert "On or after the answer to ‘Date of the incident’." in said
    assert "On or before today." in said
    incident = text_of(page.find("h2", id="page-incident").find_parent("section"))
    assert (
        "must be true: ‘Time the intervention ended’ is later than "
        "‘Time the intervention started’ or the number of minutes from ‘Time the intervention "
        "ended’ to ‘Time the intervention started’ is at least 720." in incident
    )
    duration = question(page, "duration")
    assert (
        "Worked out as the number of minutes from ‘Time the intervention started’ to "
        "‘Time the intervention ended’ if ‘Time the intervention ended’ is later than "
        "‘Time the intervention started’, otherwise the number of minutes from ‘Time the "
        "intervention started’ to ‘Time the intervention ended’ plus 1,440 if" in duration
    )


def test_a_date_one_day_on_reads_one_day_not_one_days(site):
    page = read(site / "physical-intervention.html")
    text = text_of(page)
    assert "the date 1 day after ‘Date of the incident’" in text
    assert "1 days" not in text
    assert "On or before today." in question(page, "date_of_birth")  # max: today


def test_questions_show_their_kind_hint_answer_and_options_with_codes(site):
    page = read(site / "physical-intervention.html")
    said = question(page, "sen_provision")
    assert "One choice (radio buttons) radios" in said
    assert "Required" in said
    rows = [
        [text_of(td) for td in tr.find_all("td")]
        for tr in page.find(id="q-sen_provision").select("tbody tr")
    ]
    assert rows[0][:2] == ["E", "Education, health and care (EHC) plan"]
    assert "At most 200 characters." in question(page, "location_other")
    assert "Optional" in question(page, "parent_email")


def test_the_workflow_is_a_diagram_and_a_table_of_who_may_take_each_transition(site):
    case_type = load_catalogue(str(CASETYPES)).get("send-referral")
    page = read(site / "send-referral.html")
    svg = page.find("svg")
    assert svg["role"] == "img"
    assert svg.find("title").get_text() == f"The workflow of {case_type.name}"
    boxes = [text_of(g.find("text")) for g in svg.select("g.activity")]
    for activity in case_type.workflow.activities.values():
        assert any(box.startswith(activity.label) for box in boxes), activity.label
    assert len(svg.select("g.transition path")) == len(case_type.workflow.transitions)
    rows = [
        [text_of(td) for td in tr.find_all("td")]
        for tr in page.select("table.transitions tbody tr")
    ]
    assert rows[0] == [
        "1",
        "Form Submitted",
        "Notify case officers",
        "Case Officers Notification (Active)",
        "The portal, automatically",
        "No note",
        "The case officers",
    ]
    assert any(r[2] == "Resubmit with more information" and r[4] == "The school" for r in rows)


def test_what_an_author_typed_is_shown_as_text_never_as_markup(tmp_path):
    folder = tmp_path / "casetypes"
    shutil.copytree(CASETYPES / "shared", folder / "shared")
    (folder / "odd.yaml").write_text(
        """\
id: odd
name: "Odd <script>alert(1)</script> case"
category: "Tests & <b>trials</b>"
reference: {prefix: EDU-TEST, code: ODD}
version: 1
workflow: standard
pages:
  - id: one
    title: One
    fields:
      - {id: answer, type: text, label: "Say <img src=x onerror=alert(1)>"}
"""
    )
    out = tmp_path / "site"
    assert main(["docs", str(folder), "--out", str(out)]) == 0
    for name in ("index.html", "odd.html"):
        html = (out / name).read_text()
        assert "<script>" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;" in html
    assert "Say <img src=x onerror=alert(1)>" in text_of(read(out / "odd.html"))


def test_broken_definitions_are_reported_and_nothing_is_written(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "kind: link\nid: remote\nname: Remote\ncategory: T\nurl: https://e.org/\ncolour: blue\n"
    )
    out = tmp_path / "site"
    assert main(["docs", str(broken), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert f"{broken}:6:1: error E100: unknown key 'colour'" in captured.out
    assert "portal docs: 1 error(s) in the case types; nothing written" in captured.err
    assert not out.exists()


def test_a_missing_folder_is_bad_usage(tmp_path, capsys):
    assert main(["docs", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("notes.txt", "{out} is a file, not a folder"),
        ("notes.txt/site", "a part of {out} is a file, not a folder"),
    ],
)
def test_an_out_that_is_a_file_is_one_line_not_a_traceback(tmp_path, capsys, out, says):
    """`--out` naming a file (a slip for the index page, say) ended in a traceback."""
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["docs", str(CASETYPES), "--out", str(tmp_path / out)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"portal docs: cannot write the site into {tmp_path / out}: "
        + says.format(out=tmp_path / out)
    ]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_empty_out_is_bad_usage_and_writes_nothing(tmp_path, capsys, monkeypatch):
    """`--out ""` (a variable left unset in a script) wrote the site into the current folder."""
    monkeypatch.chdir(tmp_path)
    assert main(["docs", str(CASETYPES), "--out", ""]) == 2
    assert capsys.readouterr().err == (
        "portal docs: argument --out: give the folder to write the site into\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_docs_needs_no_database_nor_the_web_app(tmp_path):
    """`portal docs` runs in CI and on an author's machine: no Flask, no SQLAlchemy, no database."""
    check = (
        "import sys\n"
        "from webapp.cli import main\n"
        f"assert main(['docs', 'casetypes', '--out', {str(tmp_path / 'site')!r}]) == 0\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy'})\n"
        "print(heavy)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )
    assert run.stdout == "[]\n"
    assert (tmp_path / "site" / "index.html").is_file()


def _boxes_and_lines(svg) -> tuple[list[tuple[float, ...]], list[list[tuple[float, float]]]]:
    boxes = [
        tuple(float(r[k]) for k in ("x", "y", "width", "height"))
        for r in svg.select("g.activity rect")
    ]
    lines = []
    for path in svg.select("g.transition path"):
        d = path["d"]
        if "C" not in d:  # straight arrows; those going back curve round the side
            numbers = [float(n) for n in d.replace("M", " ").replace("L", " ").split()]
            lines.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return boxes, lines


def _inside(point, box) -> bool:
    x, y, w, h = box
    return x + 1 < point[0] < x + w - 1 and y + 1 < point[1] < y + h - 1


@pytest.mark.parametrize("case_type_id", ["send-referral", "physical-intervention"])
def test_no_box_overlaps_another_and_no_arrow_crosses_a_box(site, case_type_id):
    boxes, lines = _boxes_and_lines(read(site / f"{case_type_id}.html").find("svg"))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1]
            assert apart or b[1] + b[3] <= a[1], (a, b)
    for points in lines:
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            for step in range(1, 100):
                point = (x1 + (x2 - x1) * step / 100, y1 + (y2 - y1) * step / 100)
                assert not any(_inside(point, box) for box in boxes), (points, point)


def test_the_layout_puts_each_activity_below_the_ones_that_lead_to_it():
    from webapp.docsite.diagram import back_transitions, layers

    workflow = load_catalogue(str(CASETYPES)).get("part-time-timetable").workflow
    back = [workflow.transitions[i] for i in back_transitions(workflow)]
    assert [(t.source, t.target) for t in back] == [("more_information", "review")]
    assert layers(workflow) == {
        "submitted": 0,
        "notified": 1,
        "review": 2,
        "more_information": 3,
        "completed": 3,
        "abandoned": 4,
    }


def test_a_transition_that_depends_on_the_answers_says_when_in_plain_english(site):
    page = read(site / "physical-intervention.html")
    row = next(
        tr
        for tr in page.select("table.transitions tbody tr")
        if "Refer injuries to health and safety" in text_of(tr)
    )
    assert (
        "only when ‘Was the pupil injured?’ is Yes or ‘Was any member of staff injured?’ is Yes"
        in text_of(row)
    )


def test_a_system_transition_after_another_says_it_is_taken_only_when_that_one_is_not(tmp_path):
    """'Send to triage: The portal, automatically' read as if every case went to triage,
    though the portal takes the first system transition that applies (row 1 when the
    exclusion is permanent)."""
    folder = tmp_path / "casetypes"
    shutil.copytree(CASETYPES / "shared", folder / "shared")
    (folder / "notice.yaml").write_text(
        """\
id: notice
name: Notice
category: Tests
reference: {prefix: EDU-TEST, code: NTC}
version: 1
pages:
  - id: one
    title: One
    fields:
      - {id: permanent, type: yes_no, label: Permanent?}
workflow:
  start: received
  activities:
    received: {label: Received, status: Active}
    governors: {label: Governors, status: Active}
    triage: {label: Triage, status: Active}
    done: {label: Done, status: Completed}
    dropped: {label: Dropped, status: Abandoned}
  transitions:
    - {from: received, to: governors, action: To governors, by: system, when: permanent}
    - {from: received, to: triage, action: To triage, by: system}
    - {from: governors, to: done, action: Complete, by: officer}
    - {from: triage, to: done, action: Complete, by: officer}
    - {from: triage, to: dropped, action: Drop, by: officer}
"""
    )
    assert main(["docs", str(folder), "--out", str(tmp_path / "site")]) == 0
    rows = read(tmp_path / "site" / "notice.html").select("table.transitions tbody tr")
    who = [text_of(row.select("td")[4]) for row in rows]
    assert who[1] == "The portal, automatically, when row 1 does not apply"
    assert who[0].startswith("The portal, automatically, only when ‘Permanent?’ is Yes")
    assert who[2] == "A council officer"


def test_a_calculated_number_says_it_is_shown_rounded_to_its_decimals(site):
    """A calculated value without `decimals` shows 1.5 + 2 as "4", and its entry said
    nothing of it: a colleague could not tell a rounded total from a wrong one."""
    page = read(site / "part-time-timetable.html")
    assert "Shown as a whole number, rounded (halves up): 3.5 shows as 4" in question(
        page, "school_days"
    )
    assert "Shown rounded to at most 1 decimal place (halves up)." in question(page, "weeks")
    assert "Whole numbers only." not in question(page, "school_days")


def test_a_retired_case_type_says_so_and_until_when_its_drafts_can_be_sent(tmp_path):
    import shutil

    folder = tmp_path / "casetypes"
    shutil.copytree(CASETYPES, folder, ignore=shutil.ignore_patterns("*.tests.yaml"))
    ptt = folder / "send" / "part-time-timetable.yaml"
    retired = "status: retired\nretired_drafts_until: 2027-03-31\nworkflow: standard"
    ptt.write_text(ptt.read_text().replace("workflow: standard", retired, 1))
    assert main(["docs", str(folder), "--out", str(tmp_path / "site")]) == 0
    page = read(tmp_path / "site" / "part-time-timetable.html")
    said = text_of(page.select_one("dl.facts"))
    assert "Retired: no new cases; drafts can be sent until 31 March 2027" in said


def test_the_pages_never_show_the_build_machines_folders(tmp_path, monkeypatch):
    """Built from a folder outside the current one (an author's drafts), the pages name the
    files from that folder's own name: a published site carries no machine's paths."""
    folder = tmp_path / "drafts"
    shutil.copytree(CASETYPES, folder, ignore=shutil.ignore_patterns("*.tests.yaml"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["docs", str(folder), "--out", str(tmp_path / "site")]) == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "site" / "part-time-timetable.html").read_text(encoding="utf-8")
    assert str(tmp_path) not in index and str(tmp_path) not in page
    assert "in <code>drafts</code>" in index
    said = text_of(read(tmp_path / "site" / "part-time-timetable.html").select_one("dl.facts"))
    assert "part-time-timetable in drafts/send/part-time-timetable.yaml" in said


def test_the_csv_export_of_a_case_type_is_described(tmp_path):
    # a new author's trip risk assessment said `export: {options: codes, dates: iso,
    # headings: ...}` and its page never mentioned the CSV a colleague would get
    folder = tmp_path / "casetypes"
    shutil.copytree(CASETYPES / "shared", folder / "shared")
    (folder / "trip.yaml").write_text(
        """\
id: trip
name: School trip risk assessment
category: School changes
reference: {prefix: EDU-TEST, code: TRA}
version: 1
workflow: standard
pages:
  - id: trip
    title: About the trip
    fields:
      - {id: departure_date, type: date, label: Date of departure}
      - {id: activities, type: checkboxes, label: Activities, options: [water, heights]}
export:
  options: codes
  dates: iso
  headings: {departure_date: Departure}
"""
    )
    assert main(["docs", str(folder), "--out", str(tmp_path / "site")]) == 0
    page = read(tmp_path / "site" / "trip.html")
    check_page(page)
    said = text_of(page.find("section", attrs={"aria-labelledby": "export"}))
    assert "chosen options as their codes (the options’ values)" in said
    assert "dates year first, such as 2026-09-01" in said
    rows = [[text_of(td) for td in tr.select("td")] for tr in page.select("table.export tr")]
    assert ["Date of departure", "Departure"] in rows
    assert page.find("a", href="#export")


def test_a_case_type_without_export_says_how_the_csv_is_written_by_default(site):
    said = text_of(read(site / "part-time-timetable.html").find(id="export").parent)
    assert "chosen options as their labels, as on “Check your answers”" in said
    assert "dates as shown on the form, such as 1 September 2026" in said
    assert "Each question’s column is headed with its label." in said


def test_a_groups_item_keeps_the_capitals_of_its_name(tmp_path):
    # an author's trial: "(each called “ehc plan”)", as the page's buttons said "ehc plan"
    folder = tmp_path / "casetypes"
    shutil.copytree(CASETYPES / "shared", folder / "shared")
    (folder / "plans.yaml").write_text(
        """\
id: plans
name: Plans
category: Tests
reference: {prefix: EDU-TEST, code: PLN}
version: 1
workflow: standard
pages:
  - id: one
    title: One
    fields:
      - id: plans
        type: group
        label: Plans
        item_label: EHC plan
        max_items: 3
        fields: [{id: plan_date, type: date, label: Date of the plan}]
"""
    )
    out = tmp_path / "site"
    assert main(["docs", str(folder), "--out", str(out)]) == 0
    assert "From 0 to 3 items (each called “EHC plan”)." in text_of(read(out / "plans.html"))
