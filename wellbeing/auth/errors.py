"""Sign-in errors; the faces turn them into 401/429 in the user's language."""

from __future__ import annotations


class AuthError(Exception):
    """Base of sign-in failures."""


class BadCredentials(AuthError):
    """Unknown user, wrong password or inactive account (never said which)."""


class Throttled(AuthError):
    """Too many failed sign-ins for this account or from this address; try later."""


class BadOtp(AuthError):
    """A one-time code or recovery code that is wrong, reused or expired."""


class NotEnrolled(AuthError):
    """A second factor is required but none is set up yet."""
