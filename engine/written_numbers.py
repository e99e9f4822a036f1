"""Options written as numbers that YAML reads otherwise than they were written (E102).

An option written plain as a number is the text of that number: `[1, 2, 3]` are '1', '2' and
'3'. A number with a decimal point or an exponent is read as YAML reads it, though: `4.50`
is 4.5 and `5.00` 5.0, `1e3` 1000.0 and `.5` 0.5, so the form showed '4.5' for a rate the
author wrote as 4.50, and a condition comparing with '4.50' was told it is not an option.
Such an option is refused with the text to write in quotes; one that reads as written
(`5.5`) is taken.
"""

from __future__ import annotations

from engine.problems import Code, Problem, make_problem
from engine.schema_check import fields_of
from engine.source import Source


def misread_options(source: Source) -> list[Problem]:
    """E102 for each option of the file's questions or lists (of a file that fits the schema)
    whose value YAML read as a number other than the one written."""
    data = source.data
    found = []
    option_lists = [((*where, "options"), s.get("options")) for where, s in fields_of(data)]
    if isinstance(data.get("lists"), dict):
        option_lists += [(("lists", name), items) for name, items in data["lists"].items()]
    for where, items in option_lists:
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            path, value = (*where, index), item
            if isinstance(item, dict):
                path, value = (*where, index, "value"), item.get("value")
            written = source.positions.decimals.get(path)
            if written is not None and written != str(value):
                found.append(_misread(source, (*where, index), path, value, written))
    return found


def _misread(source: Source, option: tuple, path: tuple, value: float, written: str) -> Problem:
    line, col = source.positions.value(path)
    key = "the value of item" if path != option else "item"
    return make_problem(
        Code.E102,
        source.path,
        line,
        col,
        where=f"{key} {option[-1] + 1} of '{option[-2]}'",
        expected="text",
        found=f"{written}, which YAML reads as the number {value} (shown '{value}'): "
        f"write '{written}', in quotes",
    )
