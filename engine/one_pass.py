"""Plain YAML straight from libyaml's events to data and positions, in one pass.

Case-type files are plain: no anchors, aliases, merge keys, tags written out (`!!int`) or
keys that are lists or mappings. For those, building a tree of nodes (composer.py) and then the data
(source.py) does the same work twice; this builds the data and records where each part stands
as the events arrive, with the composer's limits (nesting, one document) and the builder's
checks (duplicate keys) and results, exactly. A file that is not plain raises NotPlain at the
first such event, and is read again the general way: the answers never depend on the path.
Like the composer, it keeps its own stack: no recursion however deep the file nests.
"""

from __future__ import annotations

import yaml

from engine.composer import MAX_DEPTH, SIMPLE_TAGS, Refused, simple_value
from engine.problems import Code, Problem, make_problem

_Scalar, _Alias = yaml.ScalarEvent, yaml.AliasEvent
_SequenceStart, _MappingStart = yaml.SequenceStartEvent, yaml.MappingStartEvent
_NO_KEY = object()  # a mapping waiting for its next key
_SKIP = object()  # a mapping whose next value follows a duplicate key: it is not read
_ROOT = object()  # around the document
# Per loader class, plain scalars that may be numbers, true/false or none and the tag each
# resolved to, kept across files (the same words recur: `type: text`); bounded.
_TAGS: dict[type, dict[str, str]] = {}
_TAGS_KEPT = 10_000


class _Any:
    def __contains__(self, item) -> bool:
        return True


_ANY = _Any()


class NotPlain(Exception):
    """The file uses anchors, aliases, merge keys, tags or complex keys."""


class OnePass:
    """Reads one plain document from a loader; `positions` and `problems` as in source.py."""

    def __init__(self, loader, path: str, positions, problems: list[Problem], text: str):
        self.loader = loader
        self.path = path
        self.positions = positions
        self.problems = problems
        self.text = text
        self._lines: list[str] | None = None
        # The first characters with which a plain scalar may be other than text.
        resolvers = loader.yaml_implicit_resolvers
        self._first = resolvers if None not in resolvers else _ANY
        self._tags = _TAGS.setdefault(type(loader), {})

    def read(self):
        """The document's data (None for an empty file)."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        data = self._document()
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise self._refuse(
                Code.E001, event.start_mark, detail="a second document ('---') is not allowed"
            )
        return data

    def _document(self):
        """The loop over events. The innermost open list or mapping is kept in locals: its
        data (None: not read), path, keys' lines (None: a list) and key (_NO_KEY: waiting)."""
        stack: list[tuple] = []  # the open lists and mappings around it
        get_event = self.loader.get_event
        values, keys, first = self.positions.values, self.positions.keys, self._first
        data, where, lines, key = _ROOT, (), None, _NO_KEY
        here = ()  # the path of the next value (None: not recorded)
        while True:
            event = get_event()
            kind = type(event)
            if kind is _Scalar:
                if event.anchor is not None:
                    raise NotPlain
                value = event.value  # text, unless it may be a number, true/false or none:
                if event.tag is not None or (event.implicit[0] and value[:1] in first):
                    value = self._value(event)
                mark = event.start_mark
                if lines is not None and key is _NO_KEY:  # a key
                    key = self._key(value, mark, where, lines) if where is not None else _SKIP
                    if key is not _SKIP:
                        keys[(*where, key)] = (mark.line + 1, mark.column + 1)
                    here = None if key is _SKIP or where is None else (*where, key)
                    continue
                if here is not None:
                    values[here] = (mark.line + 1, mark.column + 1)
                    if event.style or event.end_mark.line > mark.line or type(value) is float:
                        self._scalar_position(event, here, value)
            elif kind is _SequenceStart or kind is _MappingStart:
                if event.anchor is not None or (lines is not None and key is _NO_KEY):
                    raise NotPlain  # an anchor, or a list or mapping as a key
                if len(stack) >= MAX_DEPTH:
                    raise self._refuse(Code.E006, event.start_mark, limit=MAX_DEPTH)
                stack.append((data, where, lines, key))
                mapping = kind is _MappingStart
                if here is not None:
                    mark = event.start_mark
                    values[here] = (mark.line + 1, mark.column + 1)
                    data = {} if mapping else []
                else:
                    data = None
                where, lines, key = here, {} if mapping else None, _NO_KEY
                here = None if mapping or where is None else (*where, 0)
                continue
            elif kind is _Alias:
                raise NotPlain
            else:  # the end of the innermost list or mapping
                value = data
                data, where, lines, key = stack.pop()
            if data is _ROOT:
                return value
            if lines is None:  # into a list
                if where is not None:
                    data.append(value)
                    here = (*where, len(data))
            else:  # into a mapping
                if key is not _SKIP and where is not None:
                    data[key] = value
                key, here = _NO_KEY, None

    def _key(self, key, mark, where, lines: dict):
        """A mapping's key as text, or _SKIP (with E002) when the mapping has it already."""
        if not isinstance(key, str):
            key = str(key)
        line = mark.line + 1
        if key in lines:
            self.problems.append(
                make_problem(
                    Code.E002, self.path, line, mark.column + 1, key=key, first_line=lines[key]
                )
            )
            return _SKIP
        lines[key] = line
        return key

    def _value(self, event):
        tag = event.tag
        if tag is not None and tag != "!":  # a tag written out: the general way
            raise NotPlain
        text = event.value
        if not event.implicit[0]:
            return text  # quoted
        if text[:1] not in self._first:
            return text  # no implicit type starts with this character: text
        tag = self._tags.get(text)
        if tag is None:
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
            if len(self._tags) < _TAGS_KEPT and len(text) <= 40:
                self._tags[text] = tag
        if tag not in SIMPLE_TAGS:  # a merge key (<<), or `=`: the general way
            raise NotPlain
        return simple_value(tag, event.value, event.start_mark)

    def _scalar_position(self, event, where, value) -> None:
        if type(value) is float:  # 4.50, 1e3: its text as written (engine/written_numbers.py)
            self.positions.decimals[where] = event.value
        if event.style in ("'", '"'):
            self.positions.quoted.add(where)
        start, end = event.start_mark, event.end_mark
        if end.line > start.line:
            if self._lines is None:
                self._lines = self.text.splitlines()
            span = "\n".join(self._lines[start.line : end.line + 1])[start.column :]
            self.positions.spans[where] = (start.line + 1, start.column + 1, span)

    def _refuse(self, code: Code, mark, **details) -> Refused:
        return Refused(make_problem(code, self.path, mark.line + 1, mark.column + 1, **details))
