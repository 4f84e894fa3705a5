"""The delivery log as admins read it: recent messages, how each attempt went, never the text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.notify.models import NotificationAttempt, OutboxMessage, OutboxStatus
from wellbeing.org.models import User

STATUSES = tuple(status.value for status in OutboxStatus)  # what the log can be filtered by

MAX_ROWS = 200


@dataclass(frozen=True)
class AttemptRow:
    """One channel tried at one attempt."""

    attempt: int
    channel: str
    outcome: str
    error_code: str | None
    at: datetime


@dataclass(frozen=True)
class DeliveryRow:
    """A message: its kind, who it is for (username or channel), where it stands, its tries."""

    message_id: int
    kind: str
    recipient: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    tried: tuple[AttemptRow, ...]

    @property
    def delivered_by(self) -> str | None:
        """The channel that delivered the message, when one did."""
        return next((t.channel for t in self.tried if t.outcome == "sent"), None)


def list_deliveries(
    session: Session, *, status: str | None = None, limit: int = MAX_ROWS
) -> list[DeliveryRow]:
    """The newest messages (optionally of one status) with their attempts, newest first."""
    query = (
        select(OutboxMessage, User.username)
        .outerjoin(User, User.id == OutboxMessage.recipient_user_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(min(limit, MAX_ROWS))
    )
    if status is not None:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    found = session.execute(query).all()
    tried = _attempts_of(session, [message.id for message, _name in found])
    return [
        DeliveryRow(
            message.id,
            message.kind,
            message.channel or username or message.recipient_label,
            message.status,
            message.attempts,
            message.created_at,
            message.sent_at,
            message.next_attempt_at if message.status == OutboxStatus.PENDING else None,
            tuple(tried.get(message.id, ())),
        )
        for message, username in found
    ]


def _attempts_of(session: Session, message_ids: list[int]) -> dict[int, list[AttemptRow]]:
    rows = session.scalars(
        select(NotificationAttempt)
        .where(NotificationAttempt.message_id.in_(message_ids))
        .order_by(NotificationAttempt.message_id, NotificationAttempt.id)
    )
    by_message: dict[int, list[AttemptRow]] = defaultdict(list)
    for row in rows:
        by_message[row.message_id].append(
            AttemptRow(row.attempt, row.channel, row.outcome, row.error_code, row.at)
        )
    return by_message
