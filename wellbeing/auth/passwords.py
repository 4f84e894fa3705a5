"""Password hashing with argon2id at no less than OWASP's minimum (m=19 MiB, t=2, p=1)."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
)
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("insecure-dummy-password-for-timing")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an absent hash still spends the time of a real check."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the stored hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
