"""`Binder`, the sealed columns' fast path: the same bytes and errors as `seal`/`open_sealed`
with the equivalent `Binding`, old values still open, and keyring changes are seen at once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellbeing.crypto import (
    Binder,
    Binding,
    CryptoError,
    Kek,
    KeyMissingError,
    Keyring,
    TamperedError,
    UnsupportedFormatError,
    new_keyring,
    open_json,
    open_sealed,
    parse_header,
    rewrap,
    seal,
)
from wellbeing.crypto.envelope import _data_key_and_nonce, _payload_aad

KEYRING = new_keyring()
BINDER = Binder("submission.payload", "submissions", "payload")
RECORD = "0123456789abcdef0123456789abcdef"

# Sealed by the code before Binder existed (format 1), under a fixed keyring: they must open.
KEK = Kek("kek-2026-01-01-0a1b2c3d", "2026-01-01T00:00:00+00:00", bytes(range(32)))
OLD_KEK = Kek("old-key", "2025-01-01T00:00:00+00:00", bytes(range(32, 64)))
FIXED = Keyring(KEK.id, (KEK, OLD_KEK))
SEALED_BEFORE = bytes.fromhex(
    "01176b656b2d323032362d30312d30312d306131623263336490a6345bc09756a6e1928577962339b4c31f444e"
    "773e12a0dec898393a578a03a2afa066b558799d58116363309580c3f8e3f06d102aa9fdd99b4b3029affffeae"
    "e4cee4aa1bad47f84196d9b94e03442eef1089556d1d4c6e1eaebe854aa11dbb4e19d2381149b2287674f820f9"
    "6b8a9f5eade5089c5ec3dc9f43"
)
SEALED_BEFORE_OLD_KEY = bytes.fromhex(  # under a KEK whose id is shorter than the primary's
    "01076f6c642d6b657957cff8b2320bbf91b0ec8eafc9acb3818717d81843d908fed1d0874081a30c6e0dfe35c3"
    "b237f413fe50757c68676ad5efcc68465dd7922c8b13d09ee47e380067d285ae29c6aa0e672422b4a2b97402df"
    "93c7bfd45e3a46f1ac3dd40742b814f069dcb87d5afd"
)

owners = st.none() | st.text(max_size=40)
record_ids = st.text(min_size=1, max_size=40)


@given(record_ids, owners)
def test_associated_data_is_the_bindings(record_id: str, owner: str | None) -> None:
    binding = BINDER.binding(record_id, owner)
    assert BINDER.aad(record_id, owner) == _payload_aad(1, binding)


@given(st.binary(max_size=2048), record_ids, owners)
def test_binder_and_binding_open_each_others_values(
    plaintext: bytes, record_id: str, owner: str | None
) -> None:
    binding = BINDER.binding(record_id, owner)
    assert open_sealed(KEYRING, BINDER.seal(KEYRING, plaintext, record_id, owner), binding) == (
        plaintext
    )
    assert BINDER.open(KEYRING, seal(KEYRING, plaintext, binding), record_id, owner) == plaintext


def test_values_sealed_before_still_open() -> None:
    fact = Binder("fact.result", "facts", "result")
    assert open_json(FIXED, SEALED_BEFORE, BINDER.binding(RECORD, "officer-7")) == {
        "answers": [1, 2, 3],
        "note": "你好",
    }
    opened = BINDER.open(FIXED, SEALED_BEFORE, RECORD, "officer-7")
    assert opened == '{"answers":[1,2,3],"note":"你好"}'.encode()
    assert fact.open(FIXED, SEALED_BEFORE_OLD_KEY, "f1", None) == b'{"answers":[0]}'


def test_old_values_are_upgraded_by_rewrap_and_still_open() -> None:
    moved = rewrap(FIXED, SEALED_BEFORE_OLD_KEY)
    assert parse_header(moved).kek_id == KEK.id
    assert Binder("fact.result", "facts", "result").open(FIXED, moved, "f1", None) == (
        b'{"answers":[0]}'
    )


def test_fresh_keys_and_nonces_every_time() -> None:
    blobs = [BINDER.seal(KEYRING, b"same", RECORD, "o") for _ in range(2000)]
    pairs = {_data_key_and_nonce(KEYRING, blob) for blob in blobs}
    assert len(pairs) == 2000
    assert len({key for key, _ in pairs}) == 2000
    assert len({nonce for _, nonce in pairs}) == 2000


@pytest.mark.parametrize(
    ("record_id", "owner", "binder"),
    [
        ("another-record", "officer-1", BINDER),
        (RECORD, "officer-2", BINDER),
        (RECORD, None, BINDER),
        (RECORD, "officer-1", Binder("submission.payload", "submissions", "notes")),
        (RECORD, "officer-1", Binder("referral.note", "submissions", "payload")),
    ],
    ids=["row", "owner", "no-owner", "column", "purpose"],
)
def test_value_moved_elsewhere_fails(record_id: str, owner: str | None, binder: Binder) -> None:
    blob = BINDER.seal(KEYRING, b"answers", RECORD, "officer-1")
    with pytest.raises(TamperedError, match="copied from another"):
        binder.open(KEYRING, blob, record_id, owner)


def test_every_flipped_bit_and_every_cut_fails() -> None:
    blob = BINDER.seal(KEYRING, b"short", RECORD, "officer-1")
    for position in range(len(blob)):
        for bit in range(8):
            altered = bytearray(blob)
            altered[position] ^= 1 << bit
            with pytest.raises(CryptoError):
                BINDER.open(KEYRING, bytes(altered), RECORD, "officer-1")
    for cut in range(len(blob)):
        with pytest.raises(CryptoError):
            BINDER.open(KEYRING, blob[:cut], RECORD, "officer-1")


def test_errors_are_those_of_open_sealed() -> None:
    blob = BINDER.seal(KEYRING, b"answers", RECORD, "officer-1")
    with pytest.raises(KeyMissingError) as caught:
        BINDER.open(new_keyring(), blob, RECORD, "officer-1")
    assert caught.value.kek_id == KEYRING.primary_id
    with pytest.raises(UnsupportedFormatError):
        BINDER.open(KEYRING, b"\x02" + blob[1:], RECORD, "officer-1")
    impostor = Keyring(KEYRING.primary_id, (Kek(KEYRING.primary_id, "now", bytes(32)),))
    with pytest.raises(TamperedError, match="different key bytes"):
        BINDER.open(impostor, blob, RECORD, "officer-1")
    with pytest.raises(TamperedError, match="truncated"):
        BINDER.open(KEYRING, blob[:-20], RECORD, "officer-1")
    with pytest.raises(ValueError, match="record_id"):
        BINDER.seal(KEYRING, b"answers", "", "officer-1")


def test_buffers_other_than_bytes_open() -> None:
    blob = BINDER.seal(KEYRING, b"answers", RECORD, None)
    assert BINDER.open(KEYRING, memoryview(blob), RECORD, None) == b"answers"  # type: ignore[arg-type]
    assert BINDER.open(KEYRING, bytearray(blob), RECORD, None) == b"answers"  # type: ignore[arg-type]


def test_a_new_keyring_is_used_at_once() -> None:
    ring = new_keyring()
    binder = Binder("p", "t", "c")
    first = binder.seal(ring, b"x", "r", None)
    promoted = ring.with_added_key()
    promoted = promoted.promote(promoted.keys[-1].id)
    second = binder.seal(promoted, b"x", "r", None)
    assert parse_header(first).kek_id == ring.primary_id
    assert parse_header(second).kek_id == promoted.primary_id
    assert binder.open(promoted, first, "r", None) == binder.open(promoted, second, "r", None)
    with pytest.raises(KeyMissingError):
        binder.open(ring, second, "r", None)


@pytest.mark.parametrize(
    "record_id",
    [RECORD, "é" * 16, RECORD[:31], RECORD + "0"],
    ids=["usual-length", "usual-bytes-non-ascii", "shorter", "longer"],
)
def test_ids_of_every_length_and_many_owners_keep_the_bindings_bytes(record_id: str) -> None:
    """The per-owner frames serve ids of `ID_BYTES` bytes; other lengths and owners past the
    frame cache's size go the long way, with the same associated data."""
    binder = Binder("submission.payload", "submissions", "payload")
    for number in range(4200):  # past the cache's size, so it starts again on the way
        owner = None if number == 0 else f"officer-{number}"
        assert binder.aad(record_id, owner) == _payload_aad(1, binder.binding(record_id, owner))
    sealed = seal(KEYRING, b"answers", binder.binding(record_id, "officer-1"))
    assert binder.open(KEYRING, sealed, record_id, "officer-1") == b"answers"
    assert binder.open(KEYRING, binder.seal(KEYRING, b"x", record_id, None), record_id, None) == (
        b"x"
    )
    with pytest.raises(TamperedError, match="copied from another"):
        binder.open(KEYRING, sealed, record_id, "officer-2")


def test_binder_checks_its_fixed_fields() -> None:
    with pytest.raises(ValueError, match="column"):
        Binder("p", "t", "")
    assert Binder("p", "t", "c").binding("r", "o") == Binding("p", "t", "c", "r", "o")
