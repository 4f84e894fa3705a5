"""What can go wrong when queueing or delivering a notification (messages carry no content)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wellbeing.notify.adapters import Tried


class NotifyError(Exception):
    """Base class of notification errors."""


class UnknownKind(NotifyError):
    """No message kind has this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"unknown message kind {key!r}")


class ParamsRefused(NotifyError):
    """Params outside the kind's allow-list (e.g. a score) or of the wrong shape."""

    def __init__(
        self, kind: str, *, extra: list[str], missing: list[str], malformed: list[str]
    ) -> None:
        parts = [
            f"{label}: {', '.join(keys)}"
            for label, keys in (
                ("not allowed", extra),
                ("missing", missing),
                ("malformed", malformed),
            )
            if keys
        ]
        super().__init__(f"params refused for {kind!r} ({'; '.join(parts)})")
        self.extra, self.missing, self.malformed = extra, missing, malformed


class DeliveryError(NotifyError):
    """An adapter could not deliver a message; the text is short and names no content.

    `code` is a short reason for the delivery log ("http_503", "errcode_42001", "timeout");
    `tried` lists what each channel of a chain did (notify.adapters.Tried), when there was one.
    """

    def __init__(self, text: str, *, code: str = "error", tried: tuple[Tried, ...] = ()) -> None:
        super().__init__(text)
        self.code = code
        self.tried = tried


class TransientDeliveryError(DeliveryError):
    """Worth retrying later (server unreachable, 4xx reply)."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (no address, address refused, recipient inactive)."""
