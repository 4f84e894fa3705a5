"""Conditions used by skip logic, flags and rule bands, evaluated in three-valued logic.

A condition is true, false or unknown (``None``) — unknown when it depends on an unanswered
item or a score that could not be computed. Flags are raised only when a condition is true,
so a critical item answered on an otherwise incomplete form still raises its flag.

YAML forms (exactly one comparison key among eq ne gt ge lt le in)::

    {item: q9, ge: 1}                        # the answered value of an item
    {score: total, gt: 160}                  # the total or a subscale by id
    {count: {items: [q1, q2], ge: 2}, ge: 1} # how many items meet the inner comparison
    {any: [cond, ...]}   {all: [cond, ...]}
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Number = Fraction | int
Truth = bool | None

OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "in": lambda value, allowed: value in allowed,
}


class ConditionError(ValueError):
    """A condition mapping has the wrong shape; ``path`` locates it in the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Comparison:
    """An operator name and its operand (a number or, for ``in``, a tuple of numbers)."""

    op: str
    operand: Fraction | tuple[Fraction, ...]

    def test(self, value: Number) -> bool:
        """Apply the comparison exactly to ``value``."""
        return OPERATORS[self.op](Fraction(value), self.operand)


@dataclass(frozen=True)
class ItemIs:
    """True when the item's answered value meets the comparison."""

    item: str
    comparison: Comparison


@dataclass(frozen=True)
class ScoreIs:
    """True when the total (``total``) or a subscale meets the comparison."""

    score: str
    comparison: Comparison


@dataclass(frozen=True)
class CountIs:
    """True when the number of ``items`` meeting ``each`` meets ``comparison``."""

    items: tuple[str, ...]
    each: Comparison
    comparison: Comparison


@dataclass(frozen=True)
class AnyOf:
    """True when any part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]


Condition = ItemIs | ScoreIs | CountIs | AnyOf | AllOf


def parse_condition(data: Mapping[str, Any], path: str) -> Condition:
    """Build a condition from its YAML mapping, raising ConditionError on a bad shape."""
    if "any" in data or "all" in data:
        key = "any" if "any" in data else "all"
        _require_keys(data, {key}, path)
        parts = tuple(
            parse_condition(part, f"{path}.{key}[{index}]") for index, part in enumerate(data[key])
        )
        return AnyOf(parts) if key == "any" else AllOf(parts)
    if "item" in data:
        return ItemIs(str(data["item"]), _parse_comparison(data, {"item"}, path))
    if "score" in data:
        return ScoreIs(str(data["score"]), _parse_comparison(data, {"score"}, path))
    if "count" in data:
        inner = data["count"]
        each = _parse_comparison(inner, {"items"}, f"{path}.count")
        items = tuple(str(item) for item in inner.get("items", ()))
        return CountIs(items, each, _parse_comparison(data, {"count"}, path))
    raise ConditionError(path, "a condition needs one of item, score, count, any, all")


def _require_keys(data: Mapping[str, Any], keys: set[str], path: str) -> None:
    extra = set(data) - keys
    if extra:
        raise ConditionError(path, f"unexpected keys {sorted(extra)} next to {sorted(keys)}")


def _parse_comparison(data: Mapping[str, Any], subject: set[str], path: str) -> Comparison:
    ops = [key for key in data if key in OPERATORS]
    if len(ops) != 1:
        raise ConditionError(path, f"needs exactly one of {', '.join(OPERATORS)}")
    _require_keys(data, subject | set(ops), path)
    op = ops[0]
    raw = data[op]
    if op == "in":
        return Comparison(op, tuple(Fraction(str(value)) for value in raw))
    return Comparison(op, Fraction(str(raw)))


def evaluate(
    condition: Condition,
    answers: Mapping[str, int | None],
    scores: Mapping[str, Fraction | None],
) -> Truth:
    """Evaluate in three-valued logic; ``None`` means unknown (data missing)."""
    if isinstance(condition, ItemIs):
        value = answers.get(condition.item)
        return None if value is None else condition.comparison.test(value)
    if isinstance(condition, ScoreIs):
        score = scores.get(condition.score)
        return None if score is None else condition.comparison.test(score)
    if isinstance(condition, CountIs):
        return _evaluate_count(condition, answers)
    results = [evaluate(part, answers, scores) for part in condition.parts]
    if isinstance(condition, AnyOf):
        return True if True in results else (None if None in results else False)
    return False if False in results else (None if None in results else True)


def _evaluate_count(condition: CountIs, answers: Mapping[str, int | None]) -> Truth:
    values = [answers.get(item) for item in condition.items]
    met = sum(1 for value in values if value is not None and condition.each.test(value))
    unknown = sum(1 for value in values if value is None)
    outcomes = {condition.comparison.test(met + extra) for extra in range(unknown + 1)}
    return outcomes.pop() if len(outcomes) == 1 else None


def referenced_items(condition: Condition) -> Iterable[str]:
    """Yield every item id the condition reads."""
    if isinstance(condition, ItemIs):
        yield condition.item
    elif isinstance(condition, CountIs):
        yield from condition.items
    elif isinstance(condition, AnyOf | AllOf):
        for part in condition.parts:
            yield from referenced_items(part)


def referenced_scores(condition: Condition) -> Iterable[str]:
    """Yield every score id (``total`` or a subscale id) the condition reads."""
    if isinstance(condition, ScoreIs):
        yield condition.score
    elif isinstance(condition, AnyOf | AllOf):
        for part in condition.parts:
            yield from referenced_scores(part)
