"""Signed heads: checkpoints written on a schedule and at every release, key operation and purge.

Each checkpoint signs (seq, hash, time) of the log's head with the keyring's Ed25519 audit key —
a key held outside the database — and is stored twice: a row of `audit_checkpoints` (written in
the caller's transaction, so it commits or rolls back with the release or purge it vouches
for) and a line of the checkpoint log, a JSON-lines file in the instance folder that the
scheduled job `audit.checkpoint` appends to after its own commit (a line is never written for a
transaction that might still roll back, which would read as a truncation). `audit verify`
compares the log with the newest checkpoint of either copy (`audit.consistency`).

Checkpoint log line: {"version": 1, "seq", "hash", "time", "reason", "signature" (base64)}.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.audit.chain import FORMAT_VERSION
from wellbeing.audit.checkpoint import Checkpoint, sign_checkpoint, signature_is_valid
from wellbeing.audit.errors import CheckpointError
from wellbeing.audit.models import HEAD_ID, AuditCheckpoint, AuditHead
from wellbeing.audit.sequencer import link_all
from wellbeing.crypto import Keyring, KeyringError, load_audit_signing_key
from wellbeing.sealing.columns import active_keyring

CHECKPOINT_LOG = "audit-checkpoints.jsonl"
REASONS = frozenset({"schedule", "release", "key", "purge", "manual"})

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedHead:
    """A checkpoint with where it was found (`table` or `log`) and why it was made."""

    checkpoint: Checkpoint
    source: str
    reason: str


def checkpoint_log_path(instance_path: Path) -> Path:
    """The checkpoint log of an instance (keep a copy off the machine, like the keyring)."""
    return instance_path / CHECKPOINT_LOG


def record_checkpoint(session: Session, signing_key: Ed25519PrivateKey, reason: str) -> Checkpoint:
    """Link every entry this transaction sees (its own included), sign the head and add the
    row to `audit_checkpoints`; the head stays locked until the transaction ends."""
    if reason not in REASONS:
        raise CheckpointError(f"unknown checkpoint reason {reason!r}")
    link_all(session)
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).one_or_none()
    if head is None:
        raise CheckpointError("the audit_head row is missing: not signing")
    checkpoint = sign_checkpoint(signing_key, head.seq, head.hash)
    session.add(
        AuditCheckpoint(
            seq=checkpoint.seq,
            hash=checkpoint.hash,
            time=checkpoint.time,
            reason=reason,
            signature=base64.b64encode(checkpoint.signature).decode(),
        )
    )
    session.flush()
    return checkpoint


def checkpoint_now(
    session: Session, reason: str, keyring: Keyring | None = None
) -> Checkpoint | None:
    """The one-line hook for releases and key operations: sign the head in this transaction.

    Uses `keyring`, else the process keyring. Without an audit signing key it logs a warning
    and signs nothing (the release or key operation itself must not fail for it; the scheduled
    job, which does fail, makes the missing key visible).
    """
    try:
        key = load_audit_signing_key(keyring or active_keyring())
    except KeyringError:
        logger.warning("audit checkpoint (%s) not signed: no audit signing key loaded", reason)
        return None
    return record_checkpoint(session, key, reason)


def newest_table_seq(session: Session) -> int | None:
    """The highest seq any stored checkpoint signed (None when there is none)."""
    return session.scalar(select(func.max(AuditCheckpoint.seq)))


def table_heads(session: Session, since_seq: int = 0) -> list[SignedHead]:
    """The stored checkpoints with seq ≥ `since_seq`, oldest first."""
    rows = session.scalars(
        select(AuditCheckpoint).where(AuditCheckpoint.seq >= since_seq).order_by(AuditCheckpoint.id)
    )
    return [SignedHead(_from_row(row), "table", row.reason) for row in rows]


def _from_row(row: AuditCheckpoint) -> Checkpoint:
    try:
        signature = base64.b64decode(row.signature, validate=True)
    except (ValueError, binascii.Error):
        signature = b""  # reported as an invalid signature
    return Checkpoint(row.seq, row.hash, row.time, signature)


def read_log(path: Path) -> list[SignedHead]:
    """Every checkpoint in the log file (none when the file does not exist)."""
    if not path.exists():
        return []
    heads = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                heads.append(_parse_line(path, number, line))
    return heads


def _parse_line(path: Path, number: int, line: str) -> SignedHead:
    try:
        document = json.loads(line)
        if document["version"] != FORMAT_VERSION:
            raise ValueError(f"unsupported version {document['version']!r}")
        signature = base64.b64decode(document["signature"], validate=True)
        checkpoint = Checkpoint(
            int(document["seq"]), str(document["hash"]), str(document["time"]), signature
        )
        return SignedHead(checkpoint, "log", str(document.get("reason", "")))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise CheckpointError(f"{path} line {number} is not a checkpoint: {exc}") from None


def append_to_log(path: Path, heads: list[SignedHead]) -> None:
    """Append checkpoints to the log file and flush them to disk."""
    if not heads:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for head in heads:
            handle.write(_line(head) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _line(head: SignedHead) -> str:
    checkpoint = head.checkpoint
    document = {
        "version": FORMAT_VERSION,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "time": checkpoint.time,
        "reason": head.reason,
        "signature": base64.b64encode(checkpoint.signature).decode(),
    }
    return json.dumps(document, sort_keys=True)


def unlogged(
    stored: list[SignedHead], logged: list[SignedHead], public_key: Ed25519PublicKey
) -> Iterator[SignedHead]:
    """Validly signed table checkpoints the log does not hold yet (a forged row is skipped)."""
    known = {_identity(head) for head in logged}
    for head in stored:
        if _identity(head) in known:
            continue
        if not signature_is_valid(public_key, head.checkpoint):
            logger.warning(
                "audit checkpoint row at seq %s has a bad signature", head.checkpoint.seq
            )
            continue
        yield head


def _identity(head: SignedHead) -> tuple[int, str, str]:
    return head.checkpoint.seq, head.checkpoint.hash, head.checkpoint.time
