"""Screening errors in the user's language (shared by the pages and the API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext

from wellbeing.instruments import AnswerProblem
from wellbeing.instruments.validation import (
    ANSWERED_BUT_SKIPPED,
    CRITICAL_ITEM_MISSING,
    NOT_AN_OPTION,
    TOO_MANY_VALUES,
    UNKNOWN_ITEM,
)
from wellbeing.screening.errors import (
    AssignmentUnavailable,
    ConsentRequired,
    ConsentVersionStale,
    IdempotencyConflict,
    InvalidAnswers,
    InvalidDraft,
    NotOffered,
    ScreeningError,
)


def _(text: str, **values: object) -> str:
    return str(gettext(text, **values))


def screening_error_message(exc: ScreeningError) -> str:
    """One sentence for the user."""
    if isinstance(exc, NotOffered):
        return _("This questionnaire is not offered.")
    if isinstance(exc, ConsentRequired):
        return _("Please read and accept the consent statement first.")
    if isinstance(exc, ConsentVersionStale):
        return _("The consent text has changed; please read the current version and agree to it.")
    if isinstance(exc, InvalidDraft):
        return _("Some answers are not valid; the draft was not saved.")
    if isinstance(exc, AssignmentUnavailable):
        return _("This screening is no longer open or was already submitted.")
    if isinstance(exc, IdempotencyConflict):
        return _("This submission key was already used with different answers.")
    if isinstance(exc, InvalidAnswers):
        return _("Some answers are not valid; nothing was saved.")
    return str(exc)


def problem_message(problem: AnswerProblem) -> str:
    """A bad answer explained, naming the item and the allowed values."""
    allowed = ", ".join(str(value) for value in problem.allowed)
    if problem.code == UNKNOWN_ITEM:
        return _("There is no item %(item)s in this questionnaire.", item=problem.item)
    if problem.code == TOO_MANY_VALUES:
        return _("More answers were given than the questionnaire has items.")
    if problem.code == ANSWERED_BUT_SKIPPED:
        return _(
            "Item %(item)s is skipped because of an earlier answer; leave it empty.",
            item=problem.item,
        )
    if problem.code == CRITICAL_ITEM_MISSING:
        return _(
            "Item %(item)s needs an answer before you submit: it helps the station offer "
            "support quickly to anyone who needs it.",
            item=problem.item,
        )
    if problem.code == NOT_AN_OPTION:
        return _(
            "Item %(item)s: %(value)s is not one of the allowed values (%(allowed)s).",
            item=problem.item,
            value=problem.value,
            allowed=allowed,
        )
    return _("Item %(item)s is not valid.", item=problem.item)


def problem_messages(problems: Iterable[AnswerProblem]) -> list[dict[str, Any]]:
    """Each bad answer as {"item", "code", "allowed", "message"} (the value is not echoed)."""
    return [
        {
            "item": problem.item,
            "code": problem.code,
            "allowed": list(problem.allowed),
            "message": problem_message(problem),
        }
        for problem in problems
    ]


def required_item_hint() -> str:
    """Why a critical item must be answered, said kindly (shown next to the question)."""
    return _("Please answer this question: it helps us offer you support quickly if you need it.")
