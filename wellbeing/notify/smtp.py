"""Deliver notifications by e-mail through an SMTP relay (optionally STARTTLS and login)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import ClassVar

from wellbeing.core.config import ConfigError, Settings
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.render import RenderedMessage

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class SmtpAdapter:
    """Sends each message as one plain-text e-mail; one connection per message."""

    name: ClassVar[str] = "smtp"
    host: str
    port: int
    sender: str
    user: str = ""
    password: str = ""
    starttls: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpAdapter:
        """Build from WELLBEING_SMTP_*; a missing host or sender stops start-up."""
        if not settings.smtp_host or not settings.smtp_from:
            raise ConfigError("WELLBEING_NOTIFY_ADAPTER=smtp needs WELLBEING_SMTP_HOST and _FROM")
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_user,
            settings.smtp_password,
            settings.smtp_starttls,
        )

    def reaches(self, message: RenderedMessage) -> bool:
        """Whether the recipient has an e-mail address."""
        return bool(message.address)

    def close(self) -> None:
        """Nothing held open between messages."""

    def deliver(self, message: RenderedMessage) -> None:
        """Send the e-mail; a refused address is permanent, anything else is retried."""
        if not message.address:
            raise PermanentDeliveryError("recipient has no e-mail address", code="no_address")
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, message.address, message.subject
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _reply in exc.recipients.values()]
            raise _by_code(min(codes, default=550), "recipient refused") from None
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, "message refused") from None
        except (smtplib.SMTPException, OSError) as exc:
            # Server, sender or login trouble is the relay's, not the message's: retry.
            raise TransientDeliveryError(
                f"SMTP unavailable ({type(exc).__name__})", code="smtp_unavailable"
            ) from None


def _by_code(code: int, what: str) -> TransientDeliveryError | PermanentDeliveryError:
    if code >= 500:
        return PermanentDeliveryError(f"{what} ({code})", code=f"smtp_{code}")
    return TransientDeliveryError(f"{what} ({code})", code=f"smtp_{code}")
