"""Answers as the engine handles them: typed values for expressions, and the results of checks."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import wtforms


@dataclass(frozen=True)
class FieldError:
    """A message against one input: `key` is the form name, `anchor` the id to link to."""

    key: str
    anchor: str
    message: str


@dataclass(frozen=True)
class PageResult:
    """What saving a page gives: the answers to store, and what to tell the user."""

    answers: dict
    raw: dict  # exactly what was typed on this page, to show it again
    errors: list[FieldError]
    warnings: list[FieldError]
    form: wtforms.Form | None = None
    # The input names of the questions the page asked (those shown given the answers, group
    # items' questions included): the web app compares them with those the user was shown.
    asked: frozenset[str] = frozenset()

    @property
    def valid(self) -> bool:
        return not self.errors


class Values(ChainMap):
    """Typed answers as expressions see them, plus field labels for messages."""

    def __init__(self, *maps, labels: Mapping[str, str]):
        super().__init__(*maps)
        self.labels = labels

    def with_item(self, item: Mapping) -> Values:
        """These values with one repeating-group item's answers in front."""
        return Values(item, *self.maps, labels=self.labels)

    def label_of(self, field_id: str) -> str:
        return self.labels.get(field_id, field_id)


def truthy(expression, values) -> bool:
    """Whether a condition holds (no condition always does)."""
    return expression is None or bool(expression.evaluate(values))
