"""An officer's own drafts by instrument, as the API offers them: read, replace, delete.

The pages save a draft a page at a time (`drafts.save_draft`); a client sends the whole draft.
Either way it is the same sealed row, so a questionnaire begun on the phone resumes on the web.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue, Definition
from wellbeing.instruments.validation import ANSWERED_BUT_SKIPPED, AnswerError, find_problems
from wellbeing.org.models import User
from wellbeing.screening.consent import has_consented
from wellbeing.screening.drafts import Answers, discard_draft, load_draft, save_draft
from wellbeing.screening.errors import (
    AssignmentUnavailable,
    ConsentRequired,
    InvalidDraft,
)
from wellbeing.screening.permissions import may_answer
from wellbeing.screening.service import find_assignment, offered_definition


def draft_form(
    session: Session,
    catalogue: Catalogue,
    officer: User,
    instrument_id: str,
    assignment_id: int | None,
) -> Definition:
    """The offered definition of the form (NotOffered), and with an assignment, the officer's
    own open one asking for it (AssignmentUnavailable)."""
    definition = offered_definition(catalogue, instrument_id)
    if assignment_id is not None:
        assignment = find_assignment(session, assignment_id)
        if assignment is None or not may_answer(officer, assignment, definition.id):
            raise AssignmentUnavailable
    return definition


def read_draft(
    session: Session,
    catalogue: Catalogue,
    officer: User,
    instrument_id: str,
    assignment_id: int | None,
) -> Answers:
    """The form's saved answers (empty when there is no draft)."""
    draft_form(session, catalogue, officer, instrument_id, assignment_id)
    return load_draft(session, officer, instrument_id, assignment_id)


def write_draft(
    session: Session,
    catalogue: Catalogue,
    officer: User,
    instrument_id: str,
    assignment_id: int | None,
    answers: Mapping[str, Any],
) -> Answers:
    """Make `answers` the form's whole draft, sealed; ConsentRequired without standing consent,
    InvalidDraft naming each unknown item and each value that is not an option.

    An answer to an item the other answers skip is kept (the pages keep it too): it is only
    refused at submission, so an officer can still change the earlier answer.
    """
    if not has_consented(session, officer.id):
        raise ConsentRequired
    definition = draft_form(session, catalogue, officer, instrument_id, assignment_id)
    problems = [p for p in find_problems(definition, answers) if p.code != ANSWERED_BUT_SKIPPED]
    if problems:
        raise InvalidDraft(AnswerError(definition.id, problems))
    return save_draft(session, officer, instrument_id, assignment_id, answers, replace=True)


def delete_draft(
    session: Session,
    catalogue: Catalogue,
    officer: User,
    instrument_id: str,
    assignment_id: int | None,
) -> None:
    """Delete the form's draft (nothing happens when there is none)."""
    draft_form(session, catalogue, officer, instrument_id, assignment_id)
    discard_draft(session, officer, instrument_id, assignment_id)
