"""Signed checkpoints: a valid one verifies; a rewrite, a cut log or another key is caught."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from wellbeing.audit.checkpoint import check_checkpoint, read_checkpoint, write_checkpoint
from wellbeing.audit.errors import CheckpointError
from wellbeing.audit.models import AuditEntry
from wellbeing.audit.verify import verify_chain
from wellbeing.crypto import load_audit_signing_key, new_keyring

Append = Callable[..., list[AuditEntry]]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return load_audit_signing_key(new_keyring())


def test_checkpoint_of_an_untouched_log_verifies(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    entries = append(3)
    written = write_checkpoint(db_session, key, tmp_path / "cp.json")
    assert (written.seq, written.hash) == (entries[-1].seq, entries[-1].hash)
    document = json.loads((tmp_path / "cp.json").read_text())
    assert set(document) == {"version", "seq", "hash", "time", "public_key", "signature"}
    append(2)  # later appends do not disturb an older checkpoint
    check_checkpoint(db_session, key.public_key(), read_checkpoint(tmp_path / "cp.json"))


def test_a_consistent_rewrite_passes_the_chain_but_not_the_checkpoint(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tmp_path: Path, rewrite: Any
) -> None:
    entries = append(4)
    write_checkpoint(db_session, key, tmp_path / "cp.json")
    rewrite(entries[1].seq, "forged")
    assert verify_chain(db_session).ok  # the forger re-hashed everything after the edit
    with pytest.raises(CheckpointError, match="rewritten"):
        check_checkpoint(db_session, key.public_key(), read_checkpoint(tmp_path / "cp.json"))


def test_a_log_cut_below_the_checkpoint_is_caught(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tmp_path: Path, tamper: Any
) -> None:
    entries = append(3)
    write_checkpoint(db_session, key, tmp_path / "cp.json")
    tamper("DELETE FROM audit_entries WHERE seq = :s", s=entries[-1].seq)
    tamper("UPDATE audit_head SET seq = :s, hash = :h", s=entries[-2].seq, h=entries[-2].hash)
    assert verify_chain(db_session).ok
    with pytest.raises(CheckpointError, match="removed"):
        check_checkpoint(db_session, key.public_key(), read_checkpoint(tmp_path / "cp.json"))


def test_another_key_or_an_edited_file_fails_the_signature(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    append(1)
    path = tmp_path / "cp.json"
    write_checkpoint(db_session, key, path)
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(CheckpointError, match="signature"):
        check_checkpoint(db_session, other, read_checkpoint(path))
    document = json.loads(path.read_text())
    document["seq"] -= 1
    path.write_text(json.dumps(document))
    with pytest.raises(CheckpointError, match="signature"):
        check_checkpoint(db_session, key.public_key(), read_checkpoint(path))


def test_a_broken_chain_is_not_signed(
    db_session: Session, append: Append, key: Ed25519PrivateKey, tmp_path: Path, tamper: Any
) -> None:
    entries = append(2)
    tamper("UPDATE audit_entries SET target_type = 'x' WHERE seq = :s", s=entries[0].seq)
    with pytest.raises(CheckpointError, match="broken"):
        write_checkpoint(db_session, key, tmp_path / "cp.json")
    assert not (tmp_path / "cp.json").exists()


def test_unreadable_checkpoint_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    path.write_text("{not json")
    with pytest.raises(CheckpointError, match="unreadable"):
        read_checkpoint(path)
    with pytest.raises(CheckpointError, match="unreadable"):
        read_checkpoint(tmp_path / "missing.json")
