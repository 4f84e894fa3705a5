"""The one condition language questionnaires and rules share, parsed from YAML without ``eval``.

A condition is a tree: ``all``/``any`` over leaves, a leaf naming a subject (an item, a score,
a band…) and usually a comparison on exact Fractions. This module holds what both dialects
have in common: the comparison operators and their parsing, the item and score leaves, the
combinators, their evaluation and their walk. Each dialect adds its own leaves and says which
operators it accepts: ``wellbeing.instruments.conditions`` (skip logic, flags, bands) and
``wellbeing.rules.conditions`` (threshold rules).

Evaluation is three-valued: a leaf is true, false or unknown (``None``, its data is missing).
``any`` is true when a part is true, ``all`` false when a part is false, and otherwise unknown
when a part is. A dialect whose leaves never say unknown gets plain two-valued logic.

Pure: the standard library only.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, TypeVar

Truth = bool | None
Leaf = TypeVar("Leaf")

OPERATORS: Mapping[str, Callable[[Fraction, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "in": lambda value, allowed: value in allowed,
    "between": lambda value, bounds: bounds[0] <= value <= bounds[1],
}


class ConditionError(ValueError):
    """A condition mapping has the wrong shape; ``path`` locates it in the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Comparison:
    """An operator name and its operand: a Fraction, or a tuple for ``in`` and ``between``."""

    op: str
    operand: Fraction | tuple[Fraction, ...]

    def test(self, value: Fraction | int) -> bool:
        """Apply the comparison exactly to ``value``."""
        return OPERATORS[self.op](Fraction(value), self.operand)

    def __str__(self) -> str:
        if isinstance(self.operand, tuple) and self.op == "between":
            return f"between {self.operand[0]} and {self.operand[1]}"
        if isinstance(self.operand, tuple):
            return f"{self.op} [{', '.join(str(value) for value in self.operand)}]"
        return f"{self.op} {self.operand}"


@dataclass(frozen=True)
class ItemIs:
    """An item's value meets the comparison (unknown when the item is unanswered).

    Questionnaires compare the answered value, rules the scored (possibly reversed) value.
    """

    item: str
    comparison: Comparison


@dataclass(frozen=True)
class ScoreIs:
    """A score meets the comparison (unknown when it could not be computed).

    Questionnaires name the total ``total`` or a subscale by id; rules name a subscale (their
    total has a form of its own).
    """

    score: str
    comparison: Comparison


@dataclass(frozen=True)
class AllOf(Generic[Leaf]):
    """Every part holds."""

    parts: tuple[Leaf | AllOf[Leaf] | AnyOf[Leaf], ...]


@dataclass(frozen=True)
class AnyOf(Generic[Leaf]):
    """At least one part holds."""

    parts: tuple[Leaf | AllOf[Leaf] | AnyOf[Leaf], ...]


def exact(value: int | str) -> Fraction:
    """An exact number from an integer or a string such as ``"2.5"`` or ``"7/2"``."""
    return Fraction(str(value))


def refuse_extra(data: Mapping[str, Any], keys: set[str], path: str) -> None:
    """Raise ConditionError when ``data`` has keys other than ``keys``."""
    extra = sorted(set(data) - keys)
    if extra:
        raise ConditionError(path, f"unexpected keys {extra} next to {sorted(keys)}")


def parse_comparison(
    data: Mapping[str, Any],
    path: str,
    ops: Sequence[str],
    allowed: frozenset[str] | set[str] = frozenset(),
) -> Comparison:
    """Read the single comparison key of ``data`` among ``ops`` (other keys must be in
    ``allowed``); ``in`` takes a list of numbers, ``between`` an inclusive pair."""
    found = [key for key in ops if key in data]
    if len(found) != 1:
        raise ConditionError(path, f"needs exactly one of {', '.join(ops)}")
    refuse_extra(data, set(allowed) | set(found), path)
    op = found[0]
    if op == "between":
        low, high = (exact(value) for value in data[op])
        if low > high:
            raise ConditionError(f"{path}.between", f"{low} is greater than {high}")
        return Comparison(op, (low, high))
    if op == "in":
        return Comparison(op, tuple(exact(value) for value in data[op]))
    return Comparison(op, exact(data[op]))


def parse_combinator(
    key: str,
    parts: Iterable[Mapping[str, Any]],
    path: str,
    parse_part: Callable[[Mapping[str, Any], str], Leaf | AllOf[Leaf] | AnyOf[Leaf]],
) -> AllOf[Leaf] | AnyOf[Leaf]:
    """Build ``all`` or ``any`` (``key``) from its parts, each parsed by the dialect."""
    parsed = tuple(parse_part(part, f"{path}.{key}[{index}]") for index, part in enumerate(parts))
    return AllOf(parsed) if key == "all" else AnyOf(parsed)


def combine(
    condition: AllOf[Leaf] | AnyOf[Leaf],
    truth_of: Callable[[Leaf | AllOf[Leaf] | AnyOf[Leaf]], Truth],
) -> Truth:
    """The truth of ``all`` or ``any``, asking the dialect's ``truth_of`` for each part in turn
    (and no further than needed)."""
    truths = (truth_of(part) for part in condition.parts)
    return _decide(truths, decisive=not isinstance(condition, AllOf))


def _decide(truths: Iterable[Truth], decisive: bool) -> Truth:
    # ``all`` is decided by a false part, ``any`` by a true one; else unknown if a part is.
    unknown = False
    for truth in truths:
        if truth is decisive:
            return decisive
        unknown = unknown or truth is None
    return None if unknown else not decisive


def leaves(
    condition: Leaf | AllOf[Leaf] | AnyOf[Leaf], path: str = ""
) -> Iterator[tuple[str, Leaf]]:
    """Yield every leaf with its path in the file, left to right.

    Type checkers need to be told the leaf type: ``found: Iterator[tuple[str, Leaf]] = ...``.
    """
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        for index, part in enumerate(condition.parts):
            yield from leaves(part, f"{path}.{key}[{index}]")
    else:
        yield path, condition
