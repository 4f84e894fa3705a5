"""Drafts: unsubmitted answers, sealed, resumable on another device."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.orm import Session

from wellbeing.core.batched import write_last
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.screening.models import Draft

_DRAFTS = cast(Table, Draft.__table__)
_DISCARD = delete(_DRAFTS).where(_DRAFTS.c.form_key == bindparam("key"))  # a template

Answers = dict[str, int | None]


def form_key(officer: User, instrument_id: str, assignment_id: int | None) -> str:
    """One draft per officer, instrument and assignment (0: a voluntary self-check)."""
    return f"{officer.id}:{instrument_id}:{assignment_id or 0}"


def load_draft(
    session: Session, officer: User, instrument_id: str, assignment_id: int | None
) -> Answers:
    """The saved answers for this form (empty when there is no draft)."""
    draft = session.scalars(
        select(Draft).where(Draft.form_key == form_key(officer, instrument_id, assignment_id))
    ).one_or_none()
    if draft is None:
        return {}
    answers: Answers = draft.answers
    return dict(answers)


def save_draft(
    session: Session,
    officer: User,
    instrument_id: str,
    assignment_id: int | None,
    answers: Mapping[str, int | None],
    *,
    replace: bool = False,
) -> Answers:
    """Merge answers into the form's draft (sealed), or with `replace` make them the whole
    draft; return the whole draft."""
    key = form_key(officer, instrument_id, assignment_id)
    draft = session.scalars(select(Draft).where(Draft.form_key == key)).one_or_none()
    if draft is None:
        draft = Draft(
            officer_id=officer.id,
            form_key=key,
            instrument_id=instrument_id,
            assignment_id=assignment_id,
            answers={},
        )
        session.add(draft)
    merged: Answers = dict(answers) if replace else {**draft.answers, **answers}
    draft.answers = merged
    draft.updated_at = utcnow()
    session.flush()
    return merged


def discard_draft(
    session: Session, officer: User, instrument_id: str, assignment_id: int | None
) -> None:
    """Delete the form's draft (after submission).

    A Core DELETE on the session's connection (or with the block's other last writes, inside
    `written_last`): no ORM bookkeeping on every submission's path (a draft loaded in this
    session, which the submission path never does, would go stale).
    """
    write_last(session, _DISCARD, {"key": form_key(officer, instrument_id, assignment_id)})
