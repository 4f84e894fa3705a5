"""Errors of the group-session service; each reason code becomes an HTTP status in
`wellbeing.faces.errors.STATUS_OF_CODE` and words in the user's language in the faces."""

from __future__ import annotations


class GroupError(Exception):
    """A group-session action that cannot be carried out as asked."""

    code = "invalid"

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlreadySignedUp(GroupError):
    """The officer already has a seat or a waiting place."""

    code = "already_signed_up"


class NotSignedUp(GroupError):
    """The officer has no sign-up to withdraw."""

    code = "not_signed_up"


class SessionStarted(GroupError):
    """The session has started: sign-ups and withdrawals are closed."""

    code = "session_started"


class NotAttendable(GroupError):
    """Attendance names someone who is not signed up for the session."""

    code = "not_signed_up_person"


class FeedbackClosed(GroupError):
    """Feedback is for attendees, once each."""

    code = "feedback_closed"
