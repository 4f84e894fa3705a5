"""Issue 21, point 2: signed heads catch what the chain alone cannot — a cut tail, an emptied
log, a deleted head row, a forged checkpoint and a deletion posing as a purge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.consistency import Truncated, check_consistency
from wellbeing.audit.errors import CheckpointError
from wellbeing.audit.heads import checkpoint_now, record_checkpoint, table_heads
from wellbeing.audit.models import AuditEntry
from wellbeing.audit.verify import verify_chain
from wellbeing.crypto import load_audit_signing_key, new_keyring

Append = Callable[..., list[AuditEntry]]
GENESIS = "0" * 64


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return load_audit_signing_key(new_keyring())


def _check(session: Session, key: Ed25519PrivateKey) -> Any:
    return check_consistency(session, key.public_key(), table_heads(session))


def test_an_intact_log_with_checkpoints_passes(
    db_session: Session, append: Append, key: Ed25519PrivateKey
) -> None:
    append(3)
    first = record_checkpoint(db_session, key, "schedule")
    append(2)  # entries after the newest checkpoint are fine
    newest = record_checkpoint(db_session, key, "release")
    append(1)
    result = _check(db_session, key)
    assert result.checked >= 2
    assert result.newest is not None
    assert (result.newest.checkpoint.seq, result.newest.checkpoint.hash) == (
        newest.seq,
        newest.hash,
    )
    assert newest.seq == first.seq + 2


def test_a_cut_tail_is_n_rows_missing_after_the_checkpoint(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tamper: Any
) -> None:
    entries = append(5)
    signed = record_checkpoint(db_session, key, "schedule")
    tamper("DELETE FROM audit_entries WHERE seq > :s", s=entries[2].seq)
    tamper("UPDATE audit_head SET seq = :s, hash = :h", s=entries[2].seq, h=entries[2].hash)
    assert verify_chain(db_session).ok  # the chain alone cannot tell
    with pytest.raises(Truncated, match=f"^2 rows missing after checkpoint at {signed.time}"):
        _check(db_session, key)


def test_an_emptied_log_is_caught(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tamper: Any
) -> None:
    append(4)
    signed = record_checkpoint(db_session, key, "schedule")
    tamper("DELETE FROM audit_entries")
    tamper("UPDATE audit_head SET seq = anchor_seq, hash = anchor_hash")
    report = verify_chain(db_session)
    assert report.ok
    assert report.entries == 0
    with pytest.raises(Truncated, match=f"{signed.seq - report.last_seq} rows missing after"):
        _check(db_session, key)


def test_a_deleted_head_row_is_a_clear_error(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tamper: Any
) -> None:
    append(2)
    record_checkpoint(db_session, key, "schedule")
    tamper("DELETE FROM audit_head")
    with pytest.raises(Truncated, match="the audit_head row is missing; the checkpoint at"):
        _check(db_session, key)


def test_a_checkpoint_signed_with_another_key_is_refused(
    db_session: Session, append: Append, key: Ed25519PrivateKey
) -> None:
    append(2)
    record_checkpoint(db_session, key, "schedule")
    forger = load_audit_signing_key(new_keyring())
    record_checkpoint(db_session, forger, "schedule")  # written by someone without our key
    with pytest.raises(CheckpointError, match="invalid signature: forged, or signed with another"):
        _check(db_session, key)


def test_a_consistent_rewrite_below_a_checkpoint_is_caught(
    db_session: Session, append: Append, key: Ed25519PrivateKey, rewrite: Any
) -> None:
    entries = append(4)
    record_checkpoint(db_session, key, "schedule")
    rewrite(entries[1].seq, "forged")
    assert verify_chain(db_session).ok
    with pytest.raises(CheckpointError, match="no longer has the hash signed at"):
        _check(db_session, key)


def test_a_deleted_prefix_posing_as_a_purge_is_caught(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tamper: Any
) -> None:
    entries = append(4)
    record_checkpoint(db_session, key, "schedule")
    cut = entries[2]
    tamper("DELETE FROM audit_entries WHERE seq <= :s", s=cut.seq)
    tamper("UPDATE audit_head SET anchor_seq = :s, anchor_hash = :h", s=cut.seq, h=cut.hash)
    assert verify_chain(db_session).ok
    with pytest.raises(Truncated, match="deleted, not purged"):
        _check(db_session, key)


def test_a_signed_purge_passes(
    db_session: Session, append: Append, key: Ed25519PrivateKey, frozen_clock: Any
) -> None:
    append(3)
    record_checkpoint(db_session, key, "schedule")
    frozen_clock.advance(days=200)
    assert audit.purge_expired(db_session, frozen_clock.now, retention_days=183) > 0
    record_checkpoint(db_session, key, "purge")  # as `wellbeing audit purge` does
    assert _check(db_session, key).newest is not None


def test_the_hook_signs_with_the_process_keyring_or_skips_without_one(
    db_session: Session, append: Append, caplog: pytest.LogCaptureFixture
) -> None:
    from wellbeing.sealing.columns import set_active_keyring

    append(1)
    ring = new_keyring()
    set_active_keyring(ring)  # restored by the autouse fixture
    signed = checkpoint_now(db_session, "release")
    assert signed is not None
    check_consistency(
        db_session, load_audit_signing_key(ring).public_key(), table_heads(db_session)
    )
    set_active_keyring(None)
    with caplog.at_level("WARNING"):
        assert checkpoint_now(db_session, "release") is None
    assert "no audit signing key" in caplog.text


def test_checkpoints_are_append_only_on_postgresql(
    db_session: Session, append: Append, key: Ed25519PrivateKey
) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists only on PostgreSQL")
    append(1)
    record_checkpoint(db_session, key, "schedule")
    for sql in (
        "UPDATE audit_checkpoints SET seq = seq + 1",
        "DELETE FROM audit_checkpoints",
        "TRUNCATE audit_checkpoints",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(sql))
