"""Demo screening history: a quarterly campaign of PHQ-9 and GAD-7 whose first two waves are
closed and whose third opened five days ago, answered through the real submission pipeline
(scoring, sealing, rules, referrals, facts), with the station's work on the referrals it raised
(`casework`) and a few officers asking for help on their own — all replayed in time order on the
demo's timeline, relative to now.

Who answers and in which band is drawn per wave and group (`answers`), the same whatever the
day, so the leaders' reports of the closed waves are too. `SHOWCASE` (the officer login the demo
prints) answered both closed waves and has the open one still to do; one officer answered PHQ-9
item 9 as the open wave began (`CRISIS_UNIT`). Idempotent: the campaign is created once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.demo.answers import (
    PHQ9_BANDS,
    answers_in_band,
    band_quota,
    level,
    nearby_band,
    rng_for,
)
from wellbeing.demo.casework import Casework, active_referral_officers
from wellbeing.demo.timeline import Step, Timeline
from wellbeing.org.models import Role, User
from wellbeing.referrals.escalation import escalate_due
from wellbeing.referrals.review import ReviewPolicy
from wellbeing.screening import campaigns
from wellbeing.screening.consent import give_consent
from wellbeing.screening.models import Assignment, Campaign
from wellbeing.screening.policy import ScreeningPolicy
from wellbeing.screening.service import submit

CAMPAIGN_NAME = "示范季度心理健康筛查"
INSTRUMENTS = ("phq9", "gad7")
RESPONSE_RATES = (0.9, 0.85, 0.4)  # closed, closed, open (five days of its fourteen)
OPEN_WAVE_DAYS = 5  # the newest wave opened this many days before now
SHOWCASE = "officer01"
SHOWCASE_LEVEL = 0.3  # low among their team: minimal or mild, no referral
# This week's crisis: the most distressed respondent of this unit in the open wave answers
# PHQ-9 item 9 first thing — handled at once and closed, it waits for the supervisor's review.
CRISIS_UNIT = "ST1"
SELF_REFERRALS = 12  # over the six months: officers asking to talk to someone
COUNSELLORS = ("counsellor1", "counsellor2")
SUPERVISOR = "supervisor"


def create_demo_screenings(
    session: Session, policy: ScreeningPolicy, now: datetime, review: ReviewPolicy | None = None
) -> bool:
    """Replay six months of screening and casework up to `now`; False if done before (or the
    demo organisation is missing). `review` chooses the closed cases supervisors review (the
    instance's policy; by default the default shares with a fixed seed)."""
    if session.scalars(select(Campaign).where(Campaign.name == CAMPAIGN_NAME)).first():
        return False
    wanted = User.username.in_([*COUNSELLORS, SUPERVISOR])
    staff = {user.username: user for user in session.scalars(select(User).where(wanted))}
    if len(staff) < len(COUNSELLORS) + 1:
        return False
    timeline = Timeline(now)
    casework = Casework(
        timeline, policy.deadlines, review or ReviewPolicy(seed=b"wellbeing-demo"),
        tuple(staff[c] for c in COUNSELLORS), staff[SUPERVISOR], rng_for("casework"),
    )  # fmt: skip
    history = _History(policy, casework, rng_for("requests"), now, _officers(session))
    first_open = campaigns.add_months(now - timedelta(days=OPEN_WAVE_DAYS), -6)
    timeline.at(first_open - timedelta(days=7), history.create_campaign(first_open))
    history.plan_self_referrals(first_open)
    timeline.run(session)
    while escalate_due(session, now):  # the escalation job, caught up with now
        pass
    return True


@dataclass
class _History:
    """The campaign's waves and the officers' answers and requests, as timeline steps."""

    policy: ScreeningPolicy
    casework: Casework
    rng: random.Random  # the officers' own requests (self-referrals): who and when
    now: datetime
    officers: list[tuple[int, str]]  # (id, username) of every active officer, by id
    answering: set[int] = field(default_factory=set)  # officers with an answer still to come

    def create_campaign(self, first_open: datetime) -> Step:
        def step(session: Session, _at: datetime) -> None:
            campaign = campaigns.create_campaign(
                session, self.policy.catalogue, name=CAMPAIGN_NAME, unit_code="BUR",
                instruments=list(INSTRUMENTS), opens_at=first_open,
                closes_at=first_open + timedelta(days=14), every_months=3,
            )  # fmt: skip
            length = campaign.closes_at - campaign.opens_at
            for number, rate in enumerate(RESPONSE_RATES):
                opens = campaigns.add_months(first_open, 3 * number)
                self.casework.timeline.at(opens, self._open_wave(number, rate, opens + length))
                self.casework.timeline.at(opens + length, _close_waves)

        return step

    def plan_self_referrals(self, first_open: datetime) -> None:
        """A dozen officers ask to talk to someone (followed up like any referral), and
        one such request, a fortnight ago, was missed: the one overdue referral."""
        for _ in range(SELF_REFERRALS):
            at = self.now - (self.now - first_open) * self.rng.random()
            self.casework.timeline.at(at, self._self_referral(follow=True))
        missed = self.casework.overdue_opening(self.now)
        self.casework.timeline.at(missed, self._self_referral(follow=False))

    def _open_wave(self, number: int, rate: float, closes: datetime) -> Step:
        """Open the wave, choose who answers in each group and in which band, and plan each
        answer at its moment (early in the window more than late, before it closes or now)."""

        def step(session: Session, at: datetime) -> None:
            campaigns.open_due_waves(session, at)
            groups: dict[str, list[Assignment]] = {}  # by unit code
            for assignment in campaigns.open_due_assignments(session, at):
                groups.setdefault(assignment.officer.unit.code, []).append(assignment)
            last = min(closes, self.now) - at - timedelta(hours=1, minutes=30)
            for unit, assignments in sorted(groups.items()):
                chosen = self._respondents(number, rate, closes, unit, assignments)
                crisis = unit == CRISIS_UNIT and closes > self.now
                for place, (assignment, band) in enumerate(chosen, start=1):
                    officer = assignment.officer
                    critical = crisis and place == len(chosen)
                    share = 0 if critical else rng_for("when", number, officer.username).random()
                    self.answering.add(officer.id)
                    respond = self._respond(number, assignment.id, officer.id, band, critical)
                    self.casework.timeline.at(at + timedelta(hours=1) + last * share**2, respond)

        return step

    def _respondents(
        self, number: int, rate: float, closes: datetime, unit: str, group: list[Assignment]
    ) -> list[tuple[Assignment, str]]:
        """Who of a group answers (`SHOWCASE` every closed wave, never the open one; nobody
        whose request was missed) and their PHQ-9 bands, by rank of distress."""
        closed = closes <= self.now
        group = sorted(group, key=lambda a: a.officer.username)
        forced = [a for a in group if a.officer.username == SHOWCASE and closed]
        others = [
            a
            for a in group
            if a.officer.username != SHOWCASE and a.officer_id not in self.casework.missed
        ]
        count = max(round(rate * len(group)) - len(forced), 0)
        chosen = forced + rng_for("respond", number, unit).sample(others, min(count, len(others)))
        chosen.sort(key=lambda a: _level(a.officer.username, number))
        return list(zip(chosen, band_quota(len(chosen)), strict=True))

    def _respond(
        self, number: int, assignment_id: int, officer_id: int, band: str, crisis: bool
    ) -> Step:
        def step(session: Session, at: datetime) -> None:
            self.answering.discard(officer_id)
            officer = session.get(User, officer_id)
            assert officer is not None  # noqa: S101 - the assignment's foreign key
            rng = rng_for("answers", number, officer.username)
            index = PHQ9_BANDS.index(band)
            critical = 1 if crisis else 0
            if index >= 3 and rng.random() < (0.4 if index == 4 else 0.15):
                critical = rng.choice((1, 1, 2))
            gad7 = self.policy.catalogue.get("gad7")
            answers = {
                "phq9": answers_in_band(self.policy.catalogue.get("phq9"), band, rng, critical),
                "gad7": answers_in_band(
                    gad7, nearby_band([b.id for b in gad7.bands], index, rng), rng
                ),
            }
            give_consent(session, officer)
            referral = None
            for instrument in INSTRUMENTS:
                outcome = submit(
                    session, self.policy, officer, instrument_id=instrument,
                    answers=answers[instrument], assignment_id=assignment_id,
                    idempotency_key=f"demo-{assignment_id}-{instrument}",
                )  # fmt: skip
                referral = referral or outcome.referral
            if referral is not None:
                self.casework.follow(session, referral["id"], at)

        return step

    def _self_referral(self, *, follow: bool) -> Step:
        def step(session: Session, at: datetime) -> None:
            busy = active_referral_officers(session) | self.answering
            free = [i for i, name in self.officers if i not in busy and name != SHOWCASE]
            if free:
                officer = session.get(User, self.rng.choice(free))
                assert officer is not None  # noqa: S101 - listed at the start
                self.casework.self_referral(session, officer, at, follow=follow)

        return step


def _level(username: str, number: int) -> float:
    return SHOWCASE_LEVEL if username == SHOWCASE else level(username, number)


def _officers(session: Session) -> list[tuple[int, str]]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [(user.id, user.username) for user in users if user.has_role(Role.OFFICER)]


def _close_waves(session: Session, at: datetime) -> None:
    campaigns.expire_and_close(session, at)
