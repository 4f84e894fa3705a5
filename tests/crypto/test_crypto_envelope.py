"""Envelope encryption: round trips, fresh randomness, binding, tamper detection, formats."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing.crypto import (
    Binding,
    CryptoError,
    KeyMissingError,
    TamperedError,
    UnsupportedFormatError,
    new_keyring,
    open_json,
    open_sealed,
    parse_header,
    rewrap,
    seal,
    seal_json,
)
from wellbeing.crypto.envelope import _data_key_and_nonce, _parse

KEYRING = new_keyring()
BINDING = Binding("submission.payload", "submissions", "payload", "r1", owner="officer-1")
PAYLOAD_START = 2 + len(KEYRING.primary_id) + 12 + 48  # where the payload nonce begins

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@given(st.binary(max_size=4096))
def test_round_trip_of_random_bytes(plaintext: bytes) -> None:
    assert open_sealed(KEYRING, seal(KEYRING, plaintext, BINDING), BINDING) == plaintext


@given(json_values)
def test_round_trip_of_random_json(value: object) -> None:
    assert open_json(KEYRING, seal_json(KEYRING, value, BINDING), BINDING) == value


def test_same_plaintext_sealed_twice_differs() -> None:
    first, second = (seal(KEYRING, b'{"phq9": [0, 1, 2]}', BINDING) for _ in range(2))
    assert first != second
    assert first[PAYLOAD_START:] != second[PAYLOAD_START:]


def test_no_key_nonce_pair_repeats_over_100000_seals() -> None:
    pairs, wrap_nonces = set(), set()
    for _ in range(100_000):
        blob = seal(KEYRING, b"same answers", BINDING)
        pairs.add(_data_key_and_nonce(KEYRING, blob))
        wrap_nonces.add(_parse(blob).wrap_nonce)  # all wrapped under one KEK
    assert len(pairs) == 100_000
    assert len({key for key, _ in pairs}) == 100_000
    assert len(wrap_nonces) == 100_000


@pytest.mark.parametrize(
    "other",
    [
        Binding("submission.payload", "submissions", "payload", "r2", owner="officer-1"),
        Binding("submission.payload", "submissions", "notes", "r1", owner="officer-1"),
        Binding("submission.payload", "drafts", "payload", "r1", owner="officer-1"),
        Binding("referral.note", "submissions", "payload", "r1", owner="officer-1"),
        Binding("submission.payload", "submissions", "payload", "r1", owner="officer-2"),
        Binding("submission.payload", "submissions", "payload", "r1", owner=None),
        Binding("submission.payload", "submissions", "payload", "r1", owner=""),
    ],
    ids=["row", "column", "table", "purpose", "owner", "no-owner", "empty-owner"],
)
def test_value_moved_elsewhere_fails(other: Binding) -> None:
    blob = seal(KEYRING, b"answers", BINDING)
    with pytest.raises(TamperedError, match="copied from another"):
        open_sealed(KEYRING, blob, other)


def test_binding_encoding_is_unambiguous() -> None:
    # Plain concatenation would make these two equal.
    one = Binding("p", "t", "ab", "c")
    two = Binding("p", "t", "a", "bc")
    assert one.encode() != two.encode()
    assert Binding("p", "t", "c", "r", None).encode() != Binding("p", "t", "c", "r", "").encode()


def test_binding_needs_a_record_id() -> None:
    with pytest.raises(ValueError, match="record_id"):
        Binding("p", "t", "c", "")


def test_every_flipped_bit_fails() -> None:
    blob = seal(KEYRING, b"short", BINDING)
    for position in range(len(blob)):
        for bit in range(8):
            altered = bytearray(blob)
            altered[position] ^= 1 << bit
            expected = TamperedError if position >= PAYLOAD_START else CryptoError
            with pytest.raises(expected):
                open_sealed(KEYRING, bytes(altered), BINDING)


@settings(max_examples=200)
@given(st.data())
def test_truncated_or_extended_blob_fails(data: st.DataObject) -> None:
    blob = seal(KEYRING, b"some answers", BINDING)
    cut = data.draw(st.integers(0, len(blob) - 1))
    extra = data.draw(st.binary(min_size=1, max_size=8))
    with pytest.raises(CryptoError):
        open_sealed(KEYRING, blob[:cut], BINDING)
    with pytest.raises(TamperedError):
        open_sealed(KEYRING, blob + extra, BINDING)


def test_missing_kek_raises_key_missing_with_the_id() -> None:
    blob = seal(KEYRING, b"answers", BINDING)
    other = new_keyring()
    with pytest.raises(KeyMissingError) as caught:
        open_sealed(other, blob, BINDING)
    assert caught.value.kek_id == KEYRING.primary_id
    assert KEYRING.primary_id in str(caught.value)


def test_same_id_with_other_key_bytes_fails_authentication() -> None:
    blob = seal(KEYRING, b"answers", BINDING)
    impostor = new_keyring()
    kek = impostor.primary
    impostor = type(impostor)(
        KEYRING.primary_id, (type(kek)(KEYRING.primary_id, kek.created, kek.key),)
    )
    with pytest.raises(TamperedError, match="different key bytes"):
        open_sealed(impostor, blob, BINDING)


@pytest.mark.parametrize("version", [0, 2, 255])
def test_unknown_format_version_is_refused(version: int) -> None:
    blob = bytearray(seal(KEYRING, b"answers", BINDING))
    blob[0] = version
    with pytest.raises(UnsupportedFormatError) as caught:
        open_sealed(KEYRING, bytes(blob), BINDING)
    assert caught.value.version == version


def test_empty_blob_is_refused() -> None:
    with pytest.raises(TamperedError):
        parse_header(b"")


def test_header_is_readable_without_keys() -> None:
    header = parse_header(seal(KEYRING, b"answers", BINDING))
    assert (header.version, header.kek_id) == (1, KEYRING.primary_id)


def test_rewrap_changes_only_the_wrapping() -> None:
    keyring = KEYRING.with_added_key()
    new_id = keyring.keys[-1].id
    blob = seal(keyring, b"answers", BINDING)
    moved = rewrap(keyring, blob, new_id)
    assert parse_header(moved).kek_id == new_id
    assert moved[-(12 + 7 + 16) :] == blob[-(12 + 7 + 16) :]  # payload nonce + ciphertext kept
    assert _data_key_and_nonce(keyring, moved) == _data_key_and_nonce(keyring, blob)
    only_new = keyring.promote(new_id).without_key(KEYRING.primary_id)
    assert open_sealed(only_new, moved, BINDING) == b"answers"


def test_rewrap_defaults_to_primary_and_is_idempotent() -> None:
    keyring = KEYRING.with_added_key()
    blob = seal(keyring, b"answers", BINDING)
    promoted = keyring.promote(keyring.keys[-1].id)
    once = rewrap(promoted, blob)
    assert parse_header(once).kek_id == promoted.primary_id
    assert rewrap(promoted, once) is once


def test_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="JSON"):
        seal_json(KEYRING, float("nan"), BINDING)
