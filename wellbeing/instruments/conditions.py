"""The questionnaire dialect of the condition language: skip logic, flags and rule bands.

A condition is true, false or unknown (``None``) — unknown when it depends on an unanswered
item or a score that could not be computed. Flags are raised only when a condition is true,
so a critical item answered on an otherwise incomplete form still raises its flag.

YAML forms (exactly one comparison key among eq ne gt ge lt le in)::

    {item: q9, ge: 1}                        # the answered value of an item
    {score: total, gt: 160}                  # the total or a subscale by id
    {count: {items: [q1, q2], ge: 2}, ge: 1} # how many items meet the inner comparison
    {any: [cond, ...]}   {all: [cond, ...]}

The comparisons, ``item``, ``score``, ``any``, ``all`` and their evaluation are the shared
language's (``wellbeing.conditions``); the ``count`` leaf is this dialect's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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
    Truth,
    combine,
    leaves,
    parse_combinator,
    parse_comparison,
    refuse_extra,
)

OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "in")


@dataclass(frozen=True)
class CountIs:
    """True when the number of ``items`` meeting ``each`` meets ``comparison``."""

    items: tuple[str, ...]
    each: Comparison
    comparison: Comparison


Leaf = ItemIs | ScoreIs | CountIs
Condition = Leaf | AnyOf[Leaf] | AllOf[Leaf]


def parse_condition(data: Mapping[str, Any], path: str) -> Condition:
    """Build a condition from its YAML mapping, raising ConditionError on a bad shape."""
    if "any" in data or "all" in data:
        key = "any" if "any" in data else "all"
        refuse_extra(data, {key}, path)
        return parse_combinator(key, data[key], path, parse_condition)
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


def _parse_comparison(data: Mapping[str, Any], subject: set[str], path: str) -> Comparison:
    return parse_comparison(data, path, OPERATORS, allowed=subject)


def evaluate(
    condition: Condition,
    answers: Mapping[str, int | None],
    scores: Mapping[str, Fraction | None],
) -> Truth:
    """Evaluate in three-valued logic; ``None`` means unknown (data missing)."""
    if isinstance(condition, AllOf | AnyOf):
        return combine(condition, lambda part: evaluate(part, answers, scores))
    if isinstance(condition, ItemIs):
        value = answers.get(condition.item)
        return None if value is None else condition.comparison.test(value)
    if isinstance(condition, ScoreIs):
        score = scores.get(condition.score)
        return None if score is None else condition.comparison.test(score)
    return _evaluate_count(condition, answers)


def _evaluate_count(condition: CountIs, answers: Mapping[str, int | None]) -> Truth:
    values = [answers.get(item) for item in condition.items]
    met = sum(1 for value in values if value is not None and condition.each.test(value))
    unknown = sum(1 for value in values if value is None)
    outcomes = {condition.comparison.test(met + extra) for extra in range(unknown + 1)}
    return outcomes.pop() if len(outcomes) == 1 else None


def referenced_items(condition: Condition) -> Iterable[str]:
    """Yield every item id the condition reads."""
    found: Iterator[tuple[str, Leaf]] = leaves(condition)
    for _, leaf in found:
        if isinstance(leaf, ItemIs):
            yield leaf.item
        elif isinstance(leaf, CountIs):
            yield from leaf.items


def referenced_scores(condition: Condition) -> Iterable[str]:
    """Yield every score id (``total`` or a subscale id) the condition reads."""
    found: Iterator[tuple[str, Leaf]] = leaves(condition)
    for _, leaf in found:
        if isinstance(leaf, ScoreIs):
            yield leaf.score
