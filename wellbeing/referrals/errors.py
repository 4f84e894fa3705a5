"""Errors of the referral service; each carries a reason code, which the faces turn
into an HTTP status (`wellbeing.faces.errors.STATUS_OF_CODE`) and words in the user's language."""

from __future__ import annotations


class ReferralError(Exception):
    """A referral action that cannot be carried out as asked."""

    code = "invalid"


class AlreadyClaimed(ReferralError):
    """Another counsellor claimed the referral first."""

    code = "already_claimed"

    def __init__(self, by: str) -> None:
        super().__init__(by)
        self.by = by


class WrongState(ReferralError):
    """The referral is not in a state that allows this step (e.g. already closed)."""

    code = "wrong_state"


class NothingToClaim(ReferralError):
    """The queue in the counsellor's scope is empty."""

    code = "queue_empty"


class BreakGlassRefused(ReferralError):
    """Break-glass needs a written reason and a submission that raised no referral."""

    code = "break_glass_refused"


class RiskAssessmentRequired(ReferralError):
    """An urgent referral closes only after a recorded risk assessment."""

    code = "risk_assessment_required"


class NotReviewable(ReferralError):
    """Only a closed case chosen for review and not yet reviewed takes a review decision."""

    code = "not_reviewable"
