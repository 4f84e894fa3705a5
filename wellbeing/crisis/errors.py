"""Errors of the crisis service; each carries a reason code, which the faces turn into an HTTP
status (`wellbeing.faces.errors.STATUS_OF_CODE`: both codes are already there) and words in the
user's language (`wellbeing.faces.crisis_texts`)."""

from __future__ import annotations


class CrisisError(Exception):
    """A risk-assessment or safety-plan action that cannot be carried out as asked."""

    code = "invalid"


class InvalidInput(CrisisError):
    """A field of the request is not acceptable.

    `field` names it (for unknown keys: the unknown names, comma-separated); `problem` says what
    is wrong (`required`, `choice`, `list`, `text`, `too_long`, `too_many`, `unknown`, `empty`)
    and `limit` the bound that was passed, so the faces can say it in the user's language.
    """

    code = "invalid"

    def __init__(self, field: str, problem: str, limit: int | None = None) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.limit = limit


class ReferralClosed(CrisisError):
    """A closed referral takes no new safety plan from the counsellor."""

    code = "wrong_state"
