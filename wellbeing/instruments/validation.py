"""Answer validation with structured, per-item problems the CLI, web and API all reuse.

Skip logic: an item whose ``ask_when`` is false for the given answers is *skipped*. Skipped
items are never missing, and an answer given to a skipped item is refused
(``answered_but_skipped``) rather than ignored — a C-SSRS "yes" to q4 after "no" to q2 is a
contradiction a counsellor must not have silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from wellbeing.instruments.conditions import evaluate, referenced_items
from wellbeing.instruments.model import Definition

Answers = Mapping[str, int | None]

UNKNOWN_ITEM = "unknown_item"
NOT_AN_OPTION = "not_an_option"
TOO_MANY_VALUES = "too_many_values"
ANSWERED_BUT_SKIPPED = "answered_but_skipped"
CRITICAL_ITEM_MISSING = "critical_item_missing"


@dataclass(frozen=True)
class AnswerProblem:
    """One bad answer: a code, the item (None for too_many_values), the value, allowed values."""

    code: str
    item: str | None
    value: object
    allowed: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        """A plain English sentence naming the item and the allowed values."""
        allowed = ", ".join(str(value) for value in self.allowed)
        if self.code == UNKNOWN_ITEM:
            return f"unknown item {self.item!r}"
        if self.code == TOO_MANY_VALUES:
            return f"too many values: {self.value}"
        if self.code == ANSWERED_BUT_SKIPPED:
            return f"item {self.item} is skipped by the earlier answers; leave it unanswered"
        if self.code == CRITICAL_ITEM_MISSING:
            return f"item {self.item} decides a critical flag and must be answered"
        return f"item {self.item}: {self.value!r} is not an option; allowed values: {allowed}"


class AnswerError(ValueError):
    """Answers were refused; ``problems`` lists every bad answer."""

    def __init__(self, instrument: str, problems: list[AnswerProblem]) -> None:
        self.instrument = instrument
        self.problems = tuple(problems)
        super().__init__(f"{instrument}: " + "; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class ResolvedAnswers:
    """Answers with skip logic applied: values used for scoring, skipped and missing items."""

    values: Mapping[str, int | None]
    skipped: tuple[str, ...]
    missing: tuple[str, ...]


def resolve_answers(definition: Definition, answers: Answers) -> ResolvedAnswers:
    """Apply skip logic in item order; skipped items take ``score_when_skipped``."""
    values: dict[str, int | None] = {}
    skipped: list[str] = []
    missing: list[str] = []
    for item in definition.items:
        asked = item.ask_when is None or evaluate(item.ask_when, values, {}) is not False
        if not asked:
            skipped.append(item.id)
            values[item.id] = item.score_when_skipped
            continue
        values[item.id] = answers.get(item.id)
        if values[item.id] is None and not item.optional:
            missing.append(item.id)
    return ResolvedAnswers(values, tuple(skipped), tuple(missing))


def find_problems(definition: Definition, answers: Answers) -> list[AnswerProblem]:
    """Return every problem with the answers (empty when they are acceptable)."""
    problems = [
        AnswerProblem(UNKNOWN_ITEM, key, answers[key])
        for key in answers
        if key not in definition.item_ids
    ]
    problems.extend(_option_problems(definition, answers))
    if not problems:
        problems.extend(_skip_problems(definition, answers))
    return problems


def _option_problems(definition: Definition, answers: Answers) -> Iterator[AnswerProblem]:
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            yield AnswerProblem(NOT_AN_OPTION, item.id, value, item.values)


def _skip_problems(definition: Definition, answers: Answers) -> Iterator[AnswerProblem]:
    resolved = resolve_answers(definition, answers)
    for item_id in resolved.skipped:
        if answers.get(item_id) is not None:
            yield AnswerProblem(ANSWERED_BUT_SKIPPED, item_id, answers[item_id])


def validate_answers(definition: Definition, answers: Answers) -> None:
    """Raise AnswerError listing every problem; return None when the answers are acceptable."""
    problems = find_problems(definition, answers)
    if problems:
        raise AnswerError(definition.id, problems)


def critical_items(definition: Definition) -> tuple[str, ...]:
    """Items a submission must answer: those a critical flag reads, and the items whose
    answers decide whether those are asked (C-SSRS q2 gates q4 and q5), in item order.

    A flag is raised only when its condition is true, so an unanswered item 9 of the PHQ-9
    could never raise `suicidal_ideation`: the crisis rule would silently not fire.
    """
    wanted: set[str] = set()
    for flag in definition.flags:
        if flag.critical:
            wanted.update(referenced_items(flag.when))
    pending = list(wanted)
    while pending:  # add the gates of every wanted item, and the gates of those gates
        item = definition.item(pending.pop())
        if item.ask_when is not None:
            for gate in referenced_items(item.ask_when):
                if gate not in wanted:
                    wanted.add(gate)
                    pending.append(gate)
    return tuple(item_id for item_id in definition.item_ids if item_id in wanted)


def missing_critical_items(definition: Definition, answers: Answers) -> list[AnswerProblem]:
    """A `critical_item_missing` problem for each critical item that is asked but unanswered.

    An item whose skip condition is still unknown is not reported: its gate (itself critical)
    is, so the officer is asked one question at a time, as the form would ask them.
    """
    values: dict[str, int | None] = {}
    problems: list[AnswerProblem] = []
    required = set(critical_items(definition))
    for item in definition.items:
        value = answers.get(item.id)
        asked = item.ask_when is None or evaluate(item.ask_when, values, {}) is True
        values[item.id] = value if asked else item.score_when_skipped
        if asked and value is None and item.id in required:
            problems.append(AnswerProblem(CRITICAL_ITEM_MISSING, item.id, None))
    return problems


def require_critical_items(definition: Definition, answers: Answers) -> None:
    """Raise AnswerError naming each unanswered critical item (a submission, not a draft)."""
    problems = missing_critical_items(definition, answers)
    if problems:
        raise AnswerError(definition.id, problems)


def parse_answer_list(definition: Definition, text: str) -> dict[str, int | None]:
    """Parse ``"v1,v2,…"`` in item order: empty field = unanswered, short list = rest unanswered.

    Raises AnswerError (too_many_values, not_an_option) before any scoring happens.
    """
    fields = text.split(",") if text.strip() else []
    items = definition.items
    problems: list[AnswerProblem] = []
    if len(fields) > len(items):
        names = ", ".join(definition.item_ids)
        shown = f"got {len(fields)} values, {definition.id} has {len(items)} items ({names})"
        problems.append(AnswerProblem(TOO_MANY_VALUES, None, shown))
    answers: dict[str, int | None] = {}
    for item, field in zip(items, fields, strict=False):
        stripped = field.strip()
        if not stripped:
            answers[item.id] = None
        elif stripped.lstrip("-").isdigit():
            answers[item.id] = int(stripped)
        else:
            problems.append(AnswerProblem(NOT_AN_OPTION, item.id, stripped, item.values))
    if problems:
        raise AnswerError(definition.id, problems)
    return answers
