"""YAML events to a tree of nodes, without recursion and within limits.

PyYAML's composers recurse once per level of nesting: the pure-Python one raises RecursionError
a thousand levels down, and libyaml's (C) one overflows the C stack and kills the process some
tens of thousands of levels down. They also leave aliases as shared nodes, so sixteen lines of
"billion laughs" (`&a [*b, *b, ...]` nine times over) become a billion nodes when the tree is
read. This composer keeps its own stack, and refuses, with the place it happened:
- nesting deeper than MAX_DEPTH lists and mappings (E006);
- aliases that would expand the file past its budget of nodes (E005): ALIAS_FACTOR times the
  nodes written in the file (at least ALIAS_FLOOR), and never more than ALIAS_CAP in all.
Merge keys (`<<: *defaults`) are resolved here: keys written in the mapping win over merged
ones, and earlier merged mappings over later ones, as YAML's merge type says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from engine.problems import Code, Problem, make_problem

MAX_DEPTH = 50  # shipped case types nest 9 deep
ALIAS_FACTOR = 10
ALIAS_FLOOR = 10_000
ALIAS_CAP = 1_000_000

MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG, _INT, _FLOAT, _BOOL, _NULL = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)
SIMPLE_TAGS = frozenset((STR_TAG, _INT, _FLOAT, _BOOL, _NULL))
SCALAR, SEQUENCE, MAPPING = "scalar", "sequence", "mapping"


def simple_value(tag: str, text: str, mark):
    """The value of a scalar whose tag is one of SIMPLE_TAGS (text, numbers, true/false, none);
    a ConstructorError at `mark` when a tag written out does not fit the text (`!!int x`)."""
    if tag == STR_TAG:
        return text
    try:
        if tag == _INT:
            return int(text) if len(text) < 1000 else float(text)  # absurd: infinity
        if tag == _FLOAT:
            return float(text)
    except ValueError:
        name = tag.rpartition(":")[2]
        raise yaml.constructor.ConstructorError(
            None, None, f"'{text}' cannot be read as !!{name}", mark
        ) from None
    if tag == _BOOL:
        return text.lower() == "true"
    return None


class Refused(Exception):
    """The file cannot be read safely; `problem` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class Node:
    """A scalar, sequence or mapping; `size` counts the nodes it stands for, aliases expanded."""

    __slots__ = (
        "kind",
        "tag",
        "value",
        "start_mark",
        "end_mark",
        "style",
        "size",
        "depth",
        "alias",
    )

    def __init__(self, kind, tag, value, start_mark, end_mark, style=None):
        self.kind = kind
        self.tag = tag
        self.value = value  # text; a list of nodes; a list of (key, value) node pairs
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style
        self.size = 1
        self.depth = 0
        self.alias = False  # an alias's use of an anchor's node: see Composer._alias


@dataclass
class _Budget:
    """Nodes written in the file and nodes that aliases add, with the first alias past a cap."""

    written: int = 0
    expanded: int = 0
    checkpoints: list = field(default_factory=list)  # (total so far, alias event)

    def total(self) -> int:
        return self.written + self.expanded

    def cap(self) -> int:
        return min(ALIAS_CAP, max(ALIAS_FLOOR, ALIAS_FACTOR * self.written))


class Composer:
    """Builds the node tree of the single document in a loader's event stream."""

    def __init__(self, loader, path: str):
        self.loader = loader
        self.path = path
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()
        self.budget = _Budget()
        self._tags: dict[str, str] = {}  # plain scalar -> its resolved tag (most repeat)

    def refuse(self, code: Code, mark, **details) -> Refused:
        return Refused(make_problem(code, self.path, mark.line + 1, mark.column + 1, **details))

    def compose(self) -> Node | None:
        """The document's root node (None for an empty file)."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        root = self._document()
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise self.refuse(
                Code.E001, event.start_mark, detail="a second document ('---') is not allowed"
            )
        self._check_budget()
        return root

    def _document(self) -> Node:
        stack: list[tuple[Node, str | None]] = []  # open collections and their anchors
        get_event = self.loader.get_event
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                node = self._scalar(event)
            elif kind is yaml.AliasEvent:
                node = self._alias(event, len(stack))
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                stack.append((self._start(event, kind, len(stack)), event.anchor))
                continue
            else:  # the end of the innermost sequence or mapping
                node, anchor = stack.pop()
                self._finish(node)
                self._anchor(anchor, node)
            if not stack:
                return node
            parent = stack[-1][0]
            parent.value.append(node)
            parent.size += node.size  # capped when the parent ends
            if node.depth >= parent.depth:
                parent.depth = node.depth + 1

    def _scalar(self, event) -> Node:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._tags.get(event.value) if event.implicit[0] else STR_TAG
            if tag is None:
                tag = self._tags[event.value] = self.loader.resolve(
                    yaml.ScalarNode, event.value, event.implicit
                )
        node = Node(SCALAR, tag, event.value, event.start_mark, event.end_mark, event.style)
        self.budget.written += 1
        if event.anchor is not None:
            self._anchor(event.anchor, node)
        return node

    def _start(self, event, kind, depth: int) -> Node:
        if depth >= MAX_DEPTH:
            raise self.refuse(Code.E006, event.start_mark, limit=MAX_DEPTH)
        if event.anchor is not None:
            self._check_new_anchor(event.anchor, event.start_mark)
            self.open_anchors.add(event.anchor)
        self.budget.written += 1
        node_kind = SEQUENCE if kind is yaml.SequenceStartEvent else MAPPING
        node = Node(node_kind, event.tag, [], event.start_mark, event.end_mark, event.flow_style)
        node.depth = 1
        return node

    def _finish(self, node: Node) -> None:
        if node.kind == MAPPING:
            items = node.value
            node.value = list(zip(items[::2], items[1::2], strict=True))
            if any(k.tag == MERGE_TAG and k.kind == SCALAR for k in items[::2]):
                node.value = self._merged(node.value)
        if node.size > ALIAS_CAP:
            node.size = ALIAS_CAP + 1

    def _anchor(self, anchor: str | None, node: Node) -> None:
        if anchor is None:
            return
        if node.kind == SCALAR:
            self._check_new_anchor(anchor, node.start_mark)
        self.open_anchors.discard(anchor)
        self.anchors[anchor] = node

    def _check_new_anchor(self, anchor: str, mark) -> None:
        if anchor in self.anchors or anchor in self.open_anchors:
            raise self.refuse(Code.E001, mark, detail=f"the anchor '&{anchor}' is given twice")

    def _alias(self, event, depth: int) -> Node:
        name = event.anchor
        target = self.anchors.get(name)
        if target is None:
            detail = (
                f"'*{name}' is inside the part it names ('&{name}'); an anchor cannot hold itself"
                if name in self.open_anchors
                else f"'*{name}' names no anchor written before it ('&{name}')"
            )
            raise self.refuse(Code.E001, event.start_mark, detail=detail)
        if depth + target.depth > MAX_DEPTH:
            raise self.refuse(Code.E006, event.start_mark, limit=MAX_DEPTH)
        budget = self.budget
        budget.expanded += target.size
        budget.checkpoints.append((budget.total(), event))
        if budget.total() > ALIAS_CAP:  # stop at once: do not spend memory to say no
            raise self._too_many(event, ALIAS_CAP)
        # The anchor's parts, standing where the alias is written: a problem with this use
        # (a field id used twice, say) is reported at the alias, not at the anchor.
        used = Node(target.kind, target.tag, target.value, event.start_mark, event.end_mark)
        used.style, used.size, used.depth = target.style, target.size, target.depth
        used.alias = True
        return used

    def _too_many(self, event, limit: int) -> Refused:
        return self.refuse(Code.E005, event.start_mark, name=event.anchor, limit=f"{limit:,}")

    def _check_budget(self) -> None:
        """The first alias past the file's own budget, which is known once it is all read."""
        cap = self.budget.cap()
        for total, event in self.budget.checkpoints:
            if total > cap:
                raise self._too_many(event, cap)

    def _merged(self, pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        """Pairs with each `<<` replaced by the pairs of the mappings it names."""
        own = [(k, v) for k, v in pairs if not (k.kind == SCALAR and k.tag == MERGE_TAG)]
        seen = {k.value for k, _v in own if k.kind == SCALAR}
        merged = []
        for key, value in pairs:
            if key.kind != SCALAR or key.tag != MERGE_TAG:
                continue
            sources = value.value if value.kind == SEQUENCE else [value]
            for source in sources:
                if source.kind != MAPPING:
                    raise self.refuse(
                        Code.E001,
                        source.start_mark,
                        detail="'<<' merges mappings: write '<<: *name' or '<<: [*one, *two]'",
                    )
                for k, v in source.value:  # already merged when that mapping ended
                    if k.kind != SCALAR or k.value not in seen:
                        merged.append((_at(k, source), _at(v, source)) if source.alias else (k, v))
                        seen.add(k.value if k.kind == SCALAR else id(k))
        return own + merged


def _at(node: Node, alias: Node) -> Node:
    """`node`, brought by a merge of `alias` (`<<: *name`), standing where the alias is
    written: a problem with what the merge brings is reported there, not at the anchor."""
    used = Node(node.kind, node.tag, node.value, alias.start_mark, alias.end_mark, node.style)
    used.size, used.depth, used.alias = node.size, node.depth, True
    return used
