"""Whether an officer should see crisis contacts at the top of every page.

For now the source is the officer's own latest results: the banner shows while the most recent
submission of any instrument raised a critical flag. The referral work replaces this with "an
open referral with crisis, until a counsellor closes it" — keep the signature.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.screening.models import Submission


def crisis_banner_needed(session: Session, officer: User) -> bool:
    """True when the officer's latest submission of some instrument had a critical flag."""
    latest: dict[str, Submission] = {}
    rows = session.scalars(
        select(Submission)
        .where(Submission.officer_id == officer.id)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
    )
    for submission in rows:
        latest.setdefault(submission.instrument_id, submission)
    return any(bool(s.opened().get("crisis")) for s in latest.values())
