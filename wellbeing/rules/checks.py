"""Semantic checks of a rule against the instrument catalogue (what JSON Schema cannot say).

Refused: an unknown instrument; an unknown item, subscale, band or flag id; a total or rise
on an instrument without a total; a threshold outside the score's range or one that can
never hold; a follow-up to an unknown or unofferable instrument; crisis without a referral.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction

from wellbeing.conditions import Comparison, ItemIs, ScoreIs, leaves
from wellbeing.instruments import Catalogue, Definition, Problem
from wellbeing.instruments.checks import spec_range
from wellbeing.rules.conditions import BandIn, FlagRaised, Leaf, RoseBy, TotalIs
from wellbeing.rules.model import Rule

Range = tuple[Fraction, Fraction]


def check_rule(rule: Rule, catalogue: Catalogue, path: str) -> list[Problem]:
    """Every problem with ``rule`` (at ``path`` in its file), or an empty list."""
    actions = list(_check_actions(rule, catalogue, f"{path}.actions"))
    if rule.instrument not in catalogue:
        reason = f"unknown instrument {rule.instrument!r}; known: {_known(catalogue.definitions)}"
        return [Problem(f"{path}.instrument", reason), *actions]
    definition = catalogue.get(rule.instrument)
    found: Iterator[tuple[str, Leaf]] = leaves(rule.when, f"{path}.when")
    problems = [
        problem for leaf_path, leaf in found for problem in _check_leaf(definition, leaf, leaf_path)
    ]
    return [*problems, *actions]


def _known(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "none"


def _check_actions(rule: Rule, catalogue: Catalogue, path: str) -> Iterator[Problem]:
    actions = rule.actions
    if actions.crisis and actions.referral is None:
        yield Problem(
            f"{path}.crisis", "crisis contacts need a referral too: someone must follow up"
        )
    if actions.follow_up is None:
        return
    target = actions.follow_up.instrument
    where = f"{path}.follow_up.instrument"
    if target not in catalogue:
        yield Problem(
            where, f"unknown instrument {target!r}; known: {_known(catalogue.definitions)}"
        )
    elif not catalogue.get(target).offerable:
        yield Problem(where, f"{target!r} cannot be offered to officers (item texts not supplied)")


def _check_leaf(definition: Definition, leaf: Leaf, path: str) -> Iterator[Problem]:
    name = definition.id
    if isinstance(leaf, TotalIs | RoseBy):
        if definition.total is None:
            yield Problem(path, f"{name} has no total")
        elif isinstance(leaf, TotalIs):
            total_range = spec_range(definition, definition.total)
            yield from _check_comparison(leaf.comparison, total_range, f"{path}.total", "total")
        else:
            yield from _check_rise(leaf, spec_range(definition, definition.total), path)
    elif isinstance(leaf, ScoreIs):
        specs = {spec.id: spec for spec in definition.subscales}
        if leaf.score not in specs:
            reason = f"unknown subscale {leaf.score!r} in {name}; known: {_known(specs)}"
            yield Problem(f"{path}.subscale", reason)
        else:
            sub_range = spec_range(definition, specs[leaf.score])
            yield from _check_comparison(leaf.comparison, sub_range, path, leaf.score)
    elif isinstance(leaf, ItemIs):
        yield from _check_item(definition, leaf, path)
    elif isinstance(leaf, BandIn):
        known = [band.id for band in definition.bands]
        for index, band in enumerate(leaf.bands):
            if band not in known:
                reason = f"unknown band {band!r} in {name}; known: {_known(known)}"
                yield Problem(f"{path}.band.in[{index}]", reason)
    elif isinstance(leaf, FlagRaised):
        known = [flag.id for flag in definition.flags]
        if leaf.flag not in known:
            yield Problem(
                f"{path}.flag", f"unknown flag {leaf.flag!r} in {name}; known: {_known(known)}"
            )


def _check_item(definition: Definition, leaf: ItemIs, path: str) -> Iterator[Problem]:
    if leaf.item not in definition.item_ids:
        known = ", ".join(definition.item_ids)
        reason = f"unknown item {leaf.item!r} in {definition.id}; known: {known}"
        yield Problem(f"{path}.item", reason)
        return
    item = definition.item(leaf.item)
    low, high = min(item.values), max(item.values)
    scored = {low + high - v if item.id in definition.reverse_items else v for v in item.values}
    if leaf.comparison.op == "eq" and leaf.comparison.operand not in scored:
        shown = ", ".join(str(value) for value in sorted(scored))
        yield Problem(f"{path}.eq", f"{leaf.item} never scores {leaf.comparison.operand}: {shown}")
        return
    yield from _check_comparison(leaf.comparison, (Fraction(low), Fraction(high)), path, leaf.item)


def _check_comparison(
    comparison: Comparison, bounds: Range, path: str, what: str
) -> Iterator[Problem]:
    low, high = bounds
    where = f"{path}.{comparison.op}"
    values = comparison.operand if isinstance(comparison.operand, tuple) else (comparison.operand,)
    outside = [value for value in values if not low <= value <= high]
    for value in outside:
        yield Problem(where, f"{value} is outside the {what} range {low}–{high}")
    never = (comparison.op == "gt" and values[0] >= high) or (
        comparison.op == "lt" and values[0] <= low
    )
    if never and not outside:
        yield Problem(where, f"{comparison} can never hold: the {what} range is {low}–{high}")


def _check_rise(leaf: RoseBy, bounds: Range, path: str) -> Iterator[Problem]:
    low, high = bounds
    if not 0 < leaf.by <= high - low:
        reason = (
            f"{leaf.by} must be above 0 and at most {high - low} (the total range {low}–{high})"
        )
        yield Problem(f"{path}.rise.by", reason)
