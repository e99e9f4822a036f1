"""Read a YAML file into plain data plus the line and column of every key and value.

Two departures from PyYAML's defaults, both to spare form authors surprises:
- only ``true`` and ``false`` are booleans (YAML 1.2): an option written ``No`` stays the text "No";
- dates stay text (``2026-01-31``), as the JSON Schema expects.
Duplicate keys, which PyYAML silently overwrites, are reported. A file is read only up to
MAX_FILE_BYTES, and without recursion, so that neither deep nesting nor aliases that multiply
("billion laughs") can exhaust the stack or the memory: a plain file (no anchors, aliases or
tags) in one pass from libyaml's events (engine/one_pass.py), any other through a tree of
nodes (engine/composer.py) built into data here, with the same limits and the same results.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import yaml

from engine.composer import MAPPING, SEQUENCE, SIMPLE_TAGS, Composer, Node, Refused, simple_value
from engine.odd_spaces import odd_space_before, odd_space_in_key
from engine.one_pass import NotPlain, OnePass
from engine.problems import Code, Problem, make_problem
from engine.yaml_hints import syntax_hint

Path = tuple  # a path into the data: ("pages", 2, "fields", 0, "id")


MAX_FILE_BYTES = 1024 * 1024  # 1 MB: the largest shipped case type is 15 KB
_LIMIT_WORDS = f"1 MB ({MAX_FILE_BYTES:,} bytes)"

# libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


_REREAD = {f"tag:yaml.org,2002:{kind}" for kind in ("bool", "timestamp", "int", "float")}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REREAD]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# Numbers as YAML 1.2 writes them: no base-60 (8:45 stays a time), no octal, no leading zeros
# (010 stays the text "010").
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+"
        r"(?:[eE][-+]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)$"
    ),
    list("-+0123456789."),
)


@dataclass
class SourceMap:
    """Where each part of a loaded file stands: 1-based line and column."""

    path: str
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    quoted: set[Path] = field(default_factory=set)
    # Scalars written over several lines: their first line and column and their source text.
    spans: dict[Path, tuple[int, int, str]] = field(default_factory=dict)
    # Where the text starts of scalars written after an anchor or a tag (`&cond a and b`).
    texts: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Scalars an alias brings (`*name`): a place inside one is the alias itself.
    brought: set[Path] = field(default_factory=set)
    # Plain scalars YAML read as numbers with a decimal point: their text (4.50, 1e3).
    decimals: dict[Path, str] = field(default_factory=dict)

    def key(self, where: Path) -> tuple[int, int]:
        """Position of the key naming `where` (falls back to its value, then its parent)."""
        return self.keys.get(tuple(where)) or self.value(where)

    def value(self, where: Path) -> tuple[int, int]:
        """Position of the value at `where`, or of the nearest enclosing part that has one."""
        where = tuple(where)
        while where:
            if where in self.values:
                return self.values[where]
            where = where[:-1]
        return self.values.get((), (1, 1))

    def inside(self, where: Path, offset: int, value: str = "") -> tuple[int, int]:
        """Position of the character `offset` into the text value at `where`.

        For a value written over several lines (folded, literal or a long plain scalar) the
        word at `offset` is looked for in the source lines, counting earlier occurrences.
        """
        where = tuple(where)
        if where in self.brought:  # `*name` is all there is to point at
            return self.value(where)
        if where in self.spans and value:
            return _find_in_span(*self.spans[where], value, offset)
        line, col = self.texts.get(where) or self.value(where)
        return line, col + offset + (1 if where in self.quoted else 0)


@dataclass
class Source:
    """A loaded file: its data (None when unreadable), positions and reading problems."""

    path: str
    data: object
    positions: SourceMap
    problems: list[Problem]


def _find_in_span(line: int, col: int, span: str, value: str, offset: int) -> tuple[int, int]:
    word = re.match(r"\w+|\S", value[offset:])
    if not word or not span:
        return line, col
    occurrence = len(re.findall(re.escape(word.group()), value[:offset]))
    found = [m.start() for m in re.finditer(re.escape(word.group()), span)]
    if occurrence >= len(found):
        return line, col
    before = span[: found[occurrence]]
    newlines = before.count("\n")
    if newlines == 0:
        return line, col + len(before)
    return line + newlines, len(before) - before.rfind("\n")


# An anchor or a tag before a scalar's text, and the spaces after it (YAML's "properties").
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*[ \t]*)+")


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Plain data from the node tree, recording where each part stands.

    Nesting is bounded by the composer (MAX_DEPTH), so recursing here is safe.
    """

    def __init__(self, loader: _Loader, positions: SourceMap, problems: list[Problem], text: str):
        self.loader = loader
        self.lines = text.splitlines()
        self.positions = positions
        self.problems = problems

    def build(self, node: Node, where: Path | None, at: tuple[int, int] | None = None):
        """The data of `node`; its positions are recorded under `where` (None: not at all),
        all at `at` when it is given: every part an alias brings stands where it is written."""
        at = at or (_mark(node) if node.alias else None)
        if where is not None:
            self.positions.values[where] = at or _mark(node)
        if node.kind == MAPPING:
            return self._mapping(node, where, at)
        if node.kind == SEQUENCE:
            return [
                self.build(item, None if where is None else (*where, i), at)
                for i, item in enumerate(node.value)
            ]
        if where is not None and at is None:
            self._scalar_position(node, where)
        elif where is not None:
            self.positions.brought.add(where)
        value = self._scalar(node)
        if type(value) is float and where is not None and not node.style:
            self.positions.decimals[where] = node.value
        return value

    def _text_mark(self, node: Node) -> tuple[int, int]:
        """Where a scalar's text starts: after its anchor or tag (`&cond a and b`,
        `!!str 10`), where libyaml's mark stands, so a place inside the text is counted from
        the text."""
        line, col = node.start_mark.line, node.start_mark.column
        if not node.value or line >= len(self.lines):
            return line + 1, col + 1
        text = self.lines[line]
        properties = _PROPERTIES.match(text, col)
        if properties is None:
            return line + 1, col + 1
        col = properties.end()
        while col >= len(text) or text[col] == "#":  # the text starts on a later line
            line += 1
            if line >= len(self.lines):
                return node.start_mark.line + 1, node.start_mark.column + 1
            text = self.lines[line]
            col = len(text) - len(text.lstrip())
        return line + 1, col + 1

    def _scalar_position(self, node: Node, where: Path) -> None:
        if node.style in ("'", '"'):
            self.positions.quoted.add(where)
        line, col = self._text_mark(node)
        if (line, col) != _mark(node):
            self.positions.texts[where] = line, col
        if node.end_mark.line + 1 > line:
            lines = self.lines[line - 1 : node.end_mark.line + 1]
            span = "\n".join(lines)[col - 1 :]
            self.positions.spans[where] = (line, col, span)

    def _scalar(self, node: Node):
        if node.tag in SIMPLE_TAGS:
            return simple_value(node.tag, node.value, node.start_mark)
        plain = yaml.ScalarNode(node.tag, node.value, node.start_mark, node.end_mark, node.style)
        try:
            return self.loader.construct_object(plain, deep=True)  # tags written out: !!binary
        except (ValueError, TypeError, AttributeError, OverflowError):  # `!!timestamp soon`
            name = node.tag.rpartition(":")[2]
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' cannot be read as !!{name}", node.start_mark
            ) from None

    def _mapping(self, node: Node, where: Path | None, at: tuple[int, int] | None) -> dict:
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, None)
            if not isinstance(key, str):
                key = str(key)
            if key in first_seen:
                line, col = _mark(key_node)
                self.problems.append(
                    make_problem(
                        Code.E002,
                        self.positions.path,
                        line,
                        col,
                        key=key,
                        first_line=first_seen[key],
                    )
                )
                continue
            first_seen[key] = _mark(key_node)[0]
            if where is None:
                result[key] = self.build(value_node, None)
                continue
            self.positions.keys[(*where, key)] = at or _mark(key_node)
            result[key] = self.build(value_node, (*where, key), at)
        return result


def load_source(text: str, path: str) -> Source:
    """Parse YAML text; syntax errors become E001 problems with their position.

    Files over MAX_FILE_BYTES, nesting deeper than MAX_DEPTH and aliases that expand past
    their budget are refused (E004, E006, E005) before any of it is built; a file with nothing
    but comments is E007.
    """
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return _unread(path, make_problem(Code.E004, path, 1, 1, limit=_LIMIT_WORDS))
    try:
        try:
            data, positions, problems = _read(text, path, plain=True)
        except NotPlain:  # anchors, aliases, tags: the general way, from the start
            data, positions, problems = _read(text, path, plain=False)
    except Refused as refused:
        return _unread(path, refused.problem)
    except yaml.MarkedYAMLError as exc:
        return _unread(path, _syntax_problem(exc, path, text))
    except yaml.YAMLError as exc:  # e.g. unreadable characters
        detail = str(exc).splitlines()[0]
        return _unread(path, make_problem(Code.E001, path, 1, 1, detail=detail))
    if data is None:  # not seven 'missing required key' problems at 1:1
        return _unread(path, make_problem(Code.E007, path, 1, 1))
    return Source(path, data, positions, problems + _odd_keys(positions))


def _odd_keys(positions: SourceMap) -> list[Problem]:
    """E001 at each key that holds an odd space after its `:` (`{type:\u00a0text}`): YAML
    read the key and its value as one key, which schema_check would call unknown or missing."""
    problems = []
    for where, (line, col) in positions.keys.items():
        odd = odd_space_in_key(where[-1])
        if odd:
            column = col + odd[0]
            problems.append(make_problem(Code.E001, positions.path, line, column, detail=odd[1]))
    return problems


def _read(text: str, path: str, plain: bool) -> tuple[object, SourceMap, list[Problem]]:
    """The data, positions and problems of a file: in one pass (plain files, NotPlain for
    others) or through the composer's node tree."""
    positions = SourceMap(path)
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        if plain:
            data = OnePass(loader, path, positions, problems, text).read()
        else:
            node = Composer(loader, path).compose()
            data = _Builder(loader, positions, problems, text).build(node, ()) if node else None
    finally:
        loader.dispose()
    return data, positions, problems


def _unread(path: str, problem: Problem) -> Source:
    return Source(path, None, SourceMap(path), [problem])


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    detail = exc.problem or exc.context or "cannot read"
    if exc.context_mark and "end of stream" in (exc.problem or ""):
        # An unclosed quote or bracket: point at where it was opened, not at the end.
        mark = exc.context_mark
        opened = (
            "a quoted text"
            if "quoted" in (exc.context or "")
            else "a '['"
            if "sequence" in (exc.context or "")
            else "a '{'"
            if "mapping" in (exc.context or "")
            else "something"
        )
        detail = f"{opened} opened here is never closed"
    elif exc.context_mark and exc.context == "while scanning a simple key":
        mark = exc.context_mark  # the line that is no key: libyaml stops after it
    lines = text.split("\n")  # the mark may stand past the end: a file that stops short
    odd = odd_space_before(lines, mark.line if mark else len(lines))
    if odd:  # the cause, wherever libyaml stumbled after it
        return make_problem(Code.E001, path, odd[0], odd[1], detail=odd[2])
    detail += syntax_hint(detail, lines, mark.line, mark.column) if mark else ""
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return make_problem(Code.E001, path, line, col, detail=detail)


def read_source(path: str) -> Source:
    """Read and parse one YAML file, reading no more than MAX_FILE_BYTES (and one byte)."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        return _unread(path, make_problem(Code.E004, path, 1, 1, limit=_LIMIT_WORDS))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _unread(path, _not_utf8(path, raw, exc.start))
    return load_source(text, path)


def _not_utf8(path: str, raw: bytes, start: int) -> Problem:
    """E001 at the first byte that is no UTF-8 (an é of a file saved as Windows' ANSI); at the
    start of a file saved as UTF-16, which its byte-order mark says."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        detail = (
            'not UTF-8 text: the file is saved as UTF-16 (Notepad\'s "Unicode"); save it with '
            "the encoding UTF-8"
        )
        return make_problem(Code.E001, path, 1, 1, detail=detail)
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    col = len(raw[line_start:start].decode("utf-8")) + 1
    byte = raw[start]
    try:
        ansi = f" (a file saved as ANSI or Latin-1 writes {bytes([byte]).decode('cp1252')} so)"
    except UnicodeDecodeError:
        ansi = ""
    detail = (
        f"not UTF-8 text: byte 0x{byte:02X} here is no UTF-8 character{ansi}; save the file "
        "with the encoding UTF-8"
    )
    return make_problem(Code.E001, path, line, col, detail=detail)
