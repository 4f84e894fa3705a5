"""Shared helpers for the instrument tests (no database, no Flask)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from wellbeing.instruments import Definition, Item, load_catalogue
from wellbeing.instruments.conditions import evaluate
from wellbeing.instruments.registry import BUILTIN_DIR

BUILTIN = load_catalogue([BUILTIN_DIR])
INSTRUMENT_IDS = sorted(BUILTIN.definitions)
Answers = dict[str, int | None]


def definition(instrument_id: str) -> Definition:
    """A built-in definition by id."""
    return BUILTIN.get(instrument_id)


def build_answers(defn: Definition, choose: Callable[[Item], int | None]) -> Answers:
    """Answer every item the skip logic asks, in order, with ``choose(item)``."""
    answers: Answers = {}
    for item in defn.items:
        if item.ask_when is not None and evaluate(item.ask_when, answers, {}) is False:
            continue
        answers[item.id] = choose(item)
    return answers


def all_min(defn: Definition) -> Answers:
    """Lowest value on every asked, scored item (optional items left blank)."""
    return build_answers(defn, lambda item: None if item.optional else min(item.values))


def all_max(defn: Definition) -> Answers:
    """Highest value on every asked, scored item (optional items left blank)."""
    return build_answers(defn, lambda item: None if item.optional else max(item.values))


def item_score(defn: Definition, item: Item, value: int) -> int:
    """The score of a value after reversal."""
    if item.id in defn.reverse_items:
        return min(item.values) + max(item.values) - value
    return value


def answers_for_total(defn: Definition, target: Fraction) -> Answers | None:
    """Answers (all asked items answered) whose total is ``target``, or None if unreachable.

    Depth-first search over items in order, pruned by the remaining score bounds, with the
    contribution of an item score depending on the total's method NAME (sum, scaled_sum,
    count_endorsed, prorated_sum) — not on the instrument.
    """
    total = defn.total
    assert total is not None
    factor = total.params.get("factor", Fraction(1)) if total.method == "scaled_sum" else 1
    raw_target = target / factor
    at_least = total.params.get("at_least", Fraction(1))

    def contribution(score: int) -> int:
        return int(score >= at_least) if total.method == "count_endorsed" else score

    counted = set(total.items)
    items = [item for item in defn.items if not item.optional]
    bounds = []
    for index in range(len(items)):
        rest = [i for i in items[index:] if i.id in counted]
        low = sum(min(contribution(item_score(defn, i, v)) for v in i.values) for i in rest)
        high = sum(max(contribution(item_score(defn, i, v)) for v in i.values) for i in rest)
        bounds.append((min(low, 0), high))
    bounds.append((0, 0))

    def search(index: int, answers: Answers, acc: int) -> Answers | None:
        if index == len(items):
            return dict(answers) if acc == raw_target else None
        low, high = bounds[index]
        if not acc + low <= raw_target <= acc + high:
            return None
        item = items[index]
        if item.ask_when is not None and evaluate(item.ask_when, answers, {}) is False:
            skipped = item.score_when_skipped or 0
            gain = contribution(item_score(defn, item, skipped)) if item.id in counted else 0
            return search(index + 1, answers, acc + gain)
        for value in sorted(item.values, reverse=True):
            gain = contribution(item_score(defn, item, value)) if item.id in counted else 0
            answers[item.id] = value
            found = search(index + 1, answers, acc + gain)
            if found is not None:
                return found
            del answers[item.id]
        return None

    return search(0, {}, 0)
