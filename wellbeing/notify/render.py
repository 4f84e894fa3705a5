"""Render an outbox message at delivery, in its recipient's language, from gettext catalogues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from sqlalchemy.orm import Session

from wellbeing.notify.errors import PermanentDeliveryError
from wellbeing.notify.kinds import KINDS
from wellbeing.notify.models import OutboxMessage
from wellbeing.org.models import LOCALES, User

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@dataclass(frozen=True)
class RenderedMessage:
    """What an adapter delivers: who, where, in which language, and the (non-clinical) text."""

    message_id: int
    kind: str
    recipient: str  # "user:12" or a channel such as "station:BUR"
    address: str | None  # e-mail address when known
    locale: str
    subject: str
    body: str
    phone: str | None = None  # for the SMS channel
    wecom_userid: str | None = None  # for the 企业微信 channel


@lru_cache(maxsize=8)
def translations_for(locale: str) -> NullTranslations:
    """The compiled catalogue for a locale ("zh_CN" finds translations/zh); English is the msgid."""
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


def parse_channels(spec: str) -> dict[str, str]:
    """Channel addresses from "station:BUR=duty@example.org, station:ST1=…"."""
    pairs = (item.split("=", 1) for item in spec.split(",") if "=" in item)
    return {name.strip(): address.strip() for name, address in pairs}


def render_text(kind_key: str, params: Mapping[str, str], locale: str) -> tuple[str, str]:
    """The subject and body of a kind in a locale."""
    kind = KINDS[kind_key]
    catalogue = translations_for(locale)
    body = catalogue.gettext(kind.body_for(params)) % dict(params)
    return catalogue.gettext(kind.subject), body


def render_message(
    session: Session,
    message: OutboxMessage,
    *,
    channels: Mapping[str, str],
    default_locale: str,
) -> RenderedMessage:
    """Resolve the recipient and render; PermanentDeliveryError when nobody can receive it."""
    if message.kind not in KINDS:
        raise PermanentDeliveryError("unknown message kind", code="unknown_kind")
    phone: str | None = None
    wecom_userid: str | None = None
    if message.channel is not None:
        address, locale = channels.get(message.channel), default_locale
    else:
        user = session.get(User, message.recipient_user_id)
        if user is None or not user.active:
            raise PermanentDeliveryError("recipient is missing or inactive", code="inactive")
        address, locale = user.email or None, user.locale
        phone, wecom_userid = user.phone or None, user.wecom_userid or None
    locale = locale if locale in LOCALES else default_locale
    subject, body = render_text(message.kind, message.params, locale)
    return RenderedMessage(
        message.id,
        message.kind,
        message.recipient_label,
        address,
        locale,
        subject,
        body,
        phone,
        wecom_userid,
    )
