"""The audit entries and the one-row head that serialises appends and anchors purges."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.audit.chain import Link, Scalar
from wellbeing.core.db import Base

HEAD_ID = 1


class AuditEntry(Base):
    """One audited event; `hash` chains it to the entry before (see `audit.chain`).

    No foreign keys on purpose: a referential action (ON DELETE SET NULL…) would rewrite
    history, and the log must outlive what it talks about. `actor_name` is a snapshot.
    """

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    time: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(128))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def detail(self) -> dict[str, Scalar]:
        """The parsed detail (a small dict of non-clinical scalars)."""
        value: dict[str, Scalar] = json.loads(self.detail_json)
        return value

    def link(self) -> Link:
        """The hashed view of this entry."""
        return Link(
            seq=self.seq,
            time=self.time,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            detail=self.detail,
            prev_hash=self.prev_hash,
        )


class AuditHead(Base):
    """The newest entry's seq and hash, and the anchor left by the last purge.

    Every append updates this single row first, which serialises appenders (row lock on
    PostgreSQL, the write lock on SQLite). `anchor_seq`/`anchor_hash` are the last purged
    entry: verification starts from them instead of from the genesis.
    """

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(BigInteger)
    anchor_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement "at `time` the log's head was entry `seq` with hash `hash`".

    Signed with the keyring's Ed25519 audit key (`audit.checkpoint.Checkpoint.message`), like a
    Certificate-Transparency signed tree head. Each is also copied to the checkpoint log file in
    the instance folder (`audit.heads`), so emptying this table is caught by that file, and
    deleting audit entries below a checkpoint is caught by either. `reason` (schedule, release,
    key, purge, manual) is informative and not signed. Append-only on PostgreSQL.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    hash: Mapped[str] = mapped_column(String(64))
    time: Mapped[str] = mapped_column(String(32))  # the exact signed text, e.g. …T09:00:00.000000Z
    reason: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))  # base64 of the 64-byte signature
