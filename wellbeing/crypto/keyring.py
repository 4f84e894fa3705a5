"""The keyring: key-encryption keys (KEKs) by id, one of them primary, and its JSON form.

A `Keyring` is an immutable value: operations return a new keyring, which a key provider saves.
Nothing here derives from the web secret key, so rotating that key cannot affect stored data.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wellbeing.crypto.errors import KeyInUseError, KeyMissingError, KeyringError

KEYRING_VERSION = 1
KEK_BYTES = 32
SIGNING_KEY_BYTES = 32
# Ids go into every sealed value's header (one length byte), so keep them short and ASCII.
_KEK_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FIX_HINT = "run `wellbeing init` to create instance/keyring.json, or set WELLBEING_KEYRING"


@dataclass(frozen=True)
class Kek:
    """One key-encryption key: an id that sealed values name, its creation time and 32 key bytes."""

    id: str
    created: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _KEK_ID.fullmatch(self.id):
            raise KeyringError(f"invalid key id {self.id!r}: use 1-64 of A-Z a-z 0-9 . _ -")
        if len(self.key) != KEK_BYTES:
            raise KeyringError(f"key {self.id!r} must be {KEK_BYTES} bytes, not {len(self.key)}")


def generate_kek(now: datetime | None = None) -> Kek:
    """Create a new random 256-bit KEK with an id like `kek-2026-11-27-1a2b3c4d`."""
    now = now or datetime.now(UTC)
    kek_id = f"kek-{now:%Y-%m-%d}-{secrets.token_hex(4)}"
    return Kek(kek_id, now.isoformat(timespec="seconds"), AESGCM.generate_key(bit_length=256))


def generate_signing_key() -> bytes:
    """Create the raw 32 bytes of a new Ed25519 private key (the audit checkpoint signer)."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


@dataclass(frozen=True)
class Keyring:
    """KEKs by id; the primary wraps new data keys, the others remain for reading old records."""

    primary_id: str
    keys: tuple[Kek, ...]
    audit_signing_key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        ids = [kek.id for kek in self.keys]
        if len(set(ids)) != len(ids):
            raise KeyringError("keyring lists the same key id twice")
        if self.primary_id not in ids:
            raise KeyringError(f"primary key {self.primary_id!r} is not among the keyring's keys")
        if self.audit_signing_key is not None and len(self.audit_signing_key) != SIGNING_KEY_BYTES:
            raise KeyringError(f"audit_signing_key must be {SIGNING_KEY_BYTES} bytes")

    @property
    def primary(self) -> Kek:
        """The KEK that wraps every new data key."""
        return self.get(self.primary_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every KEK id, in keyring order."""
        return tuple(kek.id for kek in self.keys)

    def __contains__(self, kek_id: object) -> bool:
        return kek_id in self.ids

    def get(self, kek_id: str) -> Kek:
        """Return the KEK with this id, or raise `KeyMissingError`."""
        for kek in self.keys:
            if kek.id == kek_id:
                return kek
        raise KeyMissingError(kek_id)

    def with_added_key(self, kek: Kek | None = None) -> Keyring:
        """Return a keyring that also holds `kek` (default: a new one); the primary is unchanged."""
        return replace(self, keys=(*self.keys, kek or generate_kek()))

    add_key = with_added_key

    def promote(self, kek_id: str) -> Keyring:
        """Return a keyring whose primary is `kek_id`, which must already be in the keyring."""
        self.get(kek_id)
        return replace(self, primary_id=kek_id)

    def without_key(self, kek_id: str) -> Keyring:
        """Return a keyring without `kek_id`; the caller must first check that no record uses it."""
        self.get(kek_id)
        if kek_id == self.primary_id:
            raise KeyInUseError(kek_id, "it is the primary key; promote another key first")
        return replace(self, keys=tuple(k for k in self.keys if k.id != kek_id))

    def with_audit_signing_key(self) -> Keyring:
        """Return a keyring that has an audit signing key, creating one only if it is missing."""
        if self.audit_signing_key is not None:
            return self
        return replace(self, audit_signing_key=generate_signing_key())


def new_keyring() -> Keyring:
    """Create the keyring of a fresh installation: one primary KEK and an audit signing key."""
    kek = generate_kek()
    return Keyring(kek.id, (kek,), generate_signing_key())


def load_audit_signing_key(keyring: Keyring) -> Ed25519PrivateKey:
    """Return the Ed25519 key that signs audit checkpoints, or raise `KeyringError`."""
    if keyring.audit_signing_key is None:
        raise KeyringError("the keyring has no audit_signing_key; run `wellbeing init` to add one")
    return Ed25519PrivateKey.from_private_bytes(keyring.audit_signing_key)


def dump_keyring(keyring: Keyring) -> str:
    """Serialise a keyring to its versioned JSON form."""
    document: dict[str, Any] = {
        "version": KEYRING_VERSION,
        "primary": keyring.primary_id,
        "keys": [
            {"id": k.id, "created": k.created, "key": base64.b64encode(k.key).decode()}
            for k in keyring.keys
        ],
    }
    if keyring.audit_signing_key is not None:
        document["audit_signing_key"] = base64.b64encode(keyring.audit_signing_key).decode()
    return json.dumps(document, indent=2) + "\n"


def parse_keyring(text: str, source: str) -> Keyring:
    """Parse the JSON form of a keyring; errors name `source` (a file or variable) and the fix."""
    try:
        return _build_keyring(json.loads(text))
    except KeyringError as error:
        raise KeyringError(f"unusable keyring in {source}: {error}") from None
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error) as error:
        message = f"unusable keyring in {source}: malformed JSON keyring ({error}); {FIX_HINT}"
        raise KeyringError(message) from None


def _build_keyring(document: dict[str, Any]) -> Keyring:
    if document.get("version") != KEYRING_VERSION:
        raise KeyringError(f"unsupported keyring version {document.get('version')!r}")
    keys = tuple(
        Kek(str(item["id"]), str(item["created"]), _decode_b64(item["key"]))
        for item in document["keys"]
    )
    signing = document.get("audit_signing_key")
    return Keyring(str(document["primary"]), keys, _decode_b64(signing) if signing else None)


def _decode_b64(value: object) -> bytes:
    if not isinstance(value, str):
        raise TypeError("key material must be a base64 string")
    return base64.b64decode(value, validate=True)
