"""A workflow drawn as an SVG of our own (no Graphviz to install): activities in layers, arrows
between them, each arrow numbered as its row in the table of transitions beside the diagram.

A small layered ("Sugiyama") layout: transitions that go back (to an activity on the way from
the start) are set aside; every other transition points down, an activity's layer being the
longest way to it from the start. An arrow that spans several layers passes through a narrow
slot of its own in each layer between, so it never crosses a box; each layer is ordered by
where its activities' predecessors are (fewer crossings). Arrows going back curve round the
nearer side of the drawing. Where several arrows meet a box they are spread along its edge.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from engine.model import Transition, Workflow

BOX_WIDTH, COLUMN, LANE, ROW, LINE, MARGIN, SIDE = 200, 240, 50, 150, 18, 24, 90
_FILLS = {"Active": "#e8f1f8", "Completed": "#e5f4ed", "Abandoned": "#f3f2f1"}
_BORDERS = {"Active": "#1d70b8", "Completed": "#00703c", "Abandoned": "#505a5f"}


@dataclass(frozen=True)
class _Slot:
    """A box (an activity) or a lane (an arrow passing through a layer), placed."""

    x: float  # left edge
    y: float  # top edge
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


def back_transitions(workflow: Workflow) -> set[int]:
    """The indexes of transitions that go back to an activity on the way to their source."""
    back: set[int] = set()
    state: dict[str, str] = {}  # activity -> "open" while below it, "done" after
    for root in [workflow.start, *workflow.activities]:
        if root in state:
            continue
        stack = [(root, iter(_leaving(workflow, root)))]
        state[root] = "open"
        while stack:
            here, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                state[here] = "done"
                stack.pop()
                continue
            index, target = step
            if state.get(target) == "open":
                back.add(index)
            elif target not in state:
                state[target] = "open"
                stack.append((target, iter(_leaving(workflow, target))))
    return back


def _leaving(workflow: Workflow, activity: str) -> list[tuple[int, str]]:
    return [(i, t.target) for i, t in enumerate(workflow.transitions) if t.source == activity]


def layers(workflow: Workflow) -> dict[str, int]:
    """Each activity's layer: the longest way to it from the start, going forward only."""
    back = back_transitions(workflow)
    forward = [t for i, t in enumerate(workflow.transitions) if i not in back]
    layer = dict.fromkeys(workflow.activities, 0)
    for _ in workflow.activities:  # relax: a graph without cycles settles in this many rounds
        changed = False
        for t in forward:
            if layer[t.target] < layer[t.source] + 1:
                layer[t.target] = layer[t.source] + 1
                changed = True
        if not changed:
            break
    return layer


def _rows(workflow: Workflow, layer: dict[str, int]) -> tuple[list[list], dict[int, list]]:
    """The slots of each layer, ordered, and each forward arrow's lanes (by transition index)."""
    back = back_transitions(workflow)
    rows: list[list] = [[] for _ in range(max(layer.values()) + 1)]
    for activity in workflow.activities:
        rows[layer[activity]].append(activity)
    lanes: dict[int, list] = {}
    for index, t in enumerate(workflow.transitions):
        if index in back:
            continue
        lanes[index] = [("lane", index, n) for n in range(layer[t.source] + 1, layer[t.target])]
        for lane in lanes[index]:
            rows[lane[2]].append(lane)
    before = {slot: [] for row in rows for slot in row}
    for index, chain in lanes.items():
        t = workflow.transitions[index]
        path = [t.source, *chain, t.target]
        for upper, lower in zip(path, path[1:], strict=False):
            before[lower].append(upper)
    for number in range(1, len(rows)):
        place = {slot: i for i, slot in enumerate(rows[number - 1])}
        rows[number].sort(
            key=lambda s: sum(place[p] for p in before[s]) / len(before[s]) if before[s] else 0
        )
    return rows, lanes


def _place(workflow: Workflow, rows: list[list]) -> tuple[dict, dict, float]:
    """Where every slot goes; the lines of each box; the drawing's width."""
    lines = {
        a: (*textwrap.wrap(spec.label, 26), f"Status: {spec.status}")
        for a, spec in workflow.activities.items()
    }

    def width_of(slot) -> float:
        return LANE if isinstance(slot, tuple) else COLUMN

    widest = max(sum(width_of(s) for s in row) for row in rows)
    slots = {}
    for number, row in enumerate(rows):
        x = SIDE + (widest - sum(width_of(s) for s in row)) / 2
        for slot in row:
            if isinstance(slot, tuple):
                slots[slot] = _Slot(x, MARGIN + number * ROW, LANE, LINE * 3 + 16)
            else:
                height = LINE * len(lines[slot]) + 16
                slots[slot] = _Slot(
                    x + (COLUMN - BOX_WIDTH) / 2, MARGIN + number * ROW, BOX_WIDTH, height
                )
            x += width_of(slot)
    return slots, lines, widest + 2 * SIDE


def workflow_svg(workflow: Workflow, title: str) -> str:
    """The workflow as an inline, labelled SVG image; its table says the same in words."""
    layer = layers(workflow)
    rows, lanes = _rows(workflow, layer)
    slots, lines, width = _place(workflow, rows)
    height = max(s.y + s.height for s in slots.values()) + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
        f'aria-labelledby="workflow-svg-title workflow-svg-desc" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">',
        f'<title id="workflow-svg-title">{escape(title)}</title>',
        f'<desc id="workflow-svg-desc">{escape(_description(workflow))}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#0b0c0c"/></marker></defs>',
    ]
    parts += _arrows(workflow, slots, lanes, width)
    parts += [_box_svg(workflow, a, slots[a], lines[a]) for a in workflow.activities]
    parts.append("</svg>")
    return "\n".join(parts)


def _description(workflow: Workflow) -> str:
    start = workflow.activities[workflow.start].label
    steps = [
        f"{n}: {workflow.activities[t.source].label} to {workflow.activities[t.target].label}"
        f" ({t.action}, by {t.by})"
        for n, t in enumerate(workflow.transitions, 1)
    ]
    return f"A case starts at {start}. Transitions: " + "; ".join(steps) + "."


def _box_svg(workflow: Workflow, activity: str, box: _Slot, lines: tuple[str, ...]) -> str:
    status = workflow.activities[activity].status
    stroke = 4 if activity == workflow.start else 2
    text = "".join(
        f'<tspan x="{box.centre:.0f}" dy="{LINE if i else 0}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="activity"><rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" '
        f'height="{box.height:.0f}" rx="6" fill="{_FILLS.get(status, "#ffffff")}" '
        f'stroke="{_BORDERS.get(status, "#0b0c0c")}" stroke-width="{stroke}"/>'
        f'<text x="{box.centre:.0f}" y="{box.y + 4 + LINE:.0f}" '
        f'text-anchor="middle" font-size="14" fill="#0b0c0c">{text}</text></g>'
    )


def _arrows(workflow: Workflow, slots: dict, lanes: dict[int, list], width: float) -> list[str]:
    ts = workflow.transitions
    leaving = {a: [i for i in lanes if ts[i].source == a] for a in workflow.activities}
    arriving = {a: [i for i in lanes if ts[i].target == a] for a in workflow.activities}
    # the first lane's (or the target's) side decides the order arrows leave a box in
    leaving = {
        a: sorted(ix, key=lambda i: _next_x(slots, lanes, ts[i], i)) for a, ix in leaving.items()
    }
    arriving = {
        a: sorted(ix, key=lambda i: _last_x(slots, lanes, ts[i], i)) for a, ix in arriving.items()
    }
    parts, back_count = [], 0
    for index, t in enumerate(ts):
        start, end = slots[t.source], slots[t.target]
        if index in lanes:
            points = [
                (
                    _spread(start, leaving[t.source].index(index), len(leaving[t.source])),
                    start.y + start.height,
                )
            ]
            for lane in lanes[index]:
                points += [
                    (slots[lane].centre, slots[lane].y),
                    (slots[lane].centre, slots[lane].y + slots[lane].height),
                ]
            points.append(
                (_spread(end, arriving[t.target].index(index), len(arriving[t.target])), end.y)
            )
            path = "M " + " L ".join(f"{x:.0f} {y:.0f}" for x, y in points)
            middle = _along(points[0], points[1], 0.4)
        else:
            path, middle = _back_path(start, end, width, back_count)
            back_count += 1
        parts.append(_arrow_svg(index + 1, t, path, middle))
    return parts


def _next_x(slots: dict, lanes: dict[int, list], t: Transition, index: int) -> float:
    """Where an arrow heads first: its first lane, or its target."""
    return slots[lanes[index][0]].centre if lanes[index] else slots[t.target].centre


def _last_x(slots: dict, lanes: dict[int, list], t: Transition, index: int) -> float:
    """Where an arrow comes from last: its last lane, or its source."""
    return slots[lanes[index][-1]].centre if lanes[index] else slots[t.source].centre


def _back_path(start: _Slot, end: _Slot, width: float, count: int) -> tuple[str, tuple]:
    """A curve round the nearer side, from the side of `start` to the side of `end`."""
    left = (start.centre + end.centre) / 2 < width / 2
    bend = -(40 + 15 * count) if left else 40 + 15 * count
    x1 = start.x if left else start.x + start.width
    x2 = end.x if left else end.x + end.width
    y1, y2 = start.y + start.height / 2, end.y + end.height / 2 + 6
    c1, c2 = x1 + bend, x2 + bend
    path = f"M {x1:.0f} {y1:.0f} C {c1:.0f} {y1:.0f}, {c2:.0f} {y2:.0f}, {x2:.0f} {y2:.0f}"
    return path, ((x1 + 3 * c1 + 3 * c2 + x2) / 8, (y1 + y2) / 2)


def _spread(box: _Slot, index: int, count: int) -> float:
    """Where the index-th of `count` arrows meets a box's top or bottom edge."""
    return box.x + box.width * (index + 1) / (count + 1)


def _arrow_svg(number: int, t: Transition, path: str, middle: tuple[float, float]) -> str:
    x, y = middle
    return (
        f'<g class="transition"><title>{number}: {escape(t.action)} (by {escape(t.by)})</title>'
        f'<path d="{path}" fill="none" stroke="#0b0c0c" stroke-width="1.5" '
        f'marker-end="url(#arrow)"/>'
        f'<circle cx="{x:.0f}" cy="{y:.0f}" r="11" fill="#ffffff" stroke="#0b0c0c"/>'
        f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle" font-size="13" '
        f'fill="#0b0c0c">{number}</text></g>'
    )


def _along(a: tuple[float, float], b: tuple[float, float], share: float) -> tuple[float, float]:
    """The point `share` of the way from a to b (badges sit nearer the source, where arrows
    leaving one box are still apart)."""
    return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
