"""Who may review a case and see the case-load figures (object level; the route rules have
admitted supervisors only).

- A supervisor reviews closed cases of officers in units their supervisor grants cover; to
  anyone else a case does not exist (404). Nobody reviews their own referral, and nobody signs
  off a case they held themselves: a review is a second pair of eyes.
- The case-load figures are per counsellor and for supervisors only: leaders, who see reports
  about officers, never see them per counsellor.
"""

from __future__ import annotations

from wellbeing.auth.policy import may_supervise_in
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral


def may_see_for_review(user: User, referral: Referral) -> bool:
    """Supervisors whose scope covers the officer's unit, never for their own referral."""
    return referral.officer_id != user.id and may_supervise_in(user, referral.unit)


def may_review(user: User, referral: Referral) -> bool:
    """A supervisor who may see the case for review and did not hold it."""
    return may_see_for_review(user, referral) and referral.claimed_by != user.id
