"""The documentation site of a catalogue: an index by category and a page per case type, static
HTML with a stylesheet of its own (no JavaScript, no database, nothing fetched from elsewhere).

    write_site(load_catalogue("casetypes"), "build/docs")
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from engine.casetype import CaseType
from engine.catalogue import Catalogue
from engine.describe import Describer, subjects_of
from engine.model import Field, LinkTile, Page
from webapp.docsite import questions
from webapp.docsite.diagram import workflow_svg

HERE = Path(__file__).parent
ACTORS = {
    "school": "The school",
    "officer": "A council officer",
    "system": "The portal, automatically",
}
SETTINGS = {"school": "schools", "early_years": "early-years settings"}
NOTES = {"none": "No note", "optional": "Note optional", "required": "Note required"}


@dataclass(frozen=True)
class Question:
    """A question as its documentation shows it."""

    field: Field
    kind: str
    answer: str  # Required, Optional or ""
    limits: tuple[str, ...]
    asked_when: str  # the English of its show_if ("" when always asked)
    calculated: str  # the English of a calculated value's formula
    items: tuple[Question, ...]  # a repeating group's questions
    rules: tuple[questions.RuleText, ...]  # a repeating group's rules, for each item


@dataclass(frozen=True)
class PageDoc:
    number: int
    page: Page
    shown_when: str
    questions: tuple[Question, ...]
    rules: tuple[questions.RuleText, ...]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def page_name(case_type_id: str) -> str:
    """The file a case type's documentation is written to."""
    return f"{case_type_id}.html"


def write_site(catalogue: Catalogue, out: str | Path, roots: Sequence[str] = ()) -> list[Path]:
    """Write the site into `out` (created if needed) for the case types read from `roots` (the
    folders or files named on the command line); the files written, index first."""
    source = " ".join(shown_path(root, roots) for root in roots)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    env = _environment()
    shutil.copyfile(HERE / "static" / "docs.css", out / "docs.css")
    shutil.copyfile(HERE.parent / "static" / "favicon.svg", out / "favicon.svg")
    written = [out / "index.html"]
    index = env.get_template("index.html").render(
        categories=_categories(catalogue), source=source, page_name=page_name, SETTINGS=SETTINGS
    )
    written[0].write_text(index, encoding="utf-8")
    for case_type in catalogue.case_types.values():
        path = out / page_name(case_type.id)
        file = shown_path(case_type.source, roots)
        path.write_text(_case_type_page(env, case_type, source, file), encoding="utf-8")
        written.append(path)
    return written


def _categories(catalogue: Catalogue) -> list[tuple[str, list[CaseType | LinkTile]]]:
    return sorted(catalogue.categories().items(), key=lambda item: item[0].lower())


def shown_path(path: str, roots: Sequence[str] = ()) -> str:
    """A file's path as the pages show it, never the build machine's folders: from the current
    folder when it is below it, else from the one of `roots` that holds it, by that folder's
    own name (`portal docs /home/me/drafts` shows `drafts/ehe.yaml`)."""
    if not path:
        return ""
    relative = os.path.relpath(path)
    if not relative.startswith(".."):
        return relative
    absolute = os.path.abspath(path)
    for root in map(os.path.abspath, roots):
        if absolute == root:
            return os.path.basename(root)
        if absolute.startswith(root + os.sep):
            return os.path.join(os.path.basename(root), os.path.relpath(absolute, root))
    return os.path.basename(absolute)


def _case_type_page(env: jinja2.Environment, case_type: CaseType, source: str, file: str) -> str:
    describer = Describer(subjects_of(case_type))
    labels = {id_: s.label for id_, s in describer.subjects.items()}
    pages = [
        PageDoc(
            number,
            page,
            describer.describe(page.show_if) if page.show_if else "",
            tuple(_question(f, describer, labels) for f in page.fields),
            tuple(questions.rule_text(r, describer, labels) for r in page.rules),
        )
        for number, page in enumerate(case_type.pages, 1)
    ]
    workflow = case_type.workflow
    return env.get_template("case_type.html").render(
        case_type=case_type,
        pages=pages,
        raised_by=[SETTINGS.get(s, s) for s in case_type.raised_by],
        workflow=workflow,
        conditions=[describer.describe(t.when) if t.when else "" for t in workflow.transitions],
        otherwise=_system_fallbacks(workflow),
        diagram=Markup(workflow_svg(workflow, f"The workflow of {case_type.name}")),  # noqa: S704 - built with html.escape
        ACTORS=ACTORS,
        NOTES=NOTES,
        export=case_type.export,
        export_headings=[(labels.get(i, i), h) for i, h in case_type.export.headings.items()],
        EXPORT_WORDS=EXPORT_WORDS,
        source=source,
        file=file,
    )


# How caseviewer's CSV export writes answers (`export:`), in the words of its columns.
EXPORT_WORDS = {
    "labels": "as their labels, as on “Check your answers”",
    "codes": "as their codes (the options’ values)",
    "as_shown": "as shown on the form, such as 1 September 2026",
    "iso": "year first, such as 2026-09-01",
    "uk": "day first, such as 01/09/2026",
}


def _system_fallbacks(workflow) -> list[str]:
    """By transition: for a `by: system` one after another out of the same activity, that
    the portal takes it only if it took none of those (it takes the first that applies)."""
    rows, said = {}, []
    for number, t in enumerate(workflow.transitions, 1):
        earlier = rows.setdefault(t.source, []) if t.by == "system" else []
        rows_text = " and ".join(str(n) for n in earlier)
        plural = len(earlier) > 1
        said.append(
            f"when row{'s' if plural else ''} {rows_text} do{'' if plural else 'es'} not apply"
            if earlier
            else ""
        )
        if t.by == "system":
            earlier.append(number)
    return said


def _question(f: Field, describer: Describer, labels: dict[str, str]) -> Question:
    return Question(
        f,
        questions.kind_name(f),
        questions.answer_rule(f),
        tuple(questions.limits(f, labels)),
        describer.describe(f.show_if) if f.show_if else "",
        describer.describe_value(f.expression) if f.expression else "",
        tuple(_question(item, describer, labels) for item in f.fields),
        tuple(questions.rule_text(r, describer, labels) for r in f.rules),
    )
