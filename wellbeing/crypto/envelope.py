"""Envelope encryption: AES-256-GCM under a fresh data key per value, the key wrapped by a KEK.

Sealed form, format version 1 (all lengths in bytes)::

    version (1) | len(kek_id) (1) | kek_id | wrap nonce (12) | wrapped data key (32 + 16 tag)
    | payload nonce (12) | payload ciphertext + tag (16 or more)

The payload's associated data is the format version plus the canonical encoding of a `Binding`
(purpose, table, column, record id, owner), so a value copied to another row, column or owner fails
to open. The wrap's associated data binds the KEK id and format version. Rotation replaces only the
header and wrapped key (`rewrap`); payload ciphertexts are never re-encrypted.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wellbeing.crypto.errors import TamperedError, UnsupportedFormatError
from wellbeing.crypto.keyring import Kek, Keyring

FORMAT_VERSION = 1
NONCE_BYTES = 12
DATA_KEY_BYTES = 32
TAG_BYTES = 16
WRAPPED_KEY_BYTES = DATA_KEY_BYTES + TAG_BYTES
_WRAP_CONTEXT = b"wellbeing/wrap"
_BINDING_CONTEXT = b"wellbeing/binding"


@dataclass(frozen=True)
class Binding:
    """Where a sealed value belongs; it must be given again, identical, to open the value."""

    purpose: str
    table: str
    column: str
    record_id: str
    owner: str | None = None

    def __post_init__(self) -> None:
        for name in ("purpose", "table", "column", "record_id"):
            if not getattr(self, name):
                raise ValueError(f"a binding needs a non-empty {name}")

    def encode(self) -> bytes:
        """Return the unambiguous encoding: each field length-prefixed, `None` distinct from ''."""
        fields = (self.purpose, self.table, self.column, self.record_id, self.owner)
        return _BINDING_CONTEXT + b"".join(_encode_field(value) for value in fields)


@dataclass(frozen=True)
class Header:
    """The public part of a sealed value: readable without any key."""

    version: int
    kek_id: str


@dataclass(frozen=True)
class _Parts:
    header: Header
    wrap_nonce: bytes
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes


def seal(keyring: Keyring, plaintext: bytes, binding: Binding) -> bytes:
    """Encrypt `plaintext` for the place `binding` names, under the keyring's primary KEK."""
    data_key = os.urandom(DATA_KEY_BYTES)  # what AESGCM.generate_key does, minus its checks
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, _payload_aad(FORMAT_VERSION, binding))
    return _assemble(keyring.primary, data_key, nonce + ciphertext)


def open_sealed(keyring: Keyring, blob: bytes, binding: Binding) -> bytes:
    """Decrypt a sealed value, or raise KeyMissingError, TamperedError, UnsupportedFormatError."""
    parts = _parse(blob)
    data_key = _unwrap(keyring, parts)
    aad = _payload_aad(parts.header.version, binding)
    try:
        return AESGCM(data_key).decrypt(parts.nonce, parts.ciphertext, aad)
    except InvalidTag:
        raise TamperedError(
            "sealed value failed authentication: it was altered, or copied from another "
            f"record, column or owner ({binding.table}.{binding.column} id {binding.record_id})"
        ) from None


def parse_header(blob: bytes) -> Header:
    """Read the format version and KEK id of a sealed value (a prefix of it is enough)."""
    if not blob:
        raise TamperedError("sealed value is empty")
    if blob[0] != FORMAT_VERSION:
        raise UnsupportedFormatError(blob[0])
    if len(blob) < 2 or len(blob) < 2 + blob[1]:
        raise TamperedError("sealed value is truncated inside its header")
    try:
        kek_id = blob[2 : 2 + blob[1]].decode("ascii")
    except UnicodeDecodeError:
        raise TamperedError("sealed value has a corrupt key id") from None
    return Header(FORMAT_VERSION, kek_id)


def rewrap(keyring: Keyring, blob: bytes, new_kek_id: str | None = None) -> bytes:
    """Re-wrap the data key under `new_kek_id` (default: primary); the payload bytes are kept."""
    target = keyring.get(new_kek_id) if new_kek_id else keyring.primary
    parts = _parse(blob)
    if parts.header.kek_id == target.id:
        return blob
    return _assemble(target, _unwrap(keyring, parts), parts.nonce + parts.ciphertext)


def seal_json(keyring: Keyring, value: Any, binding: Binding) -> bytes:
    """Seal a JSON-serialisable value (NaN and infinities are refused, as JSON has none)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return seal(keyring, text.encode("utf-8"), binding)


def open_json(keyring: Keyring, blob: bytes, binding: Binding) -> Any:
    """Open a value sealed by `seal_json` and return the decoded JSON value."""
    return json.loads(open_sealed(keyring, blob, binding).decode("utf-8"))


def _encode_field(value: str | None) -> bytes:
    if value is None:
        return b"\x00"
    raw = value.encode("utf-8")
    return b"\x01" + struct.pack(">I", len(raw)) + raw


def _payload_aad(version: int, binding: Binding) -> bytes:
    return bytes([version]) + binding.encode()


def _wrap_aad(version: int, kek_id: str) -> bytes:
    raw = kek_id.encode("ascii")
    return _WRAP_CONTEXT + bytes([version, len(raw)]) + raw


@lru_cache(maxsize=32)
def _kek_cipher(key: bytes) -> AESGCM:
    # Building the cipher object costs about as much as a small encryption; KEKs are few.
    return AESGCM(key)


def _assemble(kek: Kek, data_key: bytes, nonce_and_ciphertext: bytes) -> bytes:
    wrap_nonce = os.urandom(NONCE_BYTES)
    wrapped = _kek_cipher(kek.key).encrypt(wrap_nonce, data_key, _wrap_aad(FORMAT_VERSION, kek.id))
    kek_id = kek.id.encode("ascii")
    prefix = bytes([FORMAT_VERSION, len(kek_id)]) + kek_id
    return prefix + wrap_nonce + wrapped + nonce_and_ciphertext


def _parse(blob: bytes) -> _Parts:
    header = parse_header(blob)
    start = 2 + len(header.kek_id)
    minimum = start + NONCE_BYTES + WRAPPED_KEY_BYTES + NONCE_BYTES + TAG_BYTES
    if len(blob) < minimum:
        raise TamperedError("sealed value is truncated")
    wrap_end = start + NONCE_BYTES + WRAPPED_KEY_BYTES
    return _Parts(
        header,
        wrap_nonce=blob[start : start + NONCE_BYTES],
        wrapped_key=blob[start + NONCE_BYTES : wrap_end],
        nonce=blob[wrap_end : wrap_end + NONCE_BYTES],
        ciphertext=blob[wrap_end + NONCE_BYTES :],
    )


def _unwrap(keyring: Keyring, parts: _Parts) -> bytes:
    kek = keyring.get(parts.header.kek_id)
    aad = _wrap_aad(parts.header.version, kek.id)
    try:
        return _kek_cipher(kek.key).decrypt(parts.wrap_nonce, parts.wrapped_key, aad)
    except InvalidTag:
        raise TamperedError(
            f"data key wrapped by {kek.id!r} failed authentication: the header was altered, or "
            "the keyring holds different key bytes under that id"
        ) from None


def _data_key_and_nonce(keyring: Keyring, blob: bytes) -> tuple[bytes, bytes]:
    """Test seam: the (data key, payload nonce) pair a value was sealed with."""
    parts = _parse(blob)
    return _unwrap(keyring, parts), parts.nonce
