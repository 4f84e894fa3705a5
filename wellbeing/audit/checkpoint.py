"""Signed checkpoints: the head's seq and hash, signed with the keyring's Ed25519 audit key.

A checkpoint file is meant to be kept apart from the database (another machine, paper, a
ticket). Later, `check_checkpoint` proves the log was not rewritten since: the signature is
valid and the entry at that seq still has that hash, so (with an intact chain) every entry up
to it is unchanged. File format (JSON): {"version", "seq", "hash", "time", "public_key",
"signature"}; the signature covers the canonical JSON of {"v", "seq", "hash", "time"};
`public_key` (raw, base64) is informative only: verification uses the keyring's key.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.chain import FORMAT_VERSION, canonical_json, format_time
from wellbeing.audit.errors import CheckpointError
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead
from wellbeing.audit.sequencer import link_all
from wellbeing.audit.verify import verify_chain
from wellbeing.core.clock import utcnow


@dataclass(frozen=True)
class Checkpoint:
    """One signed statement: at `time`, entry `seq` of the log had hash `hash`."""

    seq: int
    hash: str
    time: str
    signature: bytes

    def message(self) -> bytes:
        """The signed bytes."""
        document = {"v": FORMAT_VERSION, "seq": self.seq, "hash": self.hash, "time": self.time}
        return canonical_json(document).encode("utf-8")


def sign_checkpoint(signing_key: Ed25519PrivateKey, seq: int, hash_: str) -> Checkpoint:
    """Sign "entry `seq` has hash `hash_`" now (the caller read them from the head)."""
    unsigned = Checkpoint(seq, hash_, format_time(utcnow()), b"")
    return Checkpoint(seq, hash_, unsigned.time, signing_key.sign(unsigned.message()))


def signature_is_valid(public_key: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint was signed by this key's private half."""
    try:
        public_key.verify(checkpoint.signature, checkpoint.message())
    except InvalidSignature:
        return False
    return True


def write_checkpoint(
    session: Session, signing_key: Ed25519PrivateKey, path: str | Path
) -> Checkpoint:
    """Link what waits, verify the chain, then sign its head and write the checkpoint file at
    `path` (the head stays locked until the caller's transaction ends)."""
    link_all(session)
    report = verify_chain(session)
    if not report.ok:
        raise CheckpointError(f"not signing a broken chain (seq {report.broken_seq})")
    checkpoint = sign_checkpoint(signing_key, report.last_seq, report.last_hash)
    public = signing_key.public_key().public_bytes_raw()
    document = {
        "version": FORMAT_VERSION,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "time": checkpoint.time,
        "public_key": base64.b64encode(public).decode(),
        "signature": base64.b64encode(checkpoint.signature).decode(),
    }
    Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return checkpoint


def read_checkpoint(path: str | Path) -> Checkpoint:
    """Parse a checkpoint file, or raise `CheckpointError` saying what is wrong with it."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        if document["version"] != FORMAT_VERSION:
            raise CheckpointError(f"unsupported checkpoint version {document['version']!r}")
        signature = base64.b64decode(document["signature"], validate=True)
        seq, hash_, time = int(document["seq"]), str(document["hash"]), str(document["time"])
        return Checkpoint(seq, hash_, time, signature)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise CheckpointError(f"unreadable checkpoint {path}: {exc}") from None


def check_checkpoint(
    session: Session, public_key: Ed25519PublicKey, checkpoint: Checkpoint
) -> None:
    """Raise `CheckpointError` unless the signature is valid and the log still holds that hash."""
    if not signature_is_valid(public_key, checkpoint):
        raise CheckpointError("the checkpoint's signature is not valid for this keyring")
    head = session.execute(
        select(AuditHead.seq, AuditHead.anchor_seq, AuditHead.anchor_hash).where(
            AuditHead.id == HEAD_ID
        )
    ).one()
    if checkpoint.seq > head.seq:
        raise CheckpointError(
            f"the log ends at seq {head.seq}, before the checkpoint's seq {checkpoint.seq}: "
            "entries were removed"
        )
    if checkpoint.seq < head.anchor_seq:
        raise CheckpointError(f"entry {checkpoint.seq} was purged; this checkpoint is too old")
    if checkpoint.seq == head.anchor_seq:
        current = head.anchor_hash
    else:
        current = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.seq))
    if current != checkpoint.hash:
        raise CheckpointError(
            f"entry {checkpoint.seq} no longer has the checkpoint's hash: the log was rewritten"
        )
