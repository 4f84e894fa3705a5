"""Delivery adapters behind one small Protocol: log (default), SMTP, and an in-memory fake."""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from wellbeing.core.config import ConfigError, Settings
from wellbeing.notify.errors import DeliveryError
from wellbeing.notify.render import RenderedMessage

logger = logging.getLogger("wellbeing.notify")


class DeliveryAdapter(Protocol):
    """Delivers one rendered message or raises Transient/PermanentDeliveryError."""

    def deliver(self, message: RenderedMessage) -> None:
        """Hand the message over; return only when it has been accepted."""


class LogAdapter:
    """Writes one short log line per message: its id, kind and recipient label (no address)."""

    def deliver(self, message: RenderedMessage) -> None:
        """Log the delivery."""
        logger.info(
            "notification %s kind=%s recipient=%s locale=%s",
            message.message_id,
            message.kind,
            message.recipient,
            message.locale,
        )


class MemoryAdapter:
    """A real fake for tests: keeps what it delivered and fails on request."""

    def __init__(self) -> None:
        self.delivered: list[RenderedMessage] = []
        self._failures: deque[DeliveryError] = deque()

    def fail_next(self, error: DeliveryError, times: int = 1) -> None:
        """Raise `error` on the next `times` deliveries."""
        self._failures.extend([error] * times)

    def deliver(self, message: RenderedMessage) -> None:
        """Record the message, or raise the next scripted failure."""
        if self._failures:
            raise self._failures.popleft()
        self.delivered.append(message)


def make_adapter(settings: Settings) -> DeliveryAdapter:
    """The adapter WELLBEING_NOTIFY_ADAPTER names ("log" or "smtp")."""
    if settings.notify_adapter == "log":
        return LogAdapter()
    if settings.notify_adapter == "smtp":
        from wellbeing.notify.smtp import SmtpAdapter

        return SmtpAdapter.from_settings(settings)
    raise ConfigError(
        f"WELLBEING_NOTIFY_ADAPTER must be 'log' or 'smtp', not {settings.notify_adapter!r}"
    )
