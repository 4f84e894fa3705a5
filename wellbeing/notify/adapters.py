"""Delivery adapters behind one small Protocol: log (default), SMTP, 企业微信, SMS, webhook.

WELLBEING_NOTIFY_ADAPTER names one channel or a comma list ("wecom,smtp"): a `ChainAdapter`
tries them in order per message, skips a channel that cannot reach the recipient (no
企业微信 userid, phone or e-mail address), and stops at the first that accepts.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from wellbeing.core.config import ConfigError, Settings, notify_adapter_names
from wellbeing.notify.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.models import AttemptOutcome
from wellbeing.notify.render import RenderedMessage

logger = logging.getLogger("wellbeing.notify")


@dataclass(frozen=True)
class Tried:
    """What one channel did with one attempt (for the delivery log): no text, no address."""

    channel: str
    outcome: AttemptOutcome
    error_code: str | None = None


class DeliveryAdapter(Protocol):
    """Delivers one rendered message or raises Transient/PermanentDeliveryError."""

    def deliver(self, message: RenderedMessage) -> Sequence[Tried] | None:
        """Hand the message over; return only when it has been accepted (and, for a chain,
        what each channel did)."""


class ChannelAdapter(DeliveryAdapter, Protocol):
    """One channel of a chain: its name, and whether it can reach a message's recipient."""

    @property
    def name(self) -> str:
        """The channel's WELLBEING_NOTIFY_ADAPTER name ("wecom")."""

    def reaches(self, message: RenderedMessage) -> bool:
        """Whether the recipient has what this channel needs (userid, phone, address)."""

    def close(self) -> None:
        """Release connections."""


class LogAdapter:
    """Writes one short log line per message: its id, kind and recipient label (no address)."""

    name = "log"

    def reaches(self, message: RenderedMessage) -> bool:
        """Anyone can be logged."""
        return True

    def deliver(self, message: RenderedMessage) -> None:
        """Log the delivery."""
        logger.info(
            "notification %s kind=%s recipient=%s locale=%s",
            message.message_id,
            message.kind,
            message.recipient,
            message.locale,
        )

    def close(self) -> None:
        """Nothing to release."""


class MemoryAdapter:
    """A real fake for tests: keeps what it delivered and fails on request."""

    name = "memory"

    def __init__(self) -> None:
        self.delivered: list[RenderedMessage] = []
        self._failures: deque[DeliveryError] = deque()

    def fail_next(self, error: DeliveryError, times: int = 1) -> None:
        """Raise `error` on the next `times` deliveries."""
        self._failures.extend([error] * times)

    def reaches(self, message: RenderedMessage) -> bool:
        """Anyone can be remembered."""
        return True

    def deliver(self, message: RenderedMessage) -> None:
        """Record the message, or raise the next scripted failure."""
        if self._failures:
            raise self._failures.popleft()
        self.delivered.append(message)

    def close(self) -> None:
        """Nothing to release."""


class ChainAdapter:
    """Tries its channels in order; the first that reaches the recipient and accepts wins."""

    def __init__(self, channels: Sequence[ChannelAdapter]) -> None:
        self.channels = tuple(channels)

    def deliver(self, message: RenderedMessage) -> list[Tried]:
        """Deliver through the first channel that can; DeliveryError (with `tried`) if none.

        Transient when any channel failed for now (retry later), permanent when every channel
        that applies refused for good or none can reach the recipient.
        """
        tried: list[Tried] = []
        for channel in self.channels:
            if not channel.reaches(message):
                tried.append(Tried(channel.name, AttemptOutcome.SKIPPED, "no_address"))
                continue
            try:
                channel.deliver(message)
            except DeliveryError as exc:
                tried.append(Tried(channel.name, outcome_of(exc), exc.code))
                continue
            except Exception as exc:  # a broken channel must not hide the next one
                logger.exception(
                    "notification %s: channel %s failed", message.message_id, channel.name
                )
                tried.append(Tried(channel.name, AttemptOutcome.RETRY, type(exc).__name__[:40]))
                continue
            tried.append(Tried(channel.name, AttemptOutcome.SENT))
            return tried
        raise _chain_failure(tried)

    def close(self) -> None:
        """Close every channel's connections."""
        for channel in self.channels:
            channel.close()


def outcome_of(error: DeliveryError) -> AttemptOutcome:
    """How a delivery error is logged: retry later, or refused for good."""
    if isinstance(error, PermanentDeliveryError):
        return AttemptOutcome.FAILED
    return AttemptOutcome.RETRY


def _chain_failure(tried: list[Tried]) -> DeliveryError:
    summary = "; ".join(f"{t.channel}: {t.error_code}" for t in tried)
    text = f"no channel delivered ({summary})"[:200]
    if any(t.outcome == AttemptOutcome.RETRY for t in tried):
        return TransientDeliveryError(text, code="all_failed", tried=tuple(tried))
    if all(t.outcome == AttemptOutcome.SKIPPED for t in tried):
        return PermanentDeliveryError(text, code="unreachable", tried=tuple(tried))
    return PermanentDeliveryError(text, code="all_refused", tried=tuple(tried))


def make_channel(name: str, settings: Settings) -> ChannelAdapter:
    """One channel by its WELLBEING_NOTIFY_ADAPTER name."""
    if name == "log":
        return LogAdapter()
    if name == "smtp":
        from wellbeing.notify.smtp import SmtpAdapter

        return SmtpAdapter.from_settings(settings)
    from wellbeing.notify import channels

    if name == "wecom":
        return channels.WecomAdapter.from_settings(settings)
    if name == "sms":
        return channels.SmsAdapter.from_settings(settings)
    if name == "webhook":
        return channels.WebhookAdapter.from_settings(settings)
    raise ConfigError(f"WELLBEING_NOTIFY_ADAPTER: {name!r} is not a channel")


def make_adapter(settings: Settings) -> ChannelAdapter | ChainAdapter:
    """The adapter WELLBEING_NOTIFY_ADAPTER names: one channel, or a chain of several."""
    names = notify_adapter_names(settings)
    if len(names) == 1:
        return make_channel(names[0], settings)
    return ChainAdapter([make_channel(name, settings) for name in names])
