"""`Binder`: the framing of one sealed column done once, so each value costs little beyond AES.

A value's associated data is the format version, then the encoded binding: purpose, table and
column (the same for every value of a column), then the record id and owner. A binder encodes the
fixed part once, keeps the encoded length head of each id length and the encoded field of each
owner it has seen, and remembers the derived state (cipher objects, headers) of the last keyring it
was given; sealing a value then builds its associated data with two concatenations and calls AES.
The bytes are exactly those of `seal` / `open_sealed` with the equivalent `Binding`: the format
does not change.
"""

from __future__ import annotations

import struct
from os import urandom
from typing import cast

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
    open_checked,
)
from wellbeing.crypto.keyring import Keyring

_MAX_CACHED = 4096  # encoded owners kept per column; past that the cache starts again


class Binder:
    """The fixed part of every binding of one sealed column (purpose, table, column).

    `binder.seal(keyring, p, record_id, owner)` returns what `seal(keyring, p, Binding(purpose,
    table, column, record_id, owner))` would, and `binder.open` opens either, raising the same
    errors as `open_sealed`. Safe to share between threads.
    """

    __slots__ = ("_heads", "_last", "_owners", "_prefix", "column", "purpose", "table")

    def __init__(self, purpose: str, table: str, column: str) -> None:
        Binding(purpose, table, column, "-")  # the same checks as every binding
        self.purpose, self.table, self.column = purpose, table, column
        fields = b"".join(encode_field(value) for value in (purpose, table, column))
        self._prefix = bytes([FORMAT_VERSION]) + BINDING_CONTEXT + fields
        self._heads: dict[int, bytes] = {}  # id length -> prefix, id marker and length
        self._owners: dict[str | None, bytes] = {None: encode_field(None)}
        # The last keyring used and its state (no keyring is None, so the first use remembers).
        self._last: tuple[Keyring | None, KeyringState] = (None, cast(KeyringState, None))

    def binding(self, record_id: str, owner: str | None) -> Binding:
        """The full binding of this column's value in record `record_id` of `owner`."""
        return Binding(self.purpose, self.table, self.column, record_id, owner)

    def aad(self, record_id: str, owner: str | None) -> bytes:
        """The payload's associated data of this column's value in that record."""
        raw_id = record_id.encode()
        head = self._heads.get(len(raw_id)) or self._add_head(len(raw_id))
        return head + raw_id + (self._owners.get(owner) or self._add_owner(owner))

    def seal(self, keyring: Keyring, plaintext: bytes, record_id: str, owner: str | None) -> bytes:
        """Seal `plaintext` as this column's value in record `record_id` of `owner`."""
        # The bodies of aad() and seal_under(), inlined: every call here costs a few percent.
        last = self._last
        keys = last[1] if last[0] is keyring else self._remember(keyring)
        raw_id = record_id.encode()
        head = self._heads.get(len(raw_id)) or self._add_head(len(raw_id))
        aad = head + raw_id + (self._owners.get(owner) or self._add_owner(owner))
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
        # The bodies of aad() and open_with(), inlined, as in seal().
        last = self._last
        keys = last[1] if last[0] is keyring else self._remember(keyring)
        raw_id = record_id.encode()
        head = self._heads.get(len(raw_id)) or self._add_head(len(raw_id))
        aad = head + raw_id + (self._owners.get(owner) or self._add_owner(owner))
        try:
            header, wrap_nonce, wrapped, nonce = keys.split(blob)
            unwrap, wrap_aad = keys.unwrap_by_header[header]
            data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
            return AESGCM(data_key).decrypt(nonce, blob[keys.body_end :], aad)
        except (struct.error, KeyError, InvalidTag):
            pass
        try:  # again step by step, raising the precise error
            return open_checked(keyring, blob, aad)
        except InvalidTag:
            raise moved_error(self.table, self.column, record_id) from None

    def _remember(self, keyring: Keyring) -> KeyringState:
        keys = keyring_state(keyring)
        self._last = (keyring, keys)  # one tuple: another thread sees the old pair or the new
        return keys

    def _add_head(self, length: int) -> bytes:
        if not length:
            raise ValueError("a binding needs a non-empty record_id")
        head = self._prefix + FIELD_LENGTH.pack(1, length)
        self._heads[length] = head
        return head

    def _add_owner(self, owner: str | None) -> bytes:
        field = encode_field(owner)
        if len(self._owners) >= _MAX_CACHED:
            self._owners = {None: encode_field(None)}
        self._owners[owner] = field
        return field
