"""The station's past activity for the demo bureau, so its activity report has released figures.

For each of the last four full months (from the start of the quarter the first of them is in,
so that quarter is released too): counselling sessions attended (several in most teams, a
few missed), one or two group sessions with their attendance, and article reads per team —
written as the services leave their rows once the work is done. The referrals the report counts
are the demo history's (`screening`, `casework`), worked through the referral services. Drawn
from a seeded generator; idempotent: nothing is added once the counsellors have a session in
those months.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.appointments.models import Appointment, Mode, Slot, SlotStatus, Status
from wellbeing.groups.models import GroupAttendance, GroupSession
from wellbeing.library.models import Article, ArticleReadCount, ArticleStatus
from wellbeing.org.models import Role, Unit, User

MONTHS = 4
COUNSELLORS = ("counsellor1", "counsellor2")
ROOM = "心理健康服务站 1 号咨询室"
GROUPS = (
    ("压力管理团体辅导", "Managing stress: a group session", "stress", "BUR"),
    ("睡眠与倒班", "Sleep and shift work", "sleep", "ST1"),
    ("情绪调节工作坊", "Handling strong feelings: a workshop", "emotions", "ST2"),
)


def create_demo_activity(session: Session, now: datetime) -> bool:
    """Write the last four full months' activity; False when it is there already (or the demo
    organisation is not)."""
    counsellors = list(session.scalars(select(User).where(User.username.in_(COUNSELLORS))))
    this_month = datetime(now.year, now.month, 1, tzinfo=UTC)
    first = _add_months(this_month, -MONTHS)
    first = first.replace(month=(first.month - 1) // 3 * 3 + 1)  # whole quarters: one releases
    months = []
    while first < this_month:
        months.append(first)
        first = _add_months(first, 1)
    if not counsellors or _has_history(session, counsellors, months[0], this_month):
        return False
    teams = _teams(session)
    if not teams:
        return False
    rng = random.Random(20261206)  # noqa: S311 - demo data, not security
    articles = list(
        session.scalars(
            select(Article.id)
            .where(Article.status == ArticleStatus.PUBLISHED.value)
            .order_by(Article.slug, Article.id)  # ids are random: the slugs keep it seeded
        )
    )
    for number, month in enumerate(months):
        _counselling(session, rng, counsellors, teams, month)
        _groups(session, rng, counsellors[0], teams, month, number)
        _reads(session, rng, articles, teams, month)
    session.flush()
    return True


def _has_history(session: Session, counsellors: list[User], start: datetime, end: datetime) -> bool:
    query = select(Slot.id).where(
        Slot.counsellor_id.in_([c.id for c in counsellors]),
        Slot.starts_at >= start,
        Slot.starts_at < end,
    )
    return session.scalars(query.limit(1)).first() is not None


def _teams(session: Session) -> dict[int, list[User]]:
    """The officers of each unit with officers, by unit id (stable order)."""
    officers = [
        user
        for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
        if user.has_role(Role.OFFICER)
    ]
    teams: dict[int, list[User]] = {}
    for officer in officers:
        teams.setdefault(officer.unit_id, []).append(officer)
    return teams


def _workday(rng: random.Random, month: datetime, hour: int) -> datetime:
    """A weekday of the month at ``hour`` (UTC)."""
    while True:
        day = month + timedelta(days=rng.randint(0, 27), hours=hour)
        if day.weekday() < 5:
            return day


def _counselling(
    session: Session,
    rng: random.Random,
    counsellors: list[User],
    teams: dict[int, list[User]],
    month: datetime,
) -> None:
    """Most teams: several people seen, some more than once; a few missed sessions."""
    for members in teams.values():
        seen = rng.sample(members, min(len(members), rng.randint(2, 6)))
        for officer in seen:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                _session(session, rng, rng.choice(counsellors), officer, month, Status.ATTENDED)
        if rng.random() < 0.4:
            _session(
                session, rng, rng.choice(counsellors), rng.choice(members), month, Status.NO_SHOW
            )


def _session(
    session: Session,
    rng: random.Random,
    counsellor: User,
    officer: User,
    month: datetime,
    status: Status,
) -> None:
    starts = _workday(rng, month, rng.choice((1, 2, 6, 7)))  # 09:00-15:00 in Beijing
    slot = Slot(
        counsellor_id=counsellor.id,
        unit_id=counsellor.unit_id,
        starts_at=starts,
        minutes=50,
        mode=rng.choice((Mode.IN_PERSON, Mode.IN_PERSON, Mode.PHONE, Mode.VIDEO)).value,
        place=ROOM,
        status=SlotStatus.BOOKED.value,
        created_at=starts - timedelta(days=10),
    )
    session.add(slot)
    session.flush()
    session.add(
        Appointment(
            slot_id=slot.id,
            officer_id=officer.id,
            booked_by=officer.id,
            status=status.value,
            booked_at=starts - timedelta(days=rng.randint(1, 7)),
            closed_at=starts + timedelta(hours=1),
        )
    )


def _groups(
    session: Session,
    rng: random.Random,
    counsellor: User,
    teams: dict[int, list[User]],
    month: datetime,
    number: int,
) -> None:
    """One or two group sessions, each with 8-14 officers present."""
    everyone = [officer for members in teams.values() for officer in members]
    for index in range(1 + number % 2):
        title_zh, title_en, topic, unit_code = GROUPS[(number + index) % len(GROUPS)]
        unit = session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            continue
        group = GroupSession(
            title_zh=title_zh,
            title_en=title_en,
            topic=topic,
            starts_at=_workday(rng, month, 6),
            place="市局心理健康服务站团辅室",
            capacity=15,
            unit_id=unit.id,
            created_by=counsellor.id,
        )
        session.add(group)
        session.flush()
        for officer in rng.sample(everyone, min(len(everyone), rng.randint(8, 14))):
            session.add(GroupAttendance(session_id=group.id, user_id=officer.id))


def _reads(
    session: Session,
    rng: random.Random,
    articles: list[str],
    teams: dict[int, list[User]],
    month: datetime,
) -> None:
    """Each team read two or three articles a few times each."""
    key = f"{month:%Y-%m}"
    for unit_id in teams:
        for article_id in rng.sample(articles, min(len(articles), rng.randint(2, 3))):
            session.add(
                ArticleReadCount(
                    article_id=article_id, unit_id=unit_id, month=key, n=rng.randint(2, 9)
                )
            )


def _add_months(day: datetime, months: int) -> datetime:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
