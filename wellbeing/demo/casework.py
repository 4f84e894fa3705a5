"""The station's work on its referrals, replayed through the real services on the demo timeline.

Every referral the demo opens is followed by counsellors who claim it, reach the officer (now and
then after a failed attempt), assess the risk where it is urgent, and close it with an outcome; a
supervisor signs off the closed cases chosen for review five to twelve days later (so the last
days' cases wait for review). Each step falls at a drawn share of the clock that runs at that
point (claim, contact, close), so none is ever late; steps that fall after "now" have not
happened yet, so recent referrals are still waiting, held or waiting for review, each within its
deadline. The escalation job runs when a clock is due, as the scheduler would, so supervisors
hear of referrals left past half their claim time.

New reasons joining a referral (its officer answered again) make its plan again from its state,
as a raised priority shortens its clock. Each referral draws from a generator of its own, so one
case's steps never shift another's.

One routine self-referral is left unclaimed a few hours past its deadline: the one overdue case
a supervisor's lists show (`OVERDUE_HOURS`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.crisis.service import record_risk_assessment
from wellbeing.demo.answers import rng_for
from wellbeing.demo.timeline import Step, Timeline
from wellbeing.org.models import User
from wellbeing.referrals import service
from wellbeing.referrals.clocks import next_step, running_clock
from wellbeing.referrals.escalation import escalate_due
from wellbeing.referrals.models import Outcome, Referral, Status
from wellbeing.referrals.review import ReviewPolicy
from wellbeing.referrals.service import Deadlines
from wellbeing.referrals.supervising import is_reviewable
from wellbeing.rules import Priority
from wellbeing.supervision.reviews import Decision, decide

OVERDUE_HOURS = (3, 9)  # the one overdue referral is late by this many hours (drawn)
JOB_LAG = timedelta(minutes=2)  # the escalation job runs every minute or so
SELF_MESSAGES = (
    "最近值夜班后睡不好，想找人聊聊",
    "家里老人住院，工作也忙，有点撑不住",
    "上次出警的事一直在脑子里转，想和咨询师谈谈",
    None,
)
OUTCOMES = {
    Priority.URGENT: (Outcome.SUPPORT_PROVIDED,) * 3 + (Outcome.REFERRED_EXTERNAL,),
    Priority.HIGH: (Outcome.SUPPORT_PROVIDED,) * 3
    + (Outcome.REFERRED_EXTERNAL, Outcome.DECLINED, Outcome.NO_ACTION_NEEDED),
    Priority.ROUTINE: (Outcome.SUPPORT_PROVIDED,) * 2
    + (Outcome.DECLINED, Outcome.NO_ACTION_NEEDED, Outcome.NO_ACTION_NEEDED),
}
CLOSING_NOTES = {
    Outcome.SUPPORT_PROVIDED: "已面谈三次，睡眠和情绪好转，约定一个月后回访",
    Outcome.REFERRED_EXTERNAL: "已转介市精神卫生中心门诊，家属知情，一周后电话随访",
    Outcome.DECLINED: "本人表示暂不需要帮助，已告知随时可以联系服务站",
    Outcome.NO_ACTION_NEEDED: "电话沟通后评估无需进一步干预，已提供自助资源",
}
RISK = {  # (level, factors, actions) for urgent referrals, drawn
    "moderate": (["suicidal_thoughts", "isolation"], ["safety_plan_made", "follow_up_booked"]),
    "high": (
        ["suicidal_thoughts", "hopelessness", "recent_loss"],
        ["stayed_with_officer", "family_informed", "supervisor_informed", "safety_plan_made"],
    ),
    "low": (["suicidal_thoughts"], ["follow_up_booked"]),
}


@dataclass
class Casework:
    """Who does the work and by which rules; `follow` a referral from its opening on."""

    timeline: Timeline
    deadlines: Deadlines
    review: ReviewPolicy
    counsellors: tuple[User, ...]
    supervisor: User
    rng: random.Random
    missed: set[int] = field(default_factory=set)  # officers whose request nobody claimed
    _plans: dict[str, int] = field(default_factory=dict)  # referral id -> plan in force
    _rngs: dict[str, random.Random] = field(default_factory=dict)  # one per referral
    _opened: dict[int, int] = field(default_factory=dict)  # referrals followed, per officer
    _watched: dict[str, datetime] = field(default_factory=dict)  # the job run due per referral

    def follow(self, session: Session, referral_id: str, at: datetime) -> None:
        """Plan the next step of a referral that opened, or that new reasons joined, at `at`.

        A join may raise the priority and so shorten the running clock: the plan is made again
        from the referral's state, and the steps planned before are dropped."""
        referral = _load(session, referral_id)
        if referral.officer_id in self.missed:
            return
        if referral_id not in self._rngs:  # its own draws: the others' cannot shift them
            number = self._opened[referral.officer_id] = (
                self._opened.get(referral.officer_id, 0) + 1
            )
            self._rngs[referral_id] = rng_for("case", referral.officer.username, number)
        plan = self._plans[referral_id] = self._plans.get(referral_id, -1) + 1
        self._watch(referral, at)
        if referral.status == Status.OPEN.value:
            self._plan_claim(referral, at, plan)
        elif referral.status == Status.CLAIMED.value:
            self._next(referral, at, self._contact(referral_id, plan, reached=True))
        elif referral.status == Status.CONTACTED.value:
            self._plan_close(session, referral, at, plan)

    def self_referral(self, session: Session, officer: User, at: datetime, *, follow: bool) -> None:
        """The officer asks to talk to a counsellor (a routine referral) at `at`; followed up,
        or (`follow=False`) left for nobody to claim."""
        message = self.rng.choice(SELF_MESSAGES)
        referral = service.self_refer(session, officer, message, self.deadlines)
        if follow:
            self.follow(session, referral.id, at)
        else:
            self.missed.add(officer.id)
            self._watch(referral, at)

    def overdue_opening(self, now: datetime) -> datetime:
        """When the one unclaimed self-referral must open to be overdue by a few hours now."""
        late = timedelta(hours=self.rng.uniform(*OVERDUE_HOURS))
        return now - self.deadlines.for_priority(Priority.ROUTINE) - late

    def _rng(self, referral_id: str) -> random.Random:
        return self._rngs[referral_id]

    def _plan_claim(self, referral: Referral, at: datetime, plan: int) -> None:
        """Most are claimed early in their claim time (a routine one within a day or two); one
        in twelve only after the supervisors were told (past half time); none after the
        deadline."""
        rng = self._rng(referral.id)
        if _priority(referral) is Priority.URGENT or rng.random() < 11 / 12:
            share = rng.uniform(0.02, 0.12)
        else:
            share = rng.uniform(0.55, 0.9)
        claim = at + (referral.claim_deadline - at) * share
        self.timeline.at(claim, self._claim(referral.id, plan))

    def _plan_close(self, session: Session, referral: Referral, at: datetime, plan: int) -> None:
        """An urgent referral closes only after a risk assessment: one first, if there is none."""
        earliest = at
        if _priority(referral) is Priority.URGENT and not service.has_risk_assessment(
            session, referral
        ):
            earliest = at + timedelta(minutes=self._rng(referral.id).randint(5, 30))
            self.timeline.at(earliest, self._assess(referral.id, plan))
        self._next(referral, earliest + timedelta(minutes=1), self._close(referral.id, plan))

    # The steps: each reads the referral afresh (a step of an older plan does nothing).

    def _claim(self, referral_id: str, plan: int) -> Step:
        def step(session: Session, at: datetime) -> None:
            referral = _load(session, referral_id)
            if self._plans[referral_id] != plan or referral.status != Status.OPEN.value:
                return
            rng = self._rng(referral_id)
            service.claim(session, referral, rng.choice(self.counsellors))
            self._watch(referral, at)
            first_fails = _priority(referral) is not Priority.URGENT and rng.random() < 0.25
            self._next(referral, at, self._contact(referral_id, plan, reached=not first_fails))

        return step

    def _contact(self, referral_id: str, plan: int, *, reached: bool) -> Step:
        def step(session: Session, at: datetime) -> None:
            referral = _load(session, referral_id)
            if self._plans[referral_id] != plan or referral.status != Status.CLAIMED.value:
                return
            note = "电话联系上本人，约好面谈时间" if reached else "电话未接通，已发短信请回电"
            holder = _holder(session, referral)
            service.record_contact(session, referral, holder, reached=reached, note=note)
            self._watch(referral, at)
            if reached:
                self._plan_close(session, referral, at, plan)
            else:  # another attempt within the (halved) contact clock
                self._next(referral, at, self._contact(referral_id, plan, reached=True))

        return step

    def _assess(self, referral_id: str, plan: int) -> Step:
        def step(session: Session, _at: datetime) -> None:
            referral = _load(session, referral_id)
            if self._plans[referral_id] != plan or referral.status == Status.CLOSED.value:
                return
            level = self._rng(referral_id).choice(("moderate", "moderate", "high", "low"))
            factors, actions = RISK[level]
            record_risk_assessment(
                session, referral, _holder(session, referral), level=level, factors=factors,
                actions=actions, note="已与本人面谈，共同制定安全计划",
            )  # fmt: skip

        return step

    def _close(self, referral_id: str, plan: int) -> Step:
        def step(session: Session, at: datetime) -> None:
            referral = _load(session, referral_id)
            if self._plans[referral_id] != plan or referral.status != Status.CONTACTED.value:
                return
            rng = self._rng(referral_id)
            outcome = rng.choice(OUTCOMES[_priority(referral)])
            later = timedelta(days=rng.uniform(5, 12))  # the cases of the last days wait
            service.close(
                session, referral, _holder(session, referral), outcome=outcome,
                note=CLOSING_NOTES[outcome], review=self.review,
            )  # fmt: skip
            self._watch(referral, at)
            if referral.review_requested_at is not None:  # the supervisor reads it days later
                self.timeline.at(at + later, self._sign_off(referral_id))

        return step

    def _sign_off(self, referral_id: str) -> Step:
        def step(session: Session, _at: datetime) -> None:
            referral = _load(session, referral_id)
            if is_reviewable(referral):
                comment = "处置及时，记录完整，同意结案"
                decide(session, referral, self.supervisor, Decision.SIGNED_OFF, comment)

        return step

    def _next(self, referral: Referral, earliest: datetime, step: Step) -> None:
        """`step` at a drawn share (10–60 %) of the time left on the referral's running clock,
        from `earliest` on."""
        clock = running_clock(referral)
        assert clock is not None  # noqa: S101 - a held referral has a contact or close clock
        share = self._rng(referral.id).uniform(0.1, 0.6)
        self.timeline.at(earliest + (clock.deadline - earliest) * share, step)

    def _watch(self, referral: Referral, at: datetime) -> None:
        """The escalation job's next run that concerns the referral: when its clock falls due
        (an earlier planned run for it is dropped: the clock it waited for has moved on)."""
        clock = running_clock(referral)
        if clock is None:
            self._watched.pop(referral.id, None)
            return
        _level, due = next_step(clock)
        moment = max(due, at) + JOB_LAG
        self._watched[referral.id] = moment
        self.timeline.at(moment, self._escalation(referral.id, moment))

    def _escalation(self, referral_id: str, planned: datetime) -> Step:
        def step(session: Session, at: datetime) -> None:
            if self._watched.get(referral_id) != planned:
                return
            escalate_due(session, at)
            self._watch(_load(session, referral_id), at)

        return step


def _load(session: Session, referral_id: str) -> Referral:
    referral = session.get(Referral, referral_id)
    assert referral is not None  # noqa: S101 - the demo opened it
    return referral


def _holder(session: Session, referral: Referral) -> User:
    holder = session.get(User, referral.claimed_by)
    assert holder is not None  # noqa: S101 - only held referrals reach these steps
    return holder


def _priority(referral: Referral) -> Priority:
    return Priority(referral.priority)


def active_referral_officers(session: Session) -> set[int]:
    """Officers with a referral not yet closed (they are in care: no new self-referral)."""
    query = select(Referral.officer_id).where(Referral.status != Status.CLOSED.value)
    return set(session.scalars(query))
