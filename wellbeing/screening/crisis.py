"""Whether an officer should see crisis contacts at the top of every page.

The banner shows while the officer has a referral with crisis that a counsellor has not yet
closed. If the check itself fails, the caller shows the banner rather than hiding it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, Status


def crisis_banner_needed(session: Session, officer: User) -> bool:
    """True while a crisis referral of the officer is not closed."""
    found = session.scalars(
        select(Referral.id).where(
            Referral.officer_id == officer.id,
            Referral.crisis.is_(True),
            Referral.status != Status.CLOSED.value,
        )
    ).first()
    return found is not None
