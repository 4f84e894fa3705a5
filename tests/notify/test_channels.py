"""The SMS and webhook channels against signature-checking fakes; the chain; their settings."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakes.sms import FakeGateway
from tests.fakes.wecom import FakeWecom
from tests.notify.conftest import PUBLIC_URL
from wellbeing.core.config import ConfigError, Settings, load_settings
from wellbeing.core.db import Database
from wellbeing.notify.adapters import ChainAdapter, LogAdapter, make_adapter
from wellbeing.notify.channels import SmsAdapter, WebhookAdapter, fill_template, sign
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.models import NotificationAttempt, OutboxMessage, OutboxStatus
from wellbeing.notify.render import RenderedMessage
from wellbeing.notify.service import deliver_pending, enqueue


def _rendered(
    body: str = "您有一条紧急转介待处理。", *, phone: str | None = "13800000001", **more: Any
) -> RenderedMessage:
    return RenderedMessage(
        7, "referral.waiting", "user:3", None, "zh_CN", "有一条转介等待处理", body, phone, **more
    )


def test_an_sms_is_the_template_filled_signed_and_sent(
    fake_sms: FakeGateway, channel_settings: Callable[..., Settings]
) -> None:
    adapter = make_adapter(channel_settings("sms"))
    assert isinstance(adapter, SmsAdapter)
    adapter.deliver(_rendered())
    (sms,) = fake_sms.accepted
    assert sms.body == {
        "phone": "13800000001",
        "text": f"您有一条紧急转介待处理。 {PUBLIC_URL}/",
    }
    timestamp = sms.headers["X-Wellbeing-Timestamp"]
    expected = hmac.new(
        fake_sms.secret.encode(), timestamp.encode() + b"." + sms.raw, hashlib.sha256
    ).hexdigest()
    assert sms.headers["X-Wellbeing-Signature"] == f"sha256={expected}"
    assert sign(fake_sms.secret, timestamp, sms.raw) == f"sha256={expected}"


def test_values_cannot_break_out_of_the_json_template(
    fake_sms: FakeGateway, channel_settings: Callable[..., Settings]
) -> None:
    template = '{"to": ["{phone}"], "msg": {"content": "[站] {text}"}, "type": 1}'
    adapter = make_adapter(channel_settings("sms", sms_body=template))
    hostile = 'x", "to": ["999"], "y": "{phone}\\'
    adapter.deliver(_rendered(hostile))
    (sms,) = fake_sms.accepted
    assert sms.body == {
        "to": ["13800000001"],
        "msg": {"content": f"[站] {hostile} {PUBLIC_URL}/"},
        "type": 1,
    }


def test_fill_template_replaces_in_one_pass() -> None:
    filled = fill_template({"a": "{phone}:{text}"}, {"phone": "{text}", "text": "T"})
    assert filled == {"a": "{text}:T"}


def test_a_bad_signature_is_a_failed_attempt_in_the_log(
    fake_sms: FakeGateway,
    channel_settings: Callable[..., Settings],
    database: Database,
    db_session: Session,
    make_user: Callable[..., Any],
    frozen_clock: Any,
) -> None:
    officer = make_user()
    officer.phone = "13800000002"
    message = enqueue(
        db_session, kind="screening.opened", recipient=officer, params={"closes_on": "2026-12-31"}
    )
    assert message is not None
    db_session.flush()
    adapter = make_adapter(channel_settings("sms", sms_secret="not-the-gateways-secret"))

    assert deliver_pending(database.session_factory, adapter, frozen_clock.now) == {"retry": 1}

    assert fake_sms.accepted == []
    assert fake_sms.refused == [401]
    stored = db_session.get(OutboxMessage, message.id, populate_existing=True)
    assert stored is not None
    assert (stored.status, stored.attempts, stored.last_error) == (
        OutboxStatus.PENDING,
        1,
        "gateway answered 401",
    )
    (row,) = db_session.scalars(
        select(NotificationAttempt).where(NotificationAttempt.message_id == message.id)
    )
    assert (row.attempt, row.channel, row.outcome, row.error_code) == (
        1,
        "sms",
        "retry",
        "http_401",
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, TransientDeliveryError), (429, TransientDeliveryError), (400, PermanentDeliveryError)],
)
def test_gateway_answers_are_classified(
    fake_sms: FakeGateway, channel_settings: Callable[..., Settings], status: int, error: type
) -> None:
    fake_sms.fail_next(status)
    with pytest.raises(error, match=str(status)) as failed:
        make_adapter(channel_settings("sms")).deliver(_rendered())
    assert failed.value.code == f"http_{status}"


def test_an_unreachable_gateway_is_transient(channel_settings: Callable[..., Settings]) -> None:
    adapter = make_adapter(channel_settings("sms", sms_url="http://127.0.0.1:9/send"))
    with pytest.raises(TransientDeliveryError) as failed:
        adapter.deliver(_rendered())
    assert failed.value.code == "unreachable"


def test_the_webhook_posts_kind_recipient_and_link_only(
    fake_webhook: FakeGateway, channel_settings: Callable[..., Settings]
) -> None:
    adapter = make_adapter(channel_settings("webhook"))
    assert isinstance(adapter, WebhookAdapter)
    adapter.deliver(_rendered())
    (hook,) = fake_webhook.accepted
    assert hook.body == {"kind": "referral.waiting", "recipient": "user:3", "url": PUBLIC_URL + "/"}
    assert hook.headers["X-Wellbeing-Signature"].startswith("sha256=")
    assert "紧急" not in hook.raw.decode()


def test_the_chain_falls_through_to_the_first_channel_that_reaches(
    fake_wecom: FakeWecom,
    fake_sms: FakeGateway,
    channel_settings: Callable[..., Settings],
) -> None:
    chain = make_adapter(channel_settings("wecom,sms,log"))
    assert isinstance(chain, ChainAdapter)
    tried = chain.deliver(_rendered(wecom_userid=None))
    assert [(t.channel, t.outcome.value, t.error_code) for t in tried] == [
        ("wecom", "skipped", "no_address"),
        ("sms", "sent", None),
    ]
    # A failing channel hands over to the next one too.
    fake_wecom.users.add("LiSi")
    fake_wecom.fail_next_sends(45009)
    tried = chain.deliver(_rendered(wecom_userid="LiSi"))
    assert [(t.channel, t.outcome.value) for t in tried] == [("wecom", "retry"), ("sms", "sent")]
    assert len(fake_sms.accepted) == 2
    chain.close()


def test_a_chain_that_cannot_reach_anyone_fails_permanently(
    channel_settings: Callable[..., Settings],
) -> None:
    chain = make_adapter(channel_settings("wecom,sms"))
    with pytest.raises(PermanentDeliveryError) as failed:
        chain.deliver(_rendered(phone=None))
    assert failed.value.code == "unreachable"
    assert [t.outcome.value for t in failed.value.tried] == ["skipped", "skipped"]


def test_a_chain_with_a_transient_failure_is_retried(
    fake_sms: FakeGateway, channel_settings: Callable[..., Settings]
) -> None:
    fake_sms.fail_next(503)
    chain = make_adapter(channel_settings("wecom,sms"))
    with pytest.raises(TransientDeliveryError, match="sms: http_503"):
        chain.deliver(_rendered())


def test_settings_refuse_unknown_or_incomplete_channels() -> None:
    with pytest.raises(ConfigError, match="'pager' is not a channel"):
        load_settings({"notify_adapter": "wecom, pager"}, environ={})
    with pytest.raises(ConfigError, match="'smtp' is not a channel, or is named twice"):
        load_settings({"notify_adapter": "smtp,smtp"}, environ={})
    with pytest.raises(ConfigError, match="WELLBEING_WECOM_CORP_ID, WELLBEING_WECOM_AGENT_ID"):
        load_settings({"notify_adapter": "wecom,smtp"}, environ={})
    with pytest.raises(ConfigError, match="WELLBEING_SMS_URL"):
        load_settings({}, environ={"WELLBEING_NOTIFY_ADAPTER": "sms"})
    with pytest.raises(ConfigError, match="WELLBEING_WEBHOOK_URL"):
        load_settings({}, environ={"WELLBEING_NOTIFY_ADAPTER": "log,webhook"})


def test_settings_are_read_from_the_environment(fake_wecom: FakeWecom) -> None:
    settings = load_settings(
        {},
        environ={
            "WELLBEING_NOTIFY_ADAPTER": "wecom, log",
            "WELLBEING_PUBLIC_URL": "https://wellbeing.police.example",
            "WELLBEING_WECOM_BASE_URL": "https://wecom.police.example",
            "WELLBEING_WECOM_CORP_ID": "wwcorp",
            "WELLBEING_WECOM_AGENT_ID": "1000002",
            "WELLBEING_WECOM_SECRET": "s3cret",
        },
    )
    assert settings.wecom_agent_id == 1000002
    assert "s3cret" not in repr(settings)
    chain = make_adapter(settings)
    assert isinstance(chain, ChainAdapter)
    assert [c.name for c in chain.channels] == ["wecom", "log"]
    assert isinstance(chain.channels[1], LogAdapter)
    chain.close()


def test_an_sms_body_that_is_not_json_stops_start_up(
    channel_settings: Callable[..., Settings],
) -> None:
    with pytest.raises(ConfigError, match="WELLBEING_SMS_BODY must be JSON"):
        make_adapter(channel_settings("sms", sms_body='{"phone": {phone}}'))
    assert json.loads(channel_settings("sms").sms_body) == {"phone": "{phone}", "text": "{text}"}
