"""Errors raised by the crypto package.

Every error derives from `CryptoError`, so a caller can turn any of them into a clear message and an
audit event for the one record concerned while other records keep working.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class of every error raised by `wellbeing.crypto`.

    `table` and `record_id` name the record concerned when the caller knows it (never its
    content), so the message and the audit event can point at it.
    """

    table: str | None = None
    record_id: str | None = None


class KeyringError(CryptoError):
    """The keyring is missing, unreadable, malformed or unsafe; the message says how to fix it."""


class KeyMissingError(CryptoError):
    """A sealed value names a key-encryption key that the keyring does not hold."""

    def __init__(self, kek_id: str) -> None:
        super().__init__(
            f"key-encryption key {kek_id!r} is not in the keyring; restore the keyring that "
            "contains it (a retired or lost key makes its records unreadable)"
        )
        self.kek_id = kek_id


class TamperedError(CryptoError):
    """Authentication failed: the value was altered, truncated, or moved to another record."""


# The name used in the issue; both spellings refer to the same class.
AuthenticationFailed = TamperedError


class UnsupportedFormatError(CryptoError):
    """A sealed value carries a format version this code does not understand."""

    def __init__(self, version: int) -> None:
        super().__init__(f"sealed value has unsupported format version {version}")
        self.version = version


class KeyInUseError(CryptoError):
    """A key-encryption key cannot be retired because records (or the primary slot) still use it."""

    def __init__(self, kek_id: str, reason: str) -> None:
        super().__init__(f"cannot retire {kek_id!r}: {reason}")
        self.kek_id = kek_id


UNREADABLE_ERRORS = (KeyMissingError, TamperedError, UnsupportedFormatError)
