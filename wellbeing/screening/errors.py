"""Errors of the screening service; each carries a reason code, which the faces turn
into an HTTP status (`wellbeing.faces.errors.STATUS_OF_CODE`) and words in the user's language."""

from __future__ import annotations

from wellbeing.instruments import AnswerError


class ScreeningError(Exception):
    """A screening request that cannot be carried out as given."""

    code = "invalid"


class NotOffered(ScreeningError):
    """The instrument does not exist or is not offered to officers (e.g. texts not supplied)."""

    code = "instrument_not_offered"

    def __init__(self, instrument_id: str) -> None:
        super().__init__(instrument_id)
        self.instrument_id = instrument_id


class ConsentRequired(ScreeningError):
    """The officer has not consented to the current consent text."""

    code = "consent_required"


class ConsentVersionStale(ScreeningError):
    """The consent given names a version of the consent text that is not the current one."""

    code = "consent_version_stale"

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


class AssignmentUnavailable(ScreeningError):
    """The assignment is not this officer's, not open, or does not include the instrument."""

    code = "assignment_unavailable"


class IdempotencyConflict(ScreeningError):
    """The idempotency key was used before with different answers."""

    code = "idempotency_conflict"


class InvalidAnswers(ScreeningError):
    """Answers that do not fit the definition; `problems` lists each bad item."""

    code = "invalid_answers"

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


class InvalidDraft(ScreeningError):
    """Draft answers that do not fit the definition; `problems` lists each bad item."""

    code = "invalid_draft"

    def __init__(self, error: AnswerError) -> None:
        super().__init__(str(error))
        self.problems = error.problems
