"""Envelope encryption: AES-256-GCM under a fresh data key per value, the key wrapped by a KEK.

Sealed form, format version 1 (all lengths in bytes)::

    version (1) | len(kek_id) (1) | kek_id | wrap nonce (12) | wrapped data key (32 + 16 tag)
    | payload nonce (12) | payload ciphertext + tag (16 or more)

The payload's associated data is the format version plus the canonical encoding of a `Binding`
(purpose, table, column, record id, owner), so a value copied to another row, column or owner fails
to open. The wrap's associated data binds the KEK id and format version. Rotation replaces only the
header and wrapped key (`rewrap`); payload ciphertexts are never re-encrypted.

Speed: a keyring's cipher objects, headers and wrap associated data are derived once
(`keyring_state`), one `os.urandom` call gives the data key and both nonces, and one unpack reads
a value's header and parts. Sealed columns go through `Binder` (binder.py), which also encodes a
column's fixed binding fields once; the bytes are the same either way.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from typing import Any, NamedTuple

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
BINDING_CONTEXT = b"wellbeing/binding"
RANDOM_BYTES = DATA_KEY_BYTES + 2 * NONCE_BYTES
WRAP_NONCE_START = DATA_KEY_BYTES + NONCE_BYTES
FIELD_LENGTH = struct.Struct(">BI")  # a present field's marker and its length


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
        return BINDING_CONTEXT + b"".join(encode_field(value) for value in fields)


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
    aad = _payload_aad(FORMAT_VERSION, binding)
    return seal_under(keyring_state(keyring).primary, plaintext, aad)


def open_sealed(keyring: Keyring, blob: bytes, binding: Binding) -> bytes:
    """Decrypt a sealed value, or raise KeyMissingError, TamperedError, UnsupportedFormatError."""
    aad = _payload_aad(FORMAT_VERSION, binding)
    try:
        return open_with(keyring_state(keyring), bytes(blob), aad)
    except InvalidTag:
        raise moved_error(binding.table, binding.column, binding.record_id) from None


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
    keys = keyring_state(keyring)
    target = keys.by_id[keyring.get(new_kek_id).id] if new_kek_id else keys.primary
    parts = _parse(blob)
    if parts.header.kek_id == target.kek.id:
        return blob
    data_key = _unwrap(keyring, parts)
    wrap_nonce = os.urandom(NONCE_BYTES)
    wrapped = target.cipher.encrypt(wrap_nonce, data_key, target.wrap_aad)
    return b"".join((target.header, wrap_nonce, wrapped, parts.nonce, parts.ciphertext))


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_json(value: Any) -> bytes:
    """The compact UTF-8 JSON text that sealed JSON values hold (NaN and infinities refused)."""
    return _JSON.encode(value).encode("utf-8")


def seal_json(keyring: Keyring, value: Any, binding: Binding) -> bytes:
    """Seal a JSON-serialisable value (NaN and infinities are refused, as JSON has none)."""
    return seal(keyring, encode_json(value), binding)


def open_json(keyring: Keyring, blob: bytes, binding: Binding) -> Any:
    """Open a value sealed by `seal_json` and return the decoded JSON value."""
    return json.loads(open_sealed(keyring, blob, binding).decode("utf-8"))


def encode_field(value: str | None) -> bytes:
    if value is None:
        return b"\x00"
    raw = value.encode("utf-8")
    return FIELD_LENGTH.pack(1, len(raw)) + raw


def _payload_aad(version: int, binding: Binding) -> bytes:
    return bytes([version]) + binding.encode()


def _wrap_aad(version: int, kek_id: str) -> bytes:
    raw = kek_id.encode("ascii")
    return _WRAP_CONTEXT + bytes([version, len(raw)]) + raw


class KekState(NamedTuple):
    """One KEK as the envelope uses it: its cipher object, header and wrap associated data."""

    kek: Kek
    cipher: AESGCM
    header: bytes  # version, id length and id: how every value it wraps begins
    wrap_aad: bytes


class KeyringState:
    """What sealing and opening need from one keyring, derived once: building a cipher object
    costs about as much as a small encryption, so KEK ciphers are built once per keyring
    (keyrings are immutable), never once per value."""

    __slots__ = ("body_end", "by_id", "keyring", "primary", "split", "unwrap_by_header")

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        states = [_kek_state(kek) for kek in keyring.keys]
        self.by_id = {state.kek.id: state for state in states}
        # A value's header -> the bound unwrap of its KEK's cipher and the wrap associated data.
        self.unwrap_by_header = {s.header: (s.cipher.decrypt, s.wrap_aad) for s in states}
        self.primary = self.by_id[keyring.primary_id]
        # One unpack reads the header and the three fixed parts of a value under a KEK whose id
        # is as long as the primary's (ids are usually all one length); others go the long way.
        header = len(self.primary.header)
        layout = struct.Struct(f">{header}s{NONCE_BYTES}s{WRAPPED_KEY_BYTES}s{NONCE_BYTES}s")
        self.split = layout.unpack_from  # header, wrap nonce, wrapped key, payload nonce
        self.body_end = layout.size  # where the ciphertext begins


def _kek_state(kek: Kek) -> KekState:
    raw_id = kek.id.encode("ascii")
    header = bytes([FORMAT_VERSION, len(raw_id)]) + raw_id
    return KekState(kek, AESGCM(kek.key), header, _wrap_aad(FORMAT_VERSION, kek.id))


_STATES: dict[int, KeyringState] = {}
_MAX_STATES = 8  # a process uses one keyring at a time; tests and rotation a few


def keyring_state(keyring: Keyring) -> KeyringState:
    """The derived state of `keyring`, built on first use and kept for the next few keyrings."""
    state = _STATES.get(id(keyring))
    if state is None or state.keyring is not keyring:  # it holds the keyring: ids are not reused
        state = KeyringState(keyring)
        if len(_STATES) >= _MAX_STATES:
            _STATES.clear()
        _STATES[id(keyring)] = state
    return state


def seal_under(kek: KekState, plaintext: bytes, aad: bytes) -> bytes:
    """Seal `plaintext` with associated data `aad` under `kek` (the primary's state)."""
    random = os.urandom(RANDOM_BYTES)  # one call: the data key, the payload and wrap nonces
    data_key = random[:DATA_KEY_BYTES]
    nonce = random[DATA_KEY_BYTES:WRAP_NONCE_START]
    wrap_nonce = random[WRAP_NONCE_START:]
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, aad)
    wrapped = kek.cipher.encrypt(wrap_nonce, data_key, kek.wrap_aad)
    return b"".join((kek.header, wrap_nonce, wrapped, nonce, ciphertext))


def open_with(keys: KeyringState, blob: bytes, aad: bytes) -> bytes:
    """Open `blob` with associated data `aad`. A payload that fails authentication raises
    `InvalidTag` for the caller to name the place; other failures raise CryptoErrors."""
    try:  # the fast way: one unpack of the header and parts, no checks (AES-GCM checks all)
        header, wrap_nonce, wrapped, nonce = keys.split(blob)
        unwrap, wrap_aad = keys.unwrap_by_header[header]
        data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
        return AESGCM(data_key).decrypt(nonce, blob[keys.body_end :], aad)
    except (struct.error, KeyError, InvalidTag):
        return open_checked(keys.keyring, blob, aad)  # again, raising the precise error


def open_checked(keyring: Keyring, blob: bytes, aad: bytes) -> bytes:
    """Open step by step: other id lengths, and every failure, get their precise error."""
    parts = _parse(blob)
    return AESGCM(_unwrap(keyring, parts)).decrypt(parts.nonce, parts.ciphertext, aad)


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
    state = keyring_state(keyring).by_id[kek.id]
    try:
        return state.cipher.decrypt(parts.wrap_nonce, parts.wrapped_key, state.wrap_aad)
    except InvalidTag:
        raise _wrong_key_error(kek.id) from None


def _wrong_key_error(kek_id: str) -> TamperedError:
    return TamperedError(
        f"data key wrapped by {kek_id!r} failed authentication: the header was altered, or "
        "the keyring holds different key bytes under that id"
    )


def moved_error(table: str, column: str, record_id: str) -> TamperedError:
    return TamperedError(
        "sealed value failed authentication: it was altered, or copied from another "
        f"record, column or owner ({table}.{column} id {record_id})"
    )


def _data_key_and_nonce(keyring: Keyring, blob: bytes) -> tuple[bytes, bytes]:
    """Test seam: the (data key, payload nonce) pair a value was sealed with."""
    parts = _parse(blob)
    return _unwrap(keyring, parts), parts.nonce
