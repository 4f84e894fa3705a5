"""Re-wrapping many values under one keyring at the speed of AES-GCM.

`rewrap` (wellbeing.crypto) parses and checks each value step by step, which costs more than the
two AES-GCM calls a re-wrap needs; over a million records that is most of the Python time of a
rotation. A `Rewrapper` derives what a keyring needs once and re-wraps a value with one unpack,
one unwrap and one wrap, falling back to `rewrap` for any value it cannot take the fast way (an
id of another length, a damaged value), so the errors are `rewrap`'s own. The bytes are the same.
"""

from __future__ import annotations

import struct
from os import urandom

from cryptography.exceptions import InvalidTag

from wellbeing.crypto import Keyring, needs_rewrap, rewrap
from wellbeing.crypto.envelope import NONCE_BYTES, WRAPPED_KEY_BYTES, keyring_state

_WRAP_BYTES = NONCE_BYTES + WRAPPED_KEY_BYTES


class Rewrapper:
    """Re-wraps values under the primary KEK of one keyring; with `fronts_only`, returns only
    the new front (header, wrap nonce, wrapped key), the rest of the value being unchanged."""

    __slots__ = ("_aad", "_front", "_split", "_unwrap", "_wrap", "fronts_only", "header", "keyring")

    def __init__(self, keyring: Keyring, *, fronts_only: bool = False) -> None:
        keys = keyring_state(keyring)
        self.keyring, self.fronts_only = keyring, fronts_only
        self._split = keys.split  # header, wrap nonce, wrapped key, payload nonce
        self._unwrap = keys.unwrap_by_header
        _, cipher, self.header, self._aad = keys.primary
        self._wrap = cipher.encrypt
        self._front = keys.body_end - NONCE_BYTES  # header and wrap: what a re-wrap replaces

    def __call__(self, blob: bytes) -> bytes | None:
        """`blob` (or a prefix of it holding its payload nonce) with its data key re-wrapped
        under the primary; None when it is already under it. Raises `CryptoError` as `rewrap`."""
        try:
            header, wrap_nonce, wrapped, _ = self._split(blob)
            if header == self.header:
                return None
            unwrap, wrap_aad = self._unwrap[header]
            data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
        except (struct.error, KeyError, InvalidTag):
            return self._checked(blob)
        nonce = urandom(NONCE_BYTES)
        wrapped = self._wrap(nonce, data_key, self._aad)
        if self.fronts_only:
            return b"".join((self.header, nonce, wrapped))
        return b"".join((self.header, nonce, wrapped, blob[self._front :]))

    def _checked(self, blob: bytes) -> bytes | None:
        if not needs_rewrap(blob, self.keyring):
            return None
        new = rewrap(self.keyring, blob)
        return new[: len(self.header) + _WRAP_BYTES] if self.fronts_only else new
