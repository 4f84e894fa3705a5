"""Errors of the roster service; each carries a reason code, which the faces turn into an HTTP
status and words in the user's language."""

from __future__ import annotations


class RosterError(Exception):
    """A roster change that cannot be carried out as asked."""

    code = "invalid"


class InvalidInput(RosterError):
    """A field of the roster is not acceptable: `field` names it (e.g. "entries[2].weekday"),
    `reason` says why: shape, unknown_user, not_staff, weekday, time, instant, order."""

    code = "invalid"

    def __init__(self, field: str, reason: str = "shape") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
