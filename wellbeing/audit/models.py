"""The audit entries and the one-row head that serialises linking and anchors purges."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.audit.chain import Link, Scalar, link_of
from wellbeing.core.db import Base

HEAD_ID = 1


class AuditEntry(Base):
    """One audited event; once linked, `hash` chains it to the entry before (see `audit.chain`).

    An entry is written *unlinked* in the transaction of the event it records (`id` gives the
    order it was staged in; `seq`, `prev_hash` and `hash` are NULL), so writers never wait for
    each other; the sequencer (`audit.sequencer`) links committed entries into the chain
    moments later, giving each its `seq` and hashes once. On PostgreSQL a trigger lets that
    single change through and nothing else (migration 0133).

    No foreign keys on purpose: a referential action (ON DELETE SET NULL…) would rewrite
    history, and the log must outlive what it talks about. `actor_name` is a snapshot.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index(
            "ix_audit_entries_unlinked",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    time: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column()  # no index: nothing looks entries up by it
    actor_name: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(128))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def linked(self) -> bool:
        """Whether the sequencer has given this entry its place in the chain."""
        return self.seq is not None

    @property
    def detail(self) -> dict[str, Scalar]:
        """The parsed detail (a small dict of non-clinical scalars)."""
        value: dict[str, Scalar] = json.loads(self.detail_json)
        return value

    def link(self) -> Link:
        """The hashed view of this (linked) entry."""
        if self.seq is None or self.prev_hash is None:
            raise ValueError(f"audit entry {self.id} is not linked yet")
        return link_of(self, seq=self.seq, prev_hash=self.prev_hash, detail=self.detail)


class AuditHead(Base):
    """The newest linked entry's seq and hash, and the anchor left by the last purge.

    Linking (and a purge) updates this single row first, which serialises linkers (row lock on
    PostgreSQL, the write lock on SQLite); writers of entries never touch it.
    `anchor_seq`/`anchor_hash` are the last purged
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
