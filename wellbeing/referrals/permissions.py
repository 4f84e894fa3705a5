"""Who may see and work a referral (object level; the route rules have checked the role).

- Counsellors and supervisors whose scope covers the officer's unit may see a referral; to
  anyone else it does not exist (404, so ids cannot be probed). Nobody sees their own referral.
- Only the counsellor who holds it, or a supervisor in scope, may record contacts and notes or
  close it; other counsellors in scope see it read-only.
- Reassigning and break-glass are for supervisors in scope; nobody breaks glass into their own
  record, and a record out of scope does not exist for them (404).
"""

from __future__ import annotations

from wellbeing.auth.policy import may_supervise_in, may_work_referrals_in
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral


def may_see(user: User, referral: Referral) -> bool:
    """Staff in scope, never the referral's own officer."""
    return referral.officer_id != user.id and may_work_referrals_in(user, referral.unit)


def may_work(user: User, referral: Referral) -> bool:
    """The holder, or a supervisor in scope, may record contacts and notes and close."""
    if not may_see(user, referral):
        return False
    return referral.claimed_by == user.id or may_supervise_in(user, referral.unit)


def may_reassign(user: User, referral: Referral) -> bool:
    """Supervisors in scope."""
    return may_see(user, referral) and may_supervise_in(user, referral.unit)


def may_break_glass(user: User, officer: User) -> bool:
    """Supervisors whose scope covers the officer's unit, never into their own records."""
    return officer.id != user.id and may_supervise_in(user, officer.unit)
