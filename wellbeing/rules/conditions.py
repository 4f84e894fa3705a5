"""The rule condition language: small, typed, parsed from YAML, evaluated without ``eval``.

YAML forms (exactly one subject per mapping)::

    {total: {ge: 20}}                    # the instrument total
    {total: {between: [10, 19]}}         # inclusive range
    {subscale: consumption, ge: 4}       # a subscale by id
    {item: q9, ge: 1}                    # an item's *scored* value (Result.item_scores)
    {band: {in: [high, moderate]}}       # the result's band
    {flag: suicidal_ideation}            # a flag is raised
    {rise: {by: 5}}                      # total − previous total ≥ 5
    {complete: false}                    # the result is (in)complete
    {all: [cond, ...]}   {any: [cond, ...]}

Comparisons are ``ge gt le lt eq`` and ``between: [a, b]`` (inclusive), on exact Fractions.
Evaluation is two-valued: a condition whose data is missing (no total on an incomplete
result, an unanswered item, no previous total) is *false*. Item and flag conditions do not
depend on completeness, so a critical item fires on an otherwise incomplete form.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from wellbeing.instruments import Result
from wellbeing.instruments.conditions import (
    ConditionError as ConditionError,
)  # one error type for both languages

OPERATORS: Mapping[str, Callable[[Fraction, Fraction], bool]] = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
}
COMPARISON_KEYS = (*OPERATORS, "between")
SUBJECTS = ("total", "subscale", "item", "band", "flag", "rise", "complete", "all", "any")


@dataclass(frozen=True)
class Comparison:
    """``op`` is one of ge gt le lt eq (``operand`` a Fraction) or between (a pair)."""

    op: str
    operand: Fraction | tuple[Fraction, Fraction]

    def test(self, value: Fraction) -> bool:
        """Apply the comparison exactly."""
        if isinstance(self.operand, tuple):
            low, high = self.operand
            return low <= value <= high
        return OPERATORS[self.op](value, self.operand)

    def __str__(self) -> str:
        if isinstance(self.operand, tuple):
            return f"between {self.operand[0]} and {self.operand[1]}"
        return f"{self.op} {self.operand}"


@dataclass(frozen=True)
class TotalIs:
    """The total meets the comparison (false when the total is None)."""

    comparison: Comparison


@dataclass(frozen=True)
class SubscaleIs:
    """A subscale meets the comparison (false when it has no value)."""

    subscale: str
    comparison: Comparison


@dataclass(frozen=True)
class ItemIs:
    """An item's scored value meets the comparison (false when unanswered)."""

    item: str
    comparison: Comparison


@dataclass(frozen=True)
class BandIn:
    """The result's band is one of ``bands`` (false when there is no band)."""

    bands: tuple[str, ...]


@dataclass(frozen=True)
class FlagRaised:
    """The flag is among the result's raised flags."""

    flag: str


@dataclass(frozen=True)
class RoseBy:
    """The total rose by at least ``by`` since the previous submission of the instrument."""

    by: Fraction


@dataclass(frozen=True)
class IsComplete:
    """The result's completeness equals ``complete``."""

    complete: bool


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


Condition = (
    TotalIs | SubscaleIs | ItemIs | BandIn | FlagRaised | RoseBy | IsComplete | AllOf | AnyOf
)


def parse_condition(data: Mapping[str, Any], path: str) -> Condition:
    """Build a condition from its (schema-valid) YAML mapping; ConditionError on a bad shape."""
    subjects = [key for key in SUBJECTS if key in data]
    if len(subjects) != 1:
        found = ", ".join(subjects) or "none"
        raise ConditionError(path, f"needs exactly one of {', '.join(SUBJECTS)} (found {found})")
    subject = subjects[0]
    if subject in ("subscale", "item"):
        comparison = parse_comparison(data, path, allowed={subject})
        cls = SubscaleIs if subject == "subscale" else ItemIs
        return cls(str(data[subject]), comparison)
    _refuse_extra(data, {subject}, path)
    value = data[subject]
    if subject in ("all", "any"):
        parts = tuple(
            parse_condition(part, f"{path}.{subject}[{index}]") for index, part in enumerate(value)
        )
        return AllOf(parts) if subject == "all" else AnyOf(parts)
    if subject == "total":
        return TotalIs(parse_comparison(value, f"{path}.total"))
    if subject == "band":
        return BandIn(tuple(str(band) for band in value["in"]))
    if subject == "flag":
        return FlagRaised(str(value))
    if subject == "rise":
        return RoseBy(exact(value["by"]))
    return IsComplete(bool(value))


def parse_comparison(
    data: Mapping[str, Any], path: str, allowed: frozenset[str] | set[str] = frozenset()
) -> Comparison:
    """Read the single comparison key of ``data`` (other keys must be in ``allowed``)."""
    ops = [key for key in COMPARISON_KEYS if key in data]
    if len(ops) != 1:
        raise ConditionError(path, f"needs exactly one of {', '.join(COMPARISON_KEYS)}")
    _refuse_extra(data, set(allowed) | set(ops), path)
    op = ops[0]
    if op == "between":
        low, high = (exact(value) for value in data[op])
        if low > high:
            raise ConditionError(f"{path}.between", f"{low} is greater than {high}")
        return Comparison(op, (low, high))
    return Comparison(op, exact(data[op]))


def exact(value: int | str) -> Fraction:
    """An exact number from an integer or a string such as ``"2.5"`` or ``"7/2"``."""
    return Fraction(str(value))


def _refuse_extra(data: Mapping[str, Any], keys: set[str], path: str) -> None:
    extra = sorted(set(data) - keys)
    if extra:
        raise ConditionError(path, f"unexpected keys {extra} next to {sorted(keys)}")


def holds(condition: Condition, result: Result, previous_total: Fraction | None = None) -> bool:
    """True when the condition holds for the result; missing data makes a leaf false."""
    if isinstance(condition, AllOf):
        return all(holds(part, result, previous_total) for part in condition.parts)
    if isinstance(condition, AnyOf):
        return any(holds(part, result, previous_total) for part in condition.parts)
    if isinstance(condition, TotalIs):
        return _test(condition.comparison, result.total)
    if isinstance(condition, SubscaleIs):
        return _test(condition.comparison, result.subscales.get(condition.subscale))
    if isinstance(condition, ItemIs):
        return _test(condition.comparison, result.item_scores.get(condition.item))
    if isinstance(condition, BandIn):
        return result.band is not None and result.band in condition.bands
    if isinstance(condition, FlagRaised):
        return condition.flag in result.flags
    if isinstance(condition, RoseBy):
        if result.total is None or previous_total is None:
            return False
        return result.total - Fraction(previous_total) >= condition.by
    return result.complete is condition.complete


def _test(comparison: Comparison, value: Fraction | None) -> bool:
    return value is not None and comparison.test(Fraction(value))


def leaves(condition: Condition, path: str) -> Iterator[tuple[str, Condition]]:
    """Yield every non-combinator condition with its path in the file."""
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        for index, part in enumerate(condition.parts):
            yield from leaves(part, f"{path}.{key}[{index}]")
    else:
        yield path, condition
