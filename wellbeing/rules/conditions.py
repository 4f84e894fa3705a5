"""The rule dialect of the condition language: small, typed, parsed from YAML.

YAML forms (exactly one subject per mapping)::

    {total: {ge: 20}}                    # the instrument total
    {total: {between: [10, 19]}}         # inclusive range
    {subscale: consumption, ge: 4}       # a subscale by id (ScoreIs)
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

The comparisons, ``item``, ``subscale`` (``ScoreIs``), ``all``, ``any`` and their evaluation
are the shared language's (``wellbeing.conditions``); the other leaves are this dialect's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from wellbeing.conditions import (
    AllOf,
    AnyOf,
    Comparison,
    ConditionError,
    ItemIs,
    ScoreIs,
    combine,
    exact,
    parse_combinator,
    parse_comparison,
    refuse_extra,
)
from wellbeing.instruments import Result

COMPARISON_KEYS = ("ge", "gt", "le", "lt", "eq", "between")
SUBJECTS = ("total", "subscale", "item", "band", "flag", "rise", "complete", "all", "any")


@dataclass(frozen=True)
class TotalIs:
    """The total meets the comparison (false when the total is None)."""

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


Leaf = TotalIs | ScoreIs | ItemIs | BandIn | FlagRaised | RoseBy | IsComplete
Condition = Leaf | AllOf[Leaf] | AnyOf[Leaf]


def parse_condition(data: Mapping[str, Any], path: str) -> Condition:
    """Build a condition from its (schema-valid) YAML mapping; ConditionError on a bad shape."""
    subjects = [key for key in SUBJECTS if key in data]
    if len(subjects) != 1:
        found = ", ".join(subjects) or "none"
        raise ConditionError(path, f"needs exactly one of {', '.join(SUBJECTS)} (found {found})")
    subject = subjects[0]
    if subject in ("subscale", "item"):
        comparison = parse_comparison(data, path, COMPARISON_KEYS, allowed={subject})
        cls = ScoreIs if subject == "subscale" else ItemIs
        return cls(str(data[subject]), comparison)
    refuse_extra(data, {subject}, path)
    value = data[subject]
    if subject in ("all", "any"):
        return parse_combinator(subject, value, path, parse_condition)
    if subject == "total":
        return TotalIs(parse_comparison(value, f"{path}.total", COMPARISON_KEYS))
    if subject == "band":
        return BandIn(tuple(str(band) for band in value["in"]))
    if subject == "flag":
        return FlagRaised(str(value))
    if subject == "rise":
        return RoseBy(exact(value["by"]))
    return IsComplete(bool(value))


def holds(condition: Condition, result: Result, previous_total: Fraction | None = None) -> bool:
    """True when the condition holds for the result; missing data makes a leaf false."""
    if isinstance(condition, AllOf | AnyOf):
        return combine(condition, lambda part: holds(part, result, previous_total)) is True
    if isinstance(condition, TotalIs):
        return _test(condition.comparison, result.total)
    if isinstance(condition, ScoreIs):  # a subscale: the total is TotalIs
        return _test(condition.comparison, result.subscales.get(condition.score))
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
    return value is not None and comparison.test(value)
