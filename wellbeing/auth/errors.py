"""Sign-in errors; the faces turn them into 401/429 in the user's language."""

from __future__ import annotations


class AuthError(Exception):
    """Base of sign-in failures."""


class BadCredentials(AuthError):
    """Unknown user, wrong password or inactive account (never said which)."""


class Throttled(AuthError):
    """Too many failed sign-ins for this account from this address, for this account, or from
    this address; try again in `retry_after` seconds (the `Retry-After` header)."""

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(f"throttled for {retry_after}s")
        self.retry_after = max(retry_after, 1)


class BadOtp(AuthError):
    """A one-time code or recovery code that is wrong, reused or expired."""


class NotEnrolled(AuthError):
    """A second factor is required but none is set up yet."""
