"""Notification test helpers: the app's database joined to the test's transaction, the fake
servers of tests/fakes, and settings that point each channel at them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.fakes import sms, smtp, wecom
from tests.fakes.sms import FakeGateway
from tests.fakes.wecom import AGENT_ID, CORP_ID, SECRET, FakeWecom
from wellbeing.core.config import Settings, load_settings
from wellbeing.core.db import Database

PUBLIC_URL = "https://wellbeing.police.example"

# The fakes' fixtures, offered to every test of this folder.
fake_wecom = wecom.fake_wecom
fake_sms, fake_webhook = sms.fake_sms, sms.fake_webhook
smtp_server = smtp.smtp_server


@pytest.fixture
def database(app: Flask, db_session: Session) -> Database:
    """The app's Database; its sessions join the test's (rolled-back) transaction."""
    joined: Database = app.extensions["wellbeing.db"]
    return joined


@pytest.fixture
def channel_settings(
    fake_wecom: FakeWecom, fake_sms: FakeGateway, fake_webhook: FakeGateway
) -> Callable[..., Settings]:
    """channel_settings("wecom,sms", **more): settings whose channels point at the fakes."""

    def build(adapters: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "notify_adapter": adapters,
            "public_url": PUBLIC_URL,
            "wecom_base_url": fake_wecom.url,
            "wecom_corp_id": CORP_ID,
            "wecom_agent_id": AGENT_ID,
            "wecom_secret": SECRET,
            "sms_url": fake_sms.url,
            "sms_secret": fake_sms.secret,
            "webhook_url": fake_webhook.url,
            "webhook_secret": fake_webhook.secret,
            "smtp_host": "127.0.0.1",
            "smtp_from": "station@example.org",
            "smtp_starttls": False,
        }
        values.update(overrides)
        return load_settings(values, environ={})

    return build
