"""Errors of the screening service; the faces turn them into 4xx in the user's language."""

from __future__ import annotations

from wellbeing.instruments import AnswerError


class ScreeningError(Exception):
    """A screening request that cannot be carried out as given."""

    code = "invalid"
    status = 422


class NotOffered(ScreeningError):
    """The instrument does not exist or is not offered to officers (e.g. texts not supplied)."""

    code = "instrument_not_offered"
    status = 404

    def __init__(self, instrument_id: str) -> None:
        super().__init__(instrument_id)
        self.instrument_id = instrument_id


class ConsentRequired(ScreeningError):
    """The officer has not consented to the current consent text."""

    code = "consent_required"
    status = 403


class AssignmentUnavailable(ScreeningError):
    """The assignment is not this officer's, not open, or does not include the instrument."""

    code = "assignment_unavailable"
    status = 409


class IdempotencyConflict(ScreeningError):
    """The idempotency key was used before with different answers."""

    code = "idempotency_conflict"
    status = 409


class InvalidAnswers(ScreeningError):
    """Answers that do not fit the definition; `problems` lists each bad item."""

    code = "invalid_answers"
    status = 422

    def __init__(self, error: AnswerError) -> None:
        super().__init__(str(error))
        self.problems = error.problems


class CampaignError(ScreeningError):
    """A campaign or incident that cannot be created or changed as asked.

    The message is English (CLI, logs); `reason` names the case and `params` its values, so a
    face can say the same in the user's language.
    """

    code = "invalid_campaign"

    def __init__(self, message: str, reason: str = "invalid", **params: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params
