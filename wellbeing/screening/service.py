"""The submission pipeline: validate, score, seal, and commit everything a submission causes in
one transaction (the caller's): the submission, its assignment's progress, the draft's removal,
and — through the rules, referral and report steps — referrals, outbox messages and facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from wellbeing.audit.service import appended_last
from wellbeing.audit.service import record as audit
from wellbeing.core.batched import template_insert, write_last
from wellbeing.core.clock import utcnow
from wellbeing.core.db import writing
from wellbeing.crypto.errors import UNREADABLE_ERRORS
from wellbeing.instruments import (
    AnswerError,
    Catalogue,
    Definition,
    Result,
    require_critical_items,
    score,
)
from wellbeing.org.models import User
from wellbeing.screening.admission import Admission, admission
from wellbeing.screening.consequences import Consequences, apply_consequences, foresee
from wellbeing.screening.drafts import discard_draft
from wellbeing.screening.errors import (
    AssignmentUnavailable,
    ConsentRequired,
    IdempotencyConflict,
    InvalidAnswers,
    NotOffered,
    ScreeningError,
)
from wellbeing.screening.models import Assignment, AssignmentStatus, Submission
from wellbeing.screening.policy import ScreeningPolicy
from wellbeing.screening.progress import record_progress

Answers = Mapping[str, int | None]


@dataclass(frozen=True)
class SubmissionOutcome:
    """What the officer is told: the stored submission, its result, and whether it was a replay."""

    submission: Submission
    result: dict[str, Any]
    crisis: bool
    referral: dict[str, Any] | None
    replayed: bool
    follow_ups: list[dict[str, Any]] = field(default_factory=list)


def offered_definition(catalogue: Catalogue, instrument_id: str) -> Definition:
    """The definition of an instrument officers may be given, or NotOffered."""
    if instrument_id not in catalogue:
        raise NotOffered(instrument_id)
    definition = catalogue.get(instrument_id)
    if not definition.texts_supplied:
        raise NotOffered(instrument_id)
    return definition


def critical_flags(definition: Definition, result: Result) -> list[str]:
    """The raised flags the instrument marks critical (they show crisis contacts at once)."""
    critical = {flag.id for flag in definition.flags if flag.critical}
    return [flag for flag in result.flags if flag in critical]


def score_answers(definition: Definition, answers: Answers) -> Result:
    """Validate and score a submission; bad answers become InvalidAnswers naming each item.

    Unlike a draft, a submission must answer every critical item (`require_critical_items`).
    """
    try:
        result = score(definition, answers)  # score() validates first
        require_critical_items(definition, answers)
        return result
    except AnswerError as exc:
        raise InvalidAnswers(exc) from None


def submit(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    *,
    instrument_id: str,
    answers: Answers,
    idempotency_key: str,
    assignment_id: int | None = None,
) -> SubmissionOutcome:
    """Store one submission and everything it causes, in the caller's transaction.

    A retry with the same idempotency key and answers returns the original outcome and
    creates nothing; the same key with other answers raises IdempotencyConflict.

    The key is looked up only when the submission cannot be stored as new — its assignment is
    already done, consent was since withdrawn, or the (officer, key) unique constraint refuses
    the row — so a first attempt, by far the common case, costs no lookup. When the constraint
    refuses it (a retry of a voluntary check, or a concurrent request with the same key that
    won the race), the caller's transaction is rolled back before the original is read: the
    caller must not have written anything of its own before calling this.

    What the submission causes is foreseen before that INSERT, by reads only (the rules are
    pure; the referral it opens or joins is read with the officer's unit), so the payload —
    with the referral's id and priority and the follow-ups offered — is sealed and written once;
    only an assigned follow-up (its assignment id comes from the database) seals it again.
    Unless a follow-up is assigned, the INSERT goes with the last writes (`core.batched`: one
    round trip on PostgreSQL), so the constraint may refuse it there.
    """
    try:
        definition, result, admitted = _admissible(
            session, policy, officer, instrument_id, answers, assignment_id
        )
    except ScreeningError:  # a retry of a submission that since used up its assignment, …
        previous = find_by_key(session, officer, idempotency_key)
        if previous is None:
            raise
        return replay(previous, instrument_id, answers)
    assignment = admitted.assignment
    critical = bool(critical_flags(definition, result))
    foreseen = foresee(session, policy, officer, result, critical, admitted.previous_total)
    submission = Submission(
        officer_id=officer.id,
        instrument_id=definition.id,
        instrument_version=definition.version,
        definition_hash=definition.content_hash,
        assignment_id=assignment.id if assignment else None,
        wave_id=assignment.wave_id if assignment else None,
        idempotency_key=idempotency_key,
        submitted_at=utcnow(),
    )
    payload = {"answers": dict(answers), "result": result.to_record(), "crisis": critical}
    submission.payload = _told(payload, critical, foreseen.told)  # sealed once, bound to its id
    row = _column_values(submission)
    # An assigned follow-up reseals the row through the unit of work: it is written first.
    # Otherwise it goes with the last writes (a referral's link to it is one of them).
    first = foreseen.assigns
    try:  # the unique (officer, key) constraint speaks at the INSERT
        if first:
            session.connection().execute(_INSERT_SUBMISSION, row)
        make_transient_to_detached(submission)  # the session tracks it as a stored row
        session.add(submission)
        with appended_last(session):  # the last writes, and the audit entry, in one round trip
            if not first:
                write_last(session, _INSERT_SUBMISSION, row)
            if assignment is not None:
                record_progress(session, assignment, definition.id)
            discard_draft(session, officer, definition.id, assignment.id if assignment else None)
            caused = apply_consequences(
                session, policy, officer, definition, result, submission, assignment, foreseen
            )
            if caused != foreseen.told:  # an assigned follow-up's id exists only now: resealed
                submission.payload = _told(payload, critical, caused)
    except IntegrityError:  # a retry of a voluntary check, or the same key sent twice at once
        session.rollback()
        previous = find_by_key(session, officer, idempotency_key)
        if previous is None:
            raise
        return replay(previous, instrument_id, answers)
    return SubmissionOutcome(
        submission, result.to_dict(), caused.crisis, caused.referral, False, caused.follow_ups
    )


def _told(payload: dict[str, Any], critical: bool, told: Consequences) -> dict[str, Any]:
    """The sealed payload: what was scored, and what the officer was told beyond the score."""
    if told.crisis == critical and not told.referral and not told.follow_ups:
        return payload
    extra = {"crisis": told.crisis, "referral": told.referral, "follow_ups": told.follow_ups}
    return {**payload, **extra}


_SUBMISSIONS = cast(Table, Submission.__table__)
_INSERT_SUBMISSION = template_insert(_SUBMISSIONS)  # built once: Core, not a unit of work


def _column_values(submission: Submission) -> dict[str, Any]:
    return {column.key: getattr(submission, column.key) for column in _SUBMISSIONS.columns}


def _admissible(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    instrument_id: str,
    answers: Answers,
    assignment_id: int | None,
) -> tuple[Definition, Result, Admission]:
    """Check consent, the instrument, the answers and the assignment, in that order; nothing
    is written. Scoring is pure and comes first: on SQLite the write lock is taken at the
    request's first statement (admission's read), and every other writer waits while it is
    held. What scoring finds wrong is told only after consent is checked, as before."""
    refused: ScreeningError | None = None
    try:
        definition = offered_definition(policy.catalogue, instrument_id)
        result = score_answers(definition, answers)
    except ScreeningError as exc:
        refused = exc
    admitted = admission(session, officer.id, instrument_id, assignment_id)
    if not admitted.consented:
        raise ConsentRequired
    if refused is not None:
        raise refused
    assignment = admitted.assignment
    if assignment_id is not None and (assignment is None or not assignment.asks_for(instrument_id)):
        raise AssignmentUnavailable
    return definition, result, admitted


def find_submission(session: Session, submission_id: str) -> Submission | None:
    """The submission with this id, if any (whose it is: `permissions.may_see_result`)."""
    return session.get(Submission, submission_id)


def find_assignment(session: Session, assignment_id: int) -> Assignment | None:
    """The assignment with this id, if any (whose it is: `permissions.may_answer`)."""
    return session.get(Assignment, assignment_id)


def find_by_key(session: Session, officer: User, idempotency_key: str) -> Submission | None:
    """The officer's submission made with this idempotency key, if any."""
    return session.scalars(
        select(Submission).where(
            Submission.officer_id == officer.id, Submission.idempotency_key == idempotency_key
        )
    ).one_or_none()


def replay(previous: Submission, instrument_id: str, answers: Answers) -> SubmissionOutcome:
    """The original outcome for a retried request, or a conflict when it differs."""
    payload = previous.opened()
    same_answers = {k: v for k, v in payload["answers"].items()} == dict(answers)
    if previous.instrument_id != instrument_id or not same_answers:
        raise IdempotencyConflict
    result = {k: v for k, v in payload["result"].items() if k in CONTRACT_FIELDS}
    return SubmissionOutcome(
        previous,
        result,
        bool(payload["crisis"]),
        payload.get("referral"),
        True,
        payload.get("follow_ups", []),
    )


CONTRACT_FIELDS = (
    "instrument",
    "version",
    "complete",
    "total",
    "band",
    "subscales",
    "flags",
    "missing",
)


def pending_assignments(session: Session, officer: User) -> list[Assignment]:
    """The officer's open assignments, soonest closing first."""
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.officer_id == officer.id,
                Assignment.status == AssignmentStatus.PENDING.value,
            )
            .order_by(Assignment.closes_at)
        )
    )


def own_submissions(session: Session, officer: User) -> list[Submission]:
    """The officer's own submissions, oldest first."""
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.officer_id == officer.id)
            .order_by(Submission.submitted_at, Submission.id)
        )
    )


def readable_views(
    session: Session, officer: User, submissions: list[Submission]
) -> list[dict[str, Any]]:
    """Each submission as its officer sees it; one that cannot be opened is listed as such
    (and audited, in a write transaction of its own and committed, so a reading request takes
    the write lock only then) and the officer's other records keep working."""
    views, unreadable = [], []
    for submission in submissions:
        try:
            views.append(submission_view(submission))
        except UNREADABLE_ERRORS as exc:
            unreadable.append((submission, exc))
            views.append(
                {
                    "id": submission.id,
                    "instrument": submission.instrument_id,
                    "version": submission.instrument_version,
                    "submitted_at": submission.submitted_at.isoformat(),
                    "assignment_id": submission.assignment_id,
                    "result": None,
                    "answers": None,
                    "unreadable": True,
                }
            )
    if unreadable:
        with writing(session):
            for submission, error in unreadable:
                audit(
                    session,
                    actor=officer,
                    action="crypto.record_unreadable",
                    target_type=error.table or "submissions",
                    target_id=error.record_id or submission.id,
                    detail={"error": type(error).__name__},
                )
    return views


def told_with(submission: Submission) -> tuple[bool, list[dict[str, Any]]]:
    """What the officer was told beside the score: whether to show crisis contacts at once, and
    the stepped follow-ups offered (as stored when the submission was made)."""
    payload = submission.opened()
    return bool(payload.get("crisis")), list(payload.get("follow_ups", []))


def submission_view(submission: Submission) -> dict[str, Any]:
    """A submission as its officer sees it: when, which instrument, the scored result."""
    payload = submission.opened()
    result = {k: v for k, v in payload["result"].items() if k in CONTRACT_FIELDS}
    return {
        "id": submission.id,
        "instrument": submission.instrument_id,
        "version": submission.instrument_version,
        "submitted_at": submission.submitted_at.isoformat(),
        "assignment_id": submission.assignment_id,
        "result": result,
        "answers": payload["answers"],
    }
