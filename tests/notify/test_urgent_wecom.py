"""An urgent referral at 02:00 reaches the on-call counsellor's 企业微信 within one outbox cycle.

The whole path: a PHQ-9 with item 9 endorsed, submitted through the screening service outside
office hours, opens an urgent referral that is routed on call; one run of the `notify.deliver`
job sends a 企业微信 text card to the counsellor's userid through the fake API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakes.wecom import FakeWecom
from tests.notify.conftest import PUBLIC_URL
from wellbeing.app.jobs import run_job_once
from wellbeing.core.config import Settings
from wellbeing.core.db import Database
from wellbeing.notify.models import NotificationAttempt, OutboxMessage, OutboxStatus
from wellbeing.oncall.input import EntrySpec
from wellbeing.oncall.service import replace_roster
from wellbeing.org.models import User
from wellbeing.org.service import find_unit
from wellbeing.scheduler.job import JobContext

SATURDAY = 5
SUNDAY_TWO_AM = datetime(2026, 12, 6, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.fixture
def on_call(db_session: Session, make_user: Callable[..., User], frozen_clock: Any) -> User:
    """Counsellor c1 of ST1 with a 企业微信 userid, on call Saturday 22:00 to Sunday 08:00."""
    counsellor = make_user("counsellor", unit="ST1", scope="ST1", username="c1")
    counsellor.wecom_userid = "ZhangSan"
    admin = make_user("admin", unit="BUR", username="adm")
    station = find_unit(db_session, "ST1")
    assert station is not None
    replace_roster(db_session, admin, station, [EntrySpec("c1", SATURDAY, 22 * 60, 8 * 60)], [])
    db_session.flush()
    frozen_clock.now = SUNDAY_TWO_AM
    return counsellor


def _cycle(database: Database, settings: Settings, clock: Any) -> None:
    """One run of the outbox job, as the scheduler would run it."""
    run_job_once("notify.deliver", JobContext(database, settings, lambda: clock.now))


def _on_call_message(db_session: Session) -> OutboxMessage:
    message = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "referral.on_call")
    ).one()
    db_session.refresh(message)
    return message


def _urgent_referral(submit_phq9: Callable[..., Any], make_user: Callable[..., User]) -> None:
    outcome = submit_phq9(make_user("officer", unit="ST1-T1"), [0] * 8 + [2])
    assert outcome.referral["priority"] == "urgent"


def test_an_urgent_referral_reaches_the_on_call_wecom_userid_in_one_cycle(
    app: Flask,
    database: Database,
    db_session: Session,
    on_call: User,
    fake_wecom: FakeWecom,
    channel_settings: Callable[..., Settings],
    submit_phq9: Callable[..., Any],
    make_user: Callable[..., User],
    frozen_clock: Any,
) -> None:
    fake_wecom.users.add("ZhangSan")
    _urgent_referral(submit_phq9, make_user)

    _cycle(database, channel_settings("wecom,smtp"), frozen_clock)

    # Two notices for the counsellor: on call, and the urgent referral in the queue.
    assert [card["touser"] for card in fake_wecom.sent] == ["ZhangSan", "ZhangSan"]
    on_call_card = next(c for c in fake_wecom.sent if "值班" in c["textcard"]["title"])
    assert on_call_card["msgtype"] == "textcard"
    assert on_call_card["agentid"] == fake_wecom.agent_id
    assert on_call_card["textcard"]["url"] == PUBLIC_URL + "/"
    assert "紧急转介" in on_call_card["textcard"]["description"]
    message = _on_call_message(db_session)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    # Later cycles send nothing more.
    frozen_clock.advance(minutes=5)
    _cycle(database, channel_settings("wecom,smtp"), frozen_clock)
    assert len(fake_wecom.sent) == 2


def test_a_failed_send_is_retried_on_the_next_cycle_and_sent_once(
    app: Flask,
    database: Database,
    db_session: Session,
    on_call: User,
    fake_wecom: FakeWecom,
    channel_settings: Callable[..., Settings],
    submit_phq9: Callable[..., Any],
    make_user: Callable[..., User],
    frozen_clock: Any,
) -> None:
    fake_wecom.users.add("ZhangSan")
    settings = channel_settings("wecom")
    _urgent_referral(submit_phq9, make_user)
    fake_wecom.fail_next_sends(errcode=-1, times=2)  # 系统繁忙, for both of the night's notices

    _cycle(database, settings, frozen_clock)
    assert fake_wecom.sent == []
    message = _on_call_message(db_session)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.next_attempt_at == frozen_clock.now + timedelta(minutes=1)

    fake_wecom.expire_tokens()  # and the token expires meanwhile: refreshed, not a failure
    frozen_clock.advance(minutes=1)
    _cycle(database, settings, frozen_clock)
    _cycle(database, settings, frozen_clock)

    assert [card["touser"] for card in fake_wecom.sent] == ["ZhangSan", "ZhangSan"]
    assert len({card["textcard"]["title"] for card in fake_wecom.sent}) == 2  # each sent once
    message = _on_call_message(db_session)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert fake_wecom.tokens_issued == 2
    log = db_session.scalars(
        select(NotificationAttempt)
        .where(NotificationAttempt.message_id == message.id)
        .order_by(NotificationAttempt.id)
    ).all()
    assert [(row.attempt, row.channel, row.outcome, row.error_code) for row in log] == [
        (1, "wecom", "retry", "errcode_-1"),
        (2, "wecom", "sent", None),
    ]


def test_a_counsellor_without_a_wecom_userid_falls_through_to_sms(
    app: Flask,
    database: Database,
    db_session: Session,
    on_call: User,
    fake_wecom: FakeWecom,
    fake_sms: Any,
    channel_settings: Callable[..., Settings],
    submit_phq9: Callable[..., Any],
    make_user: Callable[..., User],
    frozen_clock: Any,
) -> None:
    on_call.wecom_userid, on_call.phone = None, "13800000001"
    db_session.flush()
    _urgent_referral(submit_phq9, make_user)

    _cycle(database, channel_settings("wecom,sms,smtp"), frozen_clock)

    assert fake_wecom.requests_to("/cgi-bin/message/send") == []
    assert [sms.body["phone"] for sms in fake_sms.accepted] == ["13800000001"] * 2
    assert all(sms.body["text"].endswith(PUBLIC_URL + "/") for sms in fake_sms.accepted)
    message = _on_call_message(db_session)
    log = db_session.scalars(
        select(NotificationAttempt).where(NotificationAttempt.message_id == message.id)
    ).all()
    assert [(row.channel, row.outcome) for row in log] == [("wecom", "skipped"), ("sms", "sent")]
