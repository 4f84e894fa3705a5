"""Time-based one-time passwords (RFC 6238) on `cryptography`'s TOTP; pure, no database.

Authenticator apps expect SHA-1, six digits and 30-second steps, so those are the defaults.
A code is accepted for the current step and one step either side (clock drift); the caller
remembers the step it accepted so the same code cannot be used twice.
"""

from __future__ import annotations

import base64
import secrets
import unicodedata

from cryptography.hazmat.primitives.hashes import SHA1, SHA256, SHA512
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
ALGORITHMS: dict[str, type[SHA1 | SHA256 | SHA512]] = {
    "SHA1": SHA1,
    "SHA256": SHA256,
    "SHA512": SHA512,
}


def new_secret() -> bytes:
    """A fresh random TOTP key."""
    return secrets.token_bytes(SECRET_BYTES)


def to_base32(secret: bytes) -> str:
    """The key as authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def _totp(secret: bytes, digits: int = DIGITS, algorithm: str = "SHA1") -> TOTP:
    return TOTP(secret, digits, ALGORITHMS[algorithm](), STEP_SECONDS, enforce_key_length=False)


def code_at(secret: bytes, unix_time: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """The code for a moment (used by tests and the RFC 6238 vectors)."""
    return _totp(secret, digits, algorithm).generate(unix_time).decode("ascii")


def step_of(unix_time: int) -> int:
    """The 30-second step a moment falls in."""
    return unix_time // STEP_SECONDS


def matching_step(secret: bytes, code: str, unix_time: int) -> int | None:
    """The step (now, or one either side) whose code this is; None when it matches none."""
    # NFKC: full-width digits typed with a Chinese input method count as the digits they show
    candidate = unicodedata.normalize("NFKC", code).strip().replace(" ", "")
    if len(candidate) != DIGITS or not (candidate.isascii() and candidate.isdigit()):
        return None
    totp = _totp(secret)
    found = None
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):  # check all: constant work per attempt
        moment = unix_time + offset * STEP_SECONDS
        try:
            totp.verify(candidate.encode("ascii"), moment)
        except InvalidToken:
            continue
        found = step_of(moment)
    return found


def provisioning_uri(secret: bytes, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app imports (as text or a QR code)."""
    return _totp(secret).get_provisioning_uri(account, issuer)
