"""Counsellor and supervisor pages: the queue, one referral (its risk assessment, safety plan and,
for outreach, a group invitation), booking a counselling session from it, supervision, the
on-call roster, case reviews and case-load, and break-glass.

Importing the package registers every view on `bp`.
"""

from wellbeing.web.referrals import (  # noqa: F401 - imported to register their routes
    booking_views,
    break_glass_views,
    case_views,
    outreach_views,
    queue_views,
    review_views,
    roster_views,
    safety_views,
    supervise_views,
)
from wellbeing.web.referrals.blueprint import bp

__all__ = ["bp"]
