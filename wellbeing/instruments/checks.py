"""Semantic checks JSON Schema cannot express: unique ids, references, ranges, band coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from fractions import Fraction

from wellbeing.instruments.conditions import Condition, referenced_items, referenced_scores
from wellbeing.instruments.errors import Problem
from wellbeing.instruments.methods import COMPLETENESS_RULES, METHODS
from wellbeing.instruments.model import Definition, ScoreSpec


def check_definition(definition: Definition) -> list[Problem]:
    """Return every semantic problem in the definition (an empty list when it is sound)."""
    checks = (
        _check_items,
        _check_texts,
        _check_skip_logic,
        _check_reverse_items,
        _check_score_specs,
        _check_bands,
        _check_flags,
        _check_completeness,
    )
    return [problem for check in checks for problem in check(definition)]


def _duplicates(values: Sequence[object]) -> set[object]:
    return {value for value, count in Counter(values).items() if count > 1}


def _check_items(definition: Definition) -> Iterator[Problem]:
    duplicated = _duplicates(definition.item_ids)
    for index, item in enumerate(definition.items):
        if item.id in duplicated:
            yield Problem(f"items[{index}].id", f"duplicate item id {item.id!r}")
        repeated = _duplicates(item.values)
        for number, option in enumerate(item.options):
            if option.value in repeated:
                yield Problem(
                    f"items[{index}].options[{number}].value",
                    f"duplicate option value {option.value} in item {item.id!r}",
                )


def _check_texts(definition: Definition) -> Iterator[Problem]:
    if not definition.texts_supplied:
        return
    for index, item in enumerate(definition.items):
        if item.text is None:
            yield Problem(f"items[{index}].text", "missing, but texts_supplied is true")
        for number, option in enumerate(item.options):
            if option.label is None:
                yield Problem(
                    f"items[{index}].options[{number}].label", "missing, but texts_supplied is true"
                )


def _check_skip_logic(definition: Definition) -> Iterator[Problem]:
    earlier: set[str] = set()
    for index, item in enumerate(definition.items):
        path = f"items[{index}]"
        if item.ask_when is not None:
            yield from _check_condition(definition, item.ask_when, f"{path}.ask_when", earlier)
        if item.score_when_skipped is not None:
            if item.ask_when is None:
                yield Problem(f"{path}.score_when_skipped", "needs ask_when (skip logic)")
            elif item.score_when_skipped not in item.values:
                yield Problem(
                    f"{path}.score_when_skipped",
                    f"{item.score_when_skipped} is not one of the options {list(item.values)}",
                )
        earlier.add(item.id)


def _check_condition(
    definition: Definition, condition: Condition, path: str, items: set[str] | None = None
) -> Iterator[Problem]:
    allowed = set(definition.item_ids) if items is None else items
    for item_id in referenced_items(condition):
        if item_id not in allowed:
            where = "an earlier item" if items is not None else "an item"
            yield Problem(path, f"refers to {item_id!r}, which is not {where}")
    scores = {"total"} | {spec.id for spec in definition.subscales}
    for score_id in referenced_scores(condition):
        if items is not None:
            yield Problem(path, "skip conditions may refer to items only")
        elif score_id not in scores:
            yield Problem(path, f"refers to score {score_id!r}; known: {sorted(scores)}")


def _check_reverse_items(definition: Definition) -> Iterator[Problem]:
    for index, item_id in enumerate(sorted(definition.reverse_items)):
        if item_id not in definition.item_ids:
            yield Problem(f"scoring.reverse_items[{index}]", f"unknown item {item_id!r}")


def _spec_paths(definition: Definition) -> Iterator[tuple[str, ScoreSpec]]:
    total = definition.total
    if total is not None:
        yield "scoring.total", total
    for index, spec in enumerate(definition.subscales):
        yield f"scoring.subscales[{index}]", spec


def _check_score_specs(definition: Definition) -> Iterator[Problem]:
    ids = [spec.id for spec in definition.subscales]
    for path, spec in _spec_paths(definition):
        if spec.id in _duplicates(ids) or (spec.id == "total" and path != "scoring.total"):
            yield Problem(f"{path}.id", f"duplicate or reserved subscale id {spec.id!r}")
        yield from _check_spec(definition, spec, path)


def _check_spec(definition: Definition, spec: ScoreSpec, path: str) -> Iterator[Problem]:
    problems = list(_spec_problems(definition, spec, path))
    yield from problems
    if spec.declared_range is not None and not problems:
        actual = spec_range(definition, spec)
        if actual != spec.declared_range:
            shown = [_show(value) for value in actual]
            yield Problem(f"{path}.range", f"declared range differs from the computed {shown}")


def _spec_problems(definition: Definition, spec: ScoreSpec, path: str) -> Iterator[Problem]:
    method = METHODS.get(spec.method)
    if method is None:
        yield Problem(f"{path}.method", f"unknown method {spec.method!r}; known: {sorted(METHODS)}")
        return
    for name in sorted(method.required - set(spec.params)):
        yield Problem(f"{path}.params", f"method {spec.method!r} needs parameter {name!r}")
    for name in sorted(set(spec.params) - method.required - method.optional):
        yield Problem(f"{path}.params.{name}", f"not a parameter of method {spec.method!r}")
    yield from _check_spec_items(definition, spec, path)


def _check_spec_items(definition: Definition, spec: ScoreSpec, path: str) -> Iterator[Problem]:
    for index, item_id in enumerate(spec.items):
        if item_id not in definition.item_ids:
            yield Problem(f"{path}.items[{index}]", f"unknown item {item_id!r}")
        elif definition.item(item_id).optional:
            yield Problem(f"{path}.items[{index}]", f"item {item_id!r} is optional (unscored)")


def _show(value: Fraction) -> int | str:
    return int(value) if value.denominator == 1 else str(value)


def spec_range(definition: Definition, spec: ScoreSpec) -> tuple[Fraction, Fraction]:
    """Lowest and highest value a total or subscale can take."""
    ranges = []
    for item_id in spec.items:
        values = definition.item(item_id).values
        ranges.append((Fraction(min(values)), Fraction(max(values))))
    return METHODS[spec.method].value_range(ranges, spec.params)


def _check_bands(definition: Definition) -> Iterator[Problem]:
    raw_bands = definition.raw.get("scoring", {}).get("bands", [])
    for index, band_id in enumerate(band.id for band in definition.bands):
        if band_id in _duplicates([band.id for band in definition.bands]):
            yield Problem(f"scoring.bands[{index}].id", f"duplicate band id {band_id!r}")
    for index, raw in enumerate(raw_bands):
        kinds = [key for key in ("range", "when", "otherwise") if key in raw]
        if len(kinds) != 1:
            yield Problem(f"scoring.bands[{index}]", "needs exactly one of range, when, otherwise")
            return
    if any(band.range is not None for band in definition.bands):
        yield from _check_range_bands(definition)
    elif definition.bands:
        yield from _check_rule_bands(definition, raw_bands)


def _check_range_bands(definition: Definition) -> Iterator[Problem]:
    total = definition.total
    if total is None or not METHODS.get(total.method, METHODS["none"]).integral:
        yield Problem("scoring.bands", "range bands need an integer-valued total")
        return
    if any(_spec_problems(definition, total, "")):
        return  # reported by _check_score_specs
    low, high = spec_range(definition, total)
    expected = low
    for index, band in enumerate(definition.bands):
        if band.range is None:
            yield Problem(f"scoring.bands[{index}]", "mixes range and rule bands")
            return
        start, end = band.range
        if start != expected or end < start:
            yield Problem(
                f"scoring.bands[{index}].range",
                f"{[start, end]} leaves a gap or overlap: expected to start at {_show(expected)}",
            )
            return
        expected = Fraction(end + 1)
    if expected != high + 1:
        yield Problem(
            "scoring.bands", f"bands end at {_show(expected - 1)}, total reaches {_show(high)}"
        )


def _check_rule_bands(
    definition: Definition, raw_bands: list[dict[str, object]]
) -> Iterator[Problem]:
    for index, band in enumerate(definition.bands):
        last = index == len(definition.bands) - 1
        if last != ("otherwise" in raw_bands[index]):
            yield Problem(f"scoring.bands[{index}]", "rule bands end with exactly one otherwise")
        if band.when is not None:
            yield from _check_condition(definition, band.when, f"scoring.bands[{index}].when")


def _check_flags(definition: Definition) -> Iterator[Problem]:
    duplicated = _duplicates([flag.id for flag in definition.flags])
    for index, flag in enumerate(definition.flags):
        path = f"scoring.flags[{index}]"
        if flag.id in duplicated:
            yield Problem(f"{path}.id", f"duplicate flag id {flag.id!r}")
        yield from _check_condition(definition, flag.when, f"{path}.when")


def _check_completeness(definition: Definition) -> Iterator[Problem]:
    if definition.completeness not in COMPLETENESS_RULES:
        known = sorted(COMPLETENESS_RULES)
        yield Problem(
            "scoring.completeness", f"unknown rule {definition.completeness!r}; known: {known}"
        )
