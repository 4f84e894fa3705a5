"""`Binder`: the framing of one sealed column done once, so each value costs little beyond AES.

A value's associated data is the format version, then the encoded binding: purpose, table and
column (the same for every value of a column), then the record id and owner. A binder encodes the
fixed part once and keeps, per owner, a frame: the part before the record id (for ids of
`ID_BYTES`, the length `new_id()` makes) and the owner's encoded field after it, so the associated
data of a value is one `bytes.join` of the record id with its owner's frame. It also remembers the
derived state (cipher objects, headers, the split of a value) of the last keyring it was given.
Ids of other lengths, unknown KEK ids, other id lengths in headers, other format versions and
every failure go the long way, which raises the precise error. The bytes are exactly those of
`seal` / `open_sealed` with the equivalent `Binding`: the format does not change.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from os import urandom
from typing import Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wellbeing.crypto.envelope import (
    BINDING_CONTEXT,
    DATA_KEY_BYTES,
    FIELD_LENGTH,
    FORMAT_VERSION,
    RANDOM_BYTES,
    WRAP_NONCE_START,
    Binding,
    KeyringState,
    encode_field,
    keyring_state,
    moved_error,
    open_with,
)
from wellbeing.crypto.keyring import Keyring

ID_BYTES = 32  # every record id `new_id()` makes: the length the per-owner frames are built for
_MAX_CACHED = 4096  # owners' frames kept per column; past that the cache starts again

# The last keyring used, its state, and the three parts of that state opening reads per value
# (one tuple: another thread sees the old one or the new one, never a mix).
_Fast = tuple[
    Keyring | None,
    KeyringState,
    Callable[..., tuple[Any, ...]],
    Mapping[bytes, tuple[Callable[..., bytes], bytes]],
    int,
]


class Binder:
    """The fixed part of every binding of one sealed column (purpose, table, column).

    `binder.seal(keyring, p, record_id, owner)` returns what `seal(keyring, p, Binding(purpose,
    table, column, record_id, owner))` would, and `binder.open` opens either, raising the same
    errors as `open_sealed`. Safe to share between threads.
    """

    __slots__ = ("_fast", "_frames", "_heads", "_prefix", "column", "purpose", "table")

    def __init__(self, purpose: str, table: str, column: str) -> None:
        Binding(purpose, table, column, "-")  # the same checks as every binding
        self.purpose, self.table, self.column = purpose, table, column
        fields = b"".join(encode_field(value) for value in (purpose, table, column))
        self._prefix = bytes([FORMAT_VERSION]) + BINDING_CONTEXT + fields
        self._heads: dict[int, bytes] = {}  # id length -> prefix, id marker and length
        # owner -> (the head for ids of ID_BYTES, the owner's encoded field)
        self._frames: dict[str | None, tuple[bytes, bytes]] = {}
        # No keyring is None, so the first use remembers and the placeholders are never read.
        self._fast: _Fast = (None, cast(KeyringState, None), cast(Any, None), {}, 0)

    def binding(self, record_id: str, owner: str | None) -> Binding:
        """The full binding of this column's value in record `record_id` of `owner`."""
        return Binding(self.purpose, self.table, self.column, record_id, owner)

    def aad(self, record_id: str, owner: str | None) -> bytes:
        """The payload's associated data of this column's value in that record."""
        raw_id = record_id.encode()
        frame = self._frames.get(owner) or self._add_frame(owner)
        if len(raw_id) == ID_BYTES:
            return raw_id.join(frame)
        head = self._heads.get(len(raw_id)) or self._add_head(len(raw_id))
        return head + raw_id + frame[1]

    def seal(self, keyring: Keyring, plaintext: bytes, record_id: str, owner: str | None) -> bytes:
        """Seal `plaintext` as this column's value in record `record_id` of `owner`."""
        # The bodies of aad() and seal_under(), inlined: every call here costs a few percent.
        fast = self._fast
        keys = fast[1] if fast[0] is keyring else self._remember(keyring)[1]
        raw_id = record_id.encode()
        if len(raw_id) == ID_BYTES:
            aad = raw_id.join(self._frames.get(owner) or self._add_frame(owner))
        else:
            aad = self.aad(record_id, owner)
        _, cipher, header, wrap_aad = keys.primary
        random = urandom(RANDOM_BYTES)
        data_key = random[:DATA_KEY_BYTES]
        nonce = random[DATA_KEY_BYTES:WRAP_NONCE_START]
        wrap_nonce = random[WRAP_NONCE_START:]
        ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, aad)
        wrapped = cipher.encrypt(wrap_nonce, data_key, wrap_aad)
        return b"".join((header, wrap_nonce, wrapped, nonce, ciphertext))

    def open(self, keyring: Keyring, blob: bytes, record_id: str, owner: str | None) -> bytes:
        """Open this column's value in record `record_id` of `owner`, or raise KeyMissingError,
        TamperedError or UnsupportedFormatError as `open_sealed` does."""
        # aad() and open_with() inlined, the keyring's parts read from one tuple: each attribute
        # read or call left out here is a measurable share of the Python around two AES calls.
        known, _, split, unwrap_by_header, body_end = self._fast
        if known is not keyring:
            known, _, split, unwrap_by_header, body_end = self._remember(keyring)
        raw_id = record_id.encode()
        if len(raw_id) == ID_BYTES:
            try:  # one unpack of header and parts, no checks (AES-GCM checks all), or KeyError
                header, wrap_nonce, wrapped, nonce = split(blob)
                unwrap, wrap_aad = unwrap_by_header[header]
                aad = raw_id.join(self._frames[owner])
                data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
                return AESGCM(data_key).decrypt(nonce, blob[body_end:], aad)
            except (struct.error, KeyError, InvalidTag):
                pass
        return self._open_long_way(keyring, blob, record_id, owner)

    def _open_long_way(
        self, keyring: Keyring, blob: bytes, record_id: str, owner: str | None
    ) -> bytes:
        """Open step by step (a new owner, another id length or KEK, or a failure), raising the
        precise error; a new owner's frame is kept for the next value."""
        try:
            return open_with(keyring_state(keyring), blob, self.aad(record_id, owner))
        except InvalidTag:
            raise moved_error(self.table, self.column, record_id) from None

    def _remember(self, keyring: Keyring) -> _Fast:
        keys = keyring_state(keyring)
        fast: _Fast = (keyring, keys, keys.split, keys.unwrap_by_header, keys.body_end)
        self._fast = fast
        return fast

    def _add_head(self, length: int) -> bytes:
        if not length:
            raise ValueError("a binding needs a non-empty record_id")
        head = self._prefix + FIELD_LENGTH.pack(1, length)
        self._heads[length] = head
        return head

    def _add_frame(self, owner: str | None) -> tuple[bytes, bytes]:
        frame = (self._heads.get(ID_BYTES) or self._add_head(ID_BYTES), encode_field(owner))
        if len(self._frames) >= _MAX_CACHED:
            self._frames = {}
        self._frames[owner] = frame
        return frame
