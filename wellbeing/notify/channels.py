"""Notices over HTTP: 企业微信 application messages, a generic SMS gateway, and a webhook.

SMS and webhook requests are signed when a secret is set: `X-Wellbeing-Timestamp` carries the
Unix time in seconds and `X-Wellbeing-Signature` is `sha256=` and the hex HMAC-SHA256, keyed
with the secret, of the timestamp, a dot and the exact request body bytes.
A reply other than 2xx, a timeout or (企业微信) a non-zero errcode is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from wellbeing.core.config import ConfigError, Settings
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.render import RenderedMessage, translations_for
from wellbeing.notify.wecom import TIMEOUT, WecomClient, WecomError

TIMESTAMP_HEADER = "X-Wellbeing-Timestamp"
SIGNATURE_HEADER = "X-Wellbeing-Signature"
_SLOT = re.compile(r"\{(phone|text)\}")
# Refusals a later retry can cure: timeouts, rate limits, a gateway down, credentials or a
# signature the operator can correct. Any other 4xx refuses this request for good.
_RETRY_STATUSES = frozenset({401, 403, 408, 425, 429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def service_link(public_url: str) -> str:
    """Where a notice's link leads: the service's start page (it shows each role its work)."""
    return public_url.rstrip("/") + "/" if public_url else ""


class SignedPoster:
    """POSTs JSON bodies to one URL, signed when a secret is set, classifying failures."""

    def __init__(
        self,
        url: str,
        secret: str,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url, self._secret, self._clock = url, secret, clock
        self.http = http if http is not None else httpx.Client(timeout=TIMEOUT)

    def post(self, body: bytes) -> None:
        """Send; return on 2xx, else a Transient/PermanentDeliveryError with a short code."""
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self._secret:
            timestamp = str(int(self._clock()))
            headers[TIMESTAMP_HEADER] = timestamp
            headers[SIGNATURE_HEADER] = sign(self._secret, timestamp, body)
        try:
            response = self.http.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException:
            raise TransientDeliveryError("gateway timed out", code="timeout") from None
        except httpx.HTTPError as exc:
            name = type(exc).__name__
            raise TransientDeliveryError(
                f"gateway unreachable ({name})", code="unreachable"
            ) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        error = TransientDeliveryError if status >= 500 or status in _RETRY_STATUSES else None
        raise (error or PermanentDeliveryError)(f"gateway answered {status}", code=f"http_{status}")


class WecomAdapter:
    """企业微信 application messages (textcard) to the recipient's 企业微信 userid."""

    name = "wecom"

    def __init__(self, client: WecomClient, agent_id: int, public_url: str) -> None:
        self.client, self.agent_id, self.link = client, agent_id, service_link(public_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> WecomAdapter:
        """Build from WELLBEING_WECOM_* (checked when the settings were loaded)."""
        client = WecomClient(settings.wecom_base_url, settings.wecom_corp_id, settings.wecom_secret)
        return cls(client, settings.wecom_agent_id, settings.public_url)

    def reaches(self, message: RenderedMessage) -> bool:
        """Whether the recipient has a 企业微信 userid."""
        return bool(message.wecom_userid)

    def payload(self, message: RenderedMessage) -> dict[str, Any]:
        """The message/send body: a text card whose button opens the service."""
        return {
            "touser": message.wecom_userid,
            "msgtype": "textcard",
            "agentid": self.agent_id,
            "textcard": {
                "title": message.subject,
                "description": message.body,
                "url": self.link,
                "btntxt": translations_for(message.locale).gettext("View details"),
            },
        }

    def deliver(self, message: RenderedMessage) -> None:
        """Send the card; a non-zero errcode or HTTP error is a failed attempt."""
        if not message.wecom_userid:
            raise PermanentDeliveryError("recipient has no 企业微信 userid", code="no_address")
        try:
            reply = self.client.call("POST", "/cgi-bin/message/send", json=self.payload(message))
        except WecomError as exc:
            kind = TransientDeliveryError if exc.retryable else PermanentDeliveryError
            raise kind(str(exc), code=exc.code) from None
        if reply.get("invaliduser"):  # accepted, but not for this userid
            raise PermanentDeliveryError("企业微信 refused the userid", code="invaliduser")

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()


class SmsAdapter:
    """A generic HTTP SMS gateway: a JSON body from a template, to the recipient's phone."""

    name = "sms"

    def __init__(self, poster: SignedPoster, template: Any, public_url: str) -> None:
        self.poster, self.template, self.link = poster, template, service_link(public_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsAdapter:
        """Build from WELLBEING_SMS_*; a body template that is not JSON stops start-up."""
        try:
            template = json.loads(settings.sms_body)
        except ValueError as exc:
            raise ConfigError(f"WELLBEING_SMS_BODY must be JSON: {exc}") from None
        poster = SignedPoster(settings.sms_url, settings.sms_secret)
        return cls(poster, template, settings.public_url)

    def reaches(self, message: RenderedMessage) -> bool:
        """Whether the recipient has a phone number."""
        return bool(message.phone)

    def text(self, message: RenderedMessage) -> str:
        """The SMS text: the notice's body and the link."""
        return f"{message.body} {self.link}".strip()

    def body(self, message: RenderedMessage) -> bytes:
        """The template with {phone} and {text} filled in inside its strings (JSON-safe)."""
        values = {"phone": message.phone or "", "text": self.text(message)}
        return json.dumps(fill_template(self.template, values), ensure_ascii=False).encode()

    def deliver(self, message: RenderedMessage) -> None:
        """POST the SMS to the gateway."""
        if not message.phone:
            raise PermanentDeliveryError("recipient has no phone number", code="no_address")
        self.poster.post(self.body(message))

    def close(self) -> None:
        """Close the HTTP connections."""
        self.poster.http.close()


def fill_template(template: Any, values: Mapping[str, str]) -> Any:
    """A copy of a parsed JSON template with {name} slots in its strings replaced, in one pass.

    Values are placed into the parsed structure, never into JSON text, so no value can
    break out of its string.
    """
    if isinstance(template, str):
        return _SLOT.sub(lambda match: values[match.group(1)], template)
    if isinstance(template, list):
        return [fill_template(item, values) for item in template]
    if isinstance(template, dict):
        return {key: fill_template(item, values) for key, item in template.items()}
    return template


class WebhookAdapter:
    """A JSON POST of {kind, recipient, url} to a duty-room screen or paging system."""

    name = "webhook"

    def __init__(self, poster: SignedPoster, public_url: str) -> None:
        self.poster, self.link = poster, service_link(public_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookAdapter:
        """Build from WELLBEING_WEBHOOK_URL and _SECRET."""
        return cls(SignedPoster(settings.webhook_url, settings.webhook_secret), settings.public_url)

    def reaches(self, message: RenderedMessage) -> bool:
        """The webhook takes every message (it is told the recipient label)."""
        return True

    def body(self, message: RenderedMessage) -> bytes:
        """The JSON body: the kind, the recipient label ("user:12") and the link; no text."""
        payload = {"kind": message.kind, "recipient": message.recipient, "url": self.link}
        return json.dumps(payload).encode()

    def deliver(self, message: RenderedMessage) -> None:
        """POST the notice."""
        self.poster.post(self.body(message))

    def close(self) -> None:
        """Close the HTTP connections."""
        self.poster.http.close()
