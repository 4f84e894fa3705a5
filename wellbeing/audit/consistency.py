"""Compare the log with its signed checkpoints: a cut tail, an emptied log, a rewrite, a forgery.

A hash chain alone cannot tell a log whose newest entries were deleted (and its head row moved
back) from a shorter honest one. A checkpoint can: it is signed with a key the database does not
hold, so "entry N had hash H at time T" cannot be forged by whoever can write the database, and
it is kept both in `audit_checkpoints` and in the instance folder's checkpoint log, so emptying
the table does not erase it. See docs/threat-model.md (audit log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from wellbeing.audit.checkpoint import signature_is_valid
from wellbeing.audit.errors import CheckpointError
from wellbeing.audit.heads import SignedHead
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead

_BATCH = 500


class Truncated(CheckpointError):
    """Entries a checkpoint vouched for are no longer in the log."""


@dataclass(frozen=True)
class Consistency:
    """What the comparison found when nothing is wrong: the newest checkpoint and how many."""

    newest: SignedHead | None
    checked: int


def check_consistency(
    session: Session, public_key: Ed25519PublicKey, heads: list[SignedHead]
) -> Consistency:
    """Raise `CheckpointError` (`Truncated` for a cut log) unless every checkpoint holds.

    Every checkpoint must carry a valid signature; the newest must not lie beyond the head
    (else "N rows missing after checkpoint at T"); every retained entry a checkpoint names
    must still have the signed hash; and a purge that removed checkpointed entries must have
    been signed at its own `audit.purged` entry (else deleting a prefix could pose as one).
    """
    for head in heads:
        if not signature_is_valid(public_key, head.checkpoint):
            raise CheckpointError(
                f"the checkpoint at {head.checkpoint.time} (seq {head.checkpoint.seq}) in the "
                f"{head.source} has an invalid signature: forged, or signed with another key"
            )
    if not heads:
        return Consistency(None, 0)
    row = _head_row(session)
    newest = max(heads, key=lambda head: (head.checkpoint.seq, head.checkpoint.time))
    if row is None:
        raise Truncated(f"the audit_head row is missing; {_covered(newest)}")
    if newest.checkpoint.seq > row.seq:
        missing = newest.checkpoint.seq - row.seq
        raise Truncated(
            f"{missing} rows missing after checkpoint at {newest.checkpoint.time}: it signed "
            f"entry {newest.checkpoint.seq}, the log now ends at entry {row.seq}"
        )
    _check_hashes(session, row, heads)
    _check_purge(session, row, heads)
    return Consistency(newest, len(heads))


def missing_from_table(table: list[SignedHead], log: list[SignedHead]) -> list[SignedHead]:
    """Checkpoints the log file holds but the table lost (the table is append-only)."""
    stored = {(h.checkpoint.seq, h.checkpoint.hash, h.checkpoint.time) for h in table}
    return [
        h for h in log if (h.checkpoint.seq, h.checkpoint.hash, h.checkpoint.time) not in stored
    ]


def _head_row(session: Session) -> Row[int, str, int, str] | None:
    return session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.anchor_seq, AuditHead.anchor_hash).where(
            AuditHead.id == HEAD_ID
        )
    ).one_or_none()


def _covered(head: SignedHead) -> str:
    checkpoint = head.checkpoint
    return f"the checkpoint at {checkpoint.time} signed entries up to {checkpoint.seq}"


def _check_hashes(
    session: Session, row: Row[int, str, int, str], heads: Iterable[SignedHead]
) -> None:
    wanted: dict[int, SignedHead] = {}
    for head in heads:
        seq = head.checkpoint.seq
        if seq == row.anchor_seq and head.checkpoint.hash != row.anchor_hash:
            raise _rewritten(head)
        if seq > row.anchor_seq:
            wanted.setdefault(seq, head)
            if wanted[seq].checkpoint.hash != head.checkpoint.hash:
                raise _rewritten(head)  # two valid checkpoints disagree: the log forked
    seqs = sorted(wanted)
    for start in range(0, len(seqs), _BATCH):
        batch = seqs[start : start + _BATCH]
        query = select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(batch))
        found = {seq: hash_ for seq, hash_ in session.execute(query)}
        for seq in batch:
            if found.get(seq) != wanted[seq].checkpoint.hash:
                raise _rewritten(wanted[seq])


def _rewritten(head: SignedHead) -> CheckpointError:
    checkpoint = head.checkpoint
    return CheckpointError(
        f"entry {checkpoint.seq} no longer has the hash signed at {checkpoint.time}: "
        "the log was rewritten"
    )


def _check_purge(session: Session, row: Row[int, str, int, str], heads: list[SignedHead]) -> None:
    """A purge since checkpoints began must be signed at its own `audit.purged` entry.

    (A purge from before the first checkpoint cannot be, and needs not: no checkpoint
    vouched for what it removed.)
    """
    if row.anchor_seq == 0:
        return
    purge = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(
            AuditEntry.action == "audit.purged",
            AuditEntry.target_id == str(row.anchor_seq),
            AuditEntry.seq.is_not(None),
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).one_or_none()
    if purge is not None and not any(h.checkpoint.seq < purge.seq for h in heads):
        return  # purged before the first checkpoint
    if purge is None or (purge.seq, purge.hash) not in {
        (h.checkpoint.seq, h.checkpoint.hash) for h in heads
    }:
        raise Truncated(
            f"entries up to {row.anchor_seq} are gone, but no signed checkpoint vouches for a "
            "purge through them: they were deleted, not purged"
        )
