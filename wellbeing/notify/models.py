"""The transactional outbox: one row per message to deliver, written with the event it announces."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk


class OutboxStatus(enum.StrEnum):
    """Where a message is in its life: waiting (or retrying), delivered, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED_PERMANENTLY = "failed_permanently"


class OutboxMessage(Base):
    """A notification to deliver to one user or one channel (e.g. "station:BUR").

    `params` holds only the non-clinical values its kind allows (see notify.kinds); the text
    is rendered at delivery in the recipient's language.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("(recipient_user_id IS NULL) <> (channel IS NULL)", name="one_recipient"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[IntPk]
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(24), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    @property
    def recipient_label(self) -> str:
        """Who it is for, without any personal detail: "user:12" or the channel."""
        return f"user:{self.recipient_user_id}" if self.channel is None else self.channel


class AttemptOutcome(enum.StrEnum):
    """What one channel did with one delivery attempt of a message."""

    SENT = "sent"
    FAILED = "failed"  # refused for good by this channel
    RETRY = "retry"  # failed for now (timeout, HTTP 5xx, busy, a bad signature)
    SKIPPED = "skipped"  # the channel cannot reach this recipient (no userid, phone, address)


class NotificationAttempt(Base):
    """The delivery log: one row per channel tried per attempt of a message, never its text.

    Rows go with their message (ON DELETE CASCADE), so purging or erasing a message erases them.
    """

    __tablename__ = "notification_attempts"

    id: Mapped[IntPk]
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
