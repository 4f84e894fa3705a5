"""The scoring engine: a pure function of a definition and answers.

Thresholds and bands are compared on exact Fractions; only the JSON form rounds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fractions import Fraction

from wellbeing.instruments.conditions import evaluate
from wellbeing.instruments.methods import COMPLETENESS_RULES, get_method
from wellbeing.instruments.model import Definition, ScoreSpec
from wellbeing.instruments.result import Result
from wellbeing.instruments.validation import Answers, resolve_answers, validate_answers

Values = Mapping[str, int | None]


def score(definition: Definition, answers: Answers) -> Result:
    """Validate ``answers`` (item id → option value or None) and score them.

    Raises AnswerError for unknown items, values outside the options, or answers to items
    the skip logic skips.
    """
    validate_answers(definition, answers)
    resolved = resolve_answers(definition, answers)
    item_scores = score_items(definition, resolved.values)
    skipped = resolved.skipped
    total = (
        None if definition.total is None else compute_spec(definition.total, item_scores, skipped)
    )
    subscales = {spec.id: compute_spec(spec, item_scores, skipped) for spec in definition.subscales}
    complete = COMPLETENESS_RULES[definition.completeness](resolved.missing, total, subscales)
    if not complete:
        total = None
    scores = {"total": total, **subscales}
    return Result(
        instrument=definition.id,
        version=definition.version,
        definition_hash=definition.content_hash,
        complete=complete,
        total=total,
        band=find_band(definition, resolved.values, scores) if complete else None,
        subscales=subscales,
        flags=raise_flags(definition, resolved.values, scores),
        missing=resolved.missing,
        skipped=resolved.skipped,
        item_scores=item_scores,
    )


def score_items(definition: Definition, values: Values) -> dict[str, Fraction]:
    """Item scores for every item with a value; reverse-scored items become min + max − x."""
    scores: dict[str, Fraction] = {}
    for item in definition.items:
        value = values.get(item.id)
        if value is None:
            continue
        if item.id in definition.reverse_items:
            value = min(item.values) + max(item.values) - value
        scores[item.id] = Fraction(value)
    return scores


def compute_spec(
    spec: ScoreSpec, item_scores: Mapping[str, Fraction], skipped: Collection[str] = ()
) -> Fraction | None:
    """Run the spec's registry method over its items; ``None`` marks a missing answer.

    Items skipped by skip logic without a ``score_when_skipped`` are left out entirely.
    """
    inputs = [
        item_scores.get(item_id)
        for item_id in spec.items
        if item_id in item_scores or item_id not in skipped
    ]
    return get_method(spec.method).compute(inputs, spec.params)


def find_band(
    definition: Definition, values: Values, scores: Mapping[str, Fraction | None]
) -> str | None:
    """The band holding the total (range bands), or the first rule band that holds."""
    total = scores.get("total")
    for band in definition.bands:
        if band.range is not None:
            if total is not None and band.range[0] <= total <= band.range[1]:
                return band.id
        elif band.when is None:
            return band.id
        else:
            truth = evaluate(band.when, values, scores)
            if truth is None:
                return None
            if truth:
                return band.id
    return None


def raise_flags(
    definition: Definition, values: Values, scores: Mapping[str, Fraction | None]
) -> tuple[str, ...]:
    """Ids of flags whose condition is true on the available data, in file order."""
    return tuple(flag.id for flag in definition.flags if evaluate(flag.when, values, scores))
