"""Scoring-method registry: totals and subscales are computed by the method NAMED in the file.

Each method takes the scores of its items in order (``None`` for a missing answer; items
skipped by skip logic without a score are left out) and its parameters, and returns an exact
Fraction or ``None`` when the answers do not allow a score. Adding a method here makes it
available to every questionnaire file; nothing in the engine knows instrument names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from wellbeing.instruments.numbers import round_half_up

Scores = Sequence[Fraction | None]
Params = Mapping[str, Fraction]
Range = tuple[Fraction, Fraction]


@dataclass(frozen=True)
class ScoreMethod:
    """A named method: how to compute it, its value range, and its parameters."""

    name: str
    compute: Callable[[Scores, Params], Fraction | None]
    value_range: Callable[[Sequence[Range], Params], Range]
    integral: bool
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()


METHODS: dict[str, ScoreMethod] = {}


def register(method: ScoreMethod) -> ScoreMethod:
    """Add a method to the registry under its name."""
    METHODS[method.name] = method
    return method


def get_method(name: str) -> ScoreMethod:
    """Return the registered method (KeyError naming the known methods otherwise)."""
    try:
        return METHODS[name]
    except KeyError:
        raise KeyError(f"unknown scoring method {name!r}; known: {sorted(METHODS)}") from None


def _answered(scores: Scores) -> list[Fraction]:
    return [score for score in scores if score is not None]


def compute_sum(scores: Scores, params: Params) -> Fraction | None:
    """Sum of item scores (each plus ``shift``); ``None`` if any item is missing."""
    if None in scores:
        return None
    shift = params.get("shift", Fraction(0))
    return sum((score + shift for score in _answered(scores)), Fraction(0))


def range_sum(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``sum``."""
    shift = params.get("shift", Fraction(0))
    low = sum((low + shift for low, _ in ranges), Fraction(0))
    return low, sum((high + shift for _, high in ranges), Fraction(0))


def compute_prorated_sum(scores: Scores, params: Params) -> Fraction | None:
    """Sum prorated over up to ``max_missing`` missing items: round_half_up(sum × n / answered)."""
    answered = _answered(scores)
    if not answered or len(scores) - len(answered) > params["max_missing"]:
        return None
    total = sum(answered, Fraction(0)) * len(scores) / len(answered)
    return Fraction(round_half_up(total))


def compute_scaled_sum(scores: Scores, params: Params) -> Fraction | None:
    """Sum multiplied by ``factor`` (WHO-5 percentage = raw × 4); ``None`` if any missing."""
    total = compute_sum(scores, {})
    return None if total is None else total * params["factor"]


def range_scaled_sum(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``scaled_sum``."""
    low, high = range_sum(ranges, {})
    return low * params["factor"], high * params["factor"]


def compute_mean(scores: Scores, params: Params) -> Fraction | None:
    """Mean of answered items; ``None`` below ``min_answered`` (default: every item)."""
    answered = _answered(scores)
    needed = params.get("min_answered", Fraction(len(scores)))
    if not answered or len(answered) < needed:
        return None
    return sum(answered, Fraction(0)) / len(answered)


def range_mean(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``mean`` (and any other average of item scores)."""
    return min(low for low, _ in ranges), max(high for _, high in ranges)


def compute_count_endorsed(scores: Scores, params: Params) -> Fraction | None:
    """Number of items scoring at least ``at_least`` (default 1); ``None`` if any missing."""
    if None in scores:
        return None
    at_least = params.get("at_least", Fraction(1))
    return Fraction(sum(1 for score in _answered(scores) if score >= at_least))


def range_count(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``count_endorsed``."""
    return Fraction(0), Fraction(len(ranges))


def compute_positive_mean(scores: Scores, params: Params) -> Fraction | None:
    """Mean of the items scoring at least ``at_least`` (SCL-90 PSDI); ``None`` if none do."""
    if None in scores:
        return None
    positive = [score for score in _answered(scores) if score >= params["at_least"]]
    return sum(positive, Fraction(0)) / len(positive) if positive else None


def range_positive_mean(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``positive_mean``."""
    return params["at_least"], max(high for _, high in ranges)


def compute_none(scores: Scores, params: Params) -> Fraction | None:
    """No score (instruments with no total, such as the C-SSRS and the CBI)."""
    return None


def range_none(ranges: Sequence[Range], params: Params) -> Range:
    """Range of ``none`` (empty: it never has a value)."""
    return Fraction(0), Fraction(0)


SHIFT = frozenset({"shift"})
register(ScoreMethod("sum", compute_sum, range_sum, integral=True, optional=SHIFT))
register(
    ScoreMethod(
        "prorated_sum",
        compute_prorated_sum,
        range_sum,
        integral=True,
        required=frozenset({"max_missing"}),
    )
)
register(
    ScoreMethod(
        "scaled_sum",
        compute_scaled_sum,
        range_scaled_sum,
        integral=True,
        required=frozenset({"factor"}),
    )
)
register(
    ScoreMethod(
        "mean", compute_mean, range_mean, integral=False, optional=frozenset({"min_answered"})
    )
)
register(
    ScoreMethod(
        "count_endorsed",
        compute_count_endorsed,
        range_count,
        integral=True,
        optional=frozenset({"at_least"}),
    )
)
register(
    ScoreMethod(
        "positive_mean",
        compute_positive_mean,
        range_positive_mean,
        integral=False,
        required=frozenset({"at_least"}),
    )
)
register(ScoreMethod("none", compute_none, range_none, integral=True))


CompletenessRule = Callable[[Sequence[str], Fraction | None, Mapping[str, Fraction | None]], bool]


def complete_when_all_answered(
    missing: Sequence[str], total: Fraction | None, subscales: Mapping[str, Fraction | None]
) -> bool:
    """Complete only when no applicable item is missing (the default)."""
    return not missing


def complete_when_total_scored(
    missing: Sequence[str], total: Fraction | None, subscales: Mapping[str, Fraction | None]
) -> bool:
    """Complete when the total could be scored (with a published proration rule)."""
    return total is not None


def complete_when_all_subscales_scored(
    missing: Sequence[str], total: Fraction | None, subscales: Mapping[str, Fraction | None]
) -> bool:
    """Complete when every subscale has a value (published per-scale minimums, e.g. CBI)."""
    return all(value is not None for value in subscales.values())


COMPLETENESS_RULES: dict[str, CompletenessRule] = {
    "all_answered": complete_when_all_answered,
    "total_scored": complete_when_total_scored,
    "all_subscales_scored": complete_when_all_subscales_scored,
}
