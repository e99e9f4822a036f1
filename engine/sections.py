"""Compile a case type's `sections:` and check that they hold every page once, in order."""

from __future__ import annotations

from collections.abc import Callable

from engine.model import Section
from engine.problems import Code, did_you_mean
from engine.source import Source


def compile_sections(
    specs: list, page_ids: list[str], add: Callable, source: Source
) -> tuple[Section, ...]:
    """Sections from schema-valid `specs`; problems go to `add(code, path, **details)`."""
    order = {page_id: index for index, page_id in enumerate(page_ids)}
    owner: dict[str, str] = {}
    first_lines: dict[str, int] = {}
    sections = []
    latest = (-1, "")  # the page furthest down `pages:` named so far
    for index, spec in enumerate(specs):
        where = ("sections", index)
        if spec["id"] in first_lines:
            add(
                Code.E200,
                (*where, "id"),
                what="section",
                id=spec["id"],
                first_line=first_lines[spec["id"]],
            )
        first_lines.setdefault(spec["id"], source.positions.value((*where, "id"))[0])
        if not spec["pages"]:
            add(Code.E603, (*where, "pages"), section=spec["id"])
        kept = []
        for position, name in enumerate(spec["pages"]):
            at = (*where, "pages", position)
            if name not in order:
                suggestion = did_you_mean(name, order)
                add(Code.E600, at, section=spec["id"], name=name, suggestion=suggestion)
            elif name in owner:
                add(Code.E601, at, page=name, other=owner[name])
            else:
                owner[name] = spec["id"]
                kept.append(name)
                if order[name] < latest[0]:
                    add(Code.E604, at, page=name, before=latest[1])
                else:
                    latest = (order[name], name)
        sections.append(Section(spec["id"], spec["title"], tuple(kept)))
    for index, page_id in enumerate(page_ids):
        if specs and page_id not in owner:
            add(Code.E602, ("pages", index, "id"), page=page_id)
    return tuple(sections)
