"""Attendees' optional feedback on a group session, kept only as counts and reported only as
aggregates under the disclosure control of screening reports.

The questionnaire is data (`questionnaires/feedback/group_feedback.yaml`, checked by the same
instrument checks as the screening files, but outside the screening catalogue). An answer adds
one to a per-session counter (no user id); the attendance row records only that feedback was
given, so each attendee answers once. No audit entry is written for feedback: it would tie a
time and a person to the counters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wellbeing.groups.errors import FeedbackClosed, GroupError
from wellbeing.groups.models import GroupAttendance, GroupFeedbackCount, GroupSession
from wellbeing.groups.service import lock_group
from wellbeing.instruments import AnswerError, Definition, load_definition, validate_answers
from wellbeing.instruments.registry import BUILTIN_DIR
from wellbeing.org.models import User
from wellbeing.reports.disclosure import Cell, UnitResults, protect_table

FEEDBACK_FILE = BUILTIN_DIR / "feedback" / "group_feedback.yaml"


@cache
def feedback_definition() -> Definition:
    """The feedback questionnaire (loaded and checked once)."""
    return load_definition(FEEDBACK_FILE)


def may_give_feedback(session: Session, group: GroupSession, officer: User) -> bool:
    """An attendee who has not given feedback yet."""
    query = select(GroupAttendance.feedback_given).where(
        GroupAttendance.session_id == group.id, GroupAttendance.user_id == officer.id
    )
    given = session.scalars(query).first()
    return given is False


def give_feedback(
    session: Session, group: GroupSession, officer: User, answers: Mapping[str, object]
) -> None:
    """Count one attendee's answers; FeedbackClosed for anyone else or a second time."""
    definition = feedback_definition()
    typed = {
        item: value
        for item, value in answers.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    if set(typed) != {item.id for item in definition.items} or len(typed) != len(answers):
        raise GroupError("answers must answer every item", "answers")
    try:
        validate_answers(definition, typed)
    except AnswerError:
        raise GroupError("answers must be options of the items", "answers") from None
    claimed = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(GroupAttendance)
        .where(
            GroupAttendance.session_id == group.id,
            GroupAttendance.user_id == officer.id,
            GroupAttendance.feedback_given.is_(False),
        )
        .values(feedback_given=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise FeedbackClosed()
    lock_group(session, group)  # counters change one writer at a time
    for item, value in sorted(typed.items()):
        _add_one(session, group, item, value)
    session.flush()


def _add_one(session: Session, group: GroupSession, item: str, value: int) -> None:
    row = session.scalars(
        select(GroupFeedbackCount).where(
            GroupFeedbackCount.session_id == group.id,
            GroupFeedbackCount.item == item,
            GroupFeedbackCount.value == value,
        )
    ).first()
    if row is None:
        session.add(GroupFeedbackCount(session_id=group.id, item=item, value=value, count=1))
    else:
        row.count += 1


@dataclass(frozen=True)
class ItemSummary:
    """One item's answers: how many chose each option, each count shown or hidden."""

    item: str
    options: tuple[tuple[int, Cell], ...]


@dataclass(frozen=True)
class FeedbackSummary:
    """How many answered (shown or hidden) and, per item, the protected option counts."""

    n: Cell
    items: tuple[ItemSummary, ...]


def feedback_summary(session: Session, group: GroupSession, k: int) -> FeedbackSummary:
    """The counts, protected as screening reports are (small counts and one-answer rows hidden)."""
    definition = feedback_definition()
    query = select(GroupFeedbackCount).where(GroupFeedbackCount.session_id == group.id)
    counts: dict[str, dict[str, int]] = {}
    for stored in session.scalars(query):
        counts.setdefault(stored.item, {})[str(stored.value)] = stored.count
    items, n = [], Cell(0)
    for item in definition.items:
        values = [str(value) for value in item.values]
        own = UnitResults(code=group.id, parent=None, bands=counts.get(item.id, {}))
        [row] = protect_table([own], values, k).rows
        n = row.n
        options = tuple((int(value), row.bands[value]) for value in values)
        items.append(ItemSummary(item.id, options))
    return FeedbackSummary(n, tuple(items))
