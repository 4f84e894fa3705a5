"""Fixtures for the activity report: past activity written as rows, as the services leave them.

`activity` writes what the station did in a month (attended sessions, group sessions and their
attendance, referrals opened/closed/contacted, article reads) for given officers; the release
then counts it like any real month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from wellbeing.appointments.models import Appointment, Slot, SlotStatus, Status
from wellbeing.groups.models import GroupAttendance, GroupSession
from wellbeing.library.models import Article, ArticleReadCount
from wellbeing.org.models import User
from wellbeing.referrals.models import Outcome, Referral, ReferralEvent


@dataclass
class Activity:
    """Writes past activity rows for officers (each call: one event at ``at``)."""

    session: Session
    counsellor: User
    article: Article | None = None

    def counselled(self, officer: User, at: datetime, *, attended: bool = True) -> Appointment:
        """A session held (or missed) at ``at``."""
        slot = Slot(
            counsellor_id=self.counsellor.id,
            unit_id=self.counsellor.unit_id,
            starts_at=at,
            minutes=50,
            mode="in_person",
            status=SlotStatus.BOOKED.value,
        )
        self.session.add(slot)
        self.session.flush()
        status = Status.ATTENDED if attended else Status.NO_SHOW
        appointment = Appointment(
            slot_id=slot.id,
            officer_id=officer.id,
            booked_by=officer.id,
            status=status.value,
            booked_at=at - timedelta(days=2),
            closed_at=at + timedelta(hours=1),
        )
        self.session.add(appointment)
        self.session.flush()
        return appointment

    def group(self, unit_id: int, at: datetime, present: list[User]) -> GroupSession:
        """A group session held for a unit at ``at`` with these officers present."""
        group = GroupSession(
            title_zh="压力管理团辅",
            title_en="Stress management group",
            topic="stress",
            starts_at=at,
            place="服务站活动室",
            capacity=20,
            unit_id=unit_id,
            created_by=self.counsellor.id,
        )
        self.session.add(group)
        self.session.flush()
        for officer in present:
            self.session.add(GroupAttendance(session_id=group.id, user_id=officer.id))
        self.session.flush()
        return group

    def referral(
        self,
        officer: User,
        at: datetime,
        *,
        crisis: bool = False,
        closed: datetime | None = None,
        outcome: Outcome = Outcome.SUPPORT_PROVIDED,
        contact_after: timedelta | None = None,
    ) -> Referral:
        """A referral opened at ``at`` (closed, contacted when asked)."""
        referral = Referral(
            officer_id=officer.id,
            unit_id=officer.unit_id,
            priority="urgent" if crisis else "routine",
            priority_rank=0 if crisis else 2,
            status="closed" if closed else "open",
            crisis=crisis,
            opened_at=at,
            claim_deadline=at + timedelta(hours=24),
            closed_at=closed,
            outcome=outcome.value if closed else None,
        )
        referral.reasons = []
        self.session.add(referral)
        self.session.flush()
        if contact_after is not None:
            self.session.add(
                ReferralEvent(
                    referral_id=referral.id,
                    officer_id=officer.id,
                    actor_id=self.counsellor.id,
                    at=at + contact_after,
                    kind="contact_attempt",
                )
            )
            self.session.flush()
        return referral

    def read(self, unit_id: int, month: str, n: int) -> None:
        """``n`` reads of the article by officers of a unit in a month (YYYY-MM)."""
        assert self.article is not None
        self.session.add(
            ArticleReadCount(article_id=self.article.id, unit_id=unit_id, month=month, n=n)
        )
        self.session.flush()


def at(year: int, month: int, day: int = 10, hour: int = 9) -> datetime:
    """A UTC moment."""
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def activity(db_session: Session, make_user: Callable[..., User]) -> Activity:
    """Past activity, written by a counsellor of the station at ST1."""
    counsellor = make_user("counsellor", unit="ST1", scope="BUR", username="act-counsellor")
    article = Article(
        category="stress",
        status="published",
        title_zh="认识压力",
        title_en="Understanding stress",
        body_zh="正文",
        body_en="Body",
        html_zh="<p>正文</p>",
        html_en="<p>Body</p>",
    )
    db_session.add(article)
    db_session.flush()
    return Activity(db_session, counsellor, article)


@pytest.fixture
def officers(make_user: Callable[..., User]) -> Callable[[str, int], list[User]]:
    """officers("ST1-T1", 6): that many new officers in a unit."""
    counter = iter(range(1, 10_000))

    def build(unit: str, n: int) -> list[User]:
        return [
            make_user("officer", unit=unit, username=f"act-{unit}-{next(counter)}")
            for _ in range(n)
        ]

    return build


__all__: list[Any] = []
