"""The job registry: every domain's jobs, run once on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.app.jobs import JobContext, all_jobs, find_job, run_job_once
from wellbeing.auth.models import LoginFailure
from wellbeing.cli import cli
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.service import enqueue


@pytest.fixture
def ctx(app: Flask, db_session: Session) -> JobContext:
    return JobContext(app.extensions["wellbeing.db"], app.extensions["wellbeing.settings"])


def test_the_registry_collects_each_domains_jobs() -> None:
    names = {job.name for job in all_jobs()}
    assert {"notify.deliver", "notify.purge", "auth.purge_expired"} <= names
    with pytest.raises(KeyError, match=r"notify\.deliver"):
        find_job("no.such.job")


def test_run_once_delivers_the_outbox_with_the_log_adapter(
    ctx: JobContext,
    db_session: Session,
    make_user: Callable[..., Any],
    frozen_clock: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    officer = make_user()
    message = enqueue(
        db_session, kind="screening.opened", recipient=officer, params={"closes_on": "2026-12-31"}
    )
    assert message is not None
    db_session.flush()
    with caplog.at_level(logging.INFO, logger="wellbeing.notify"):
        run_job_once("notify.deliver", ctx)
    stored = db_session.get(OutboxMessage, message.id, populate_existing=True)
    assert stored is not None
    assert stored.status == OutboxStatus.SENT
    (record,) = [r for r in caplog.records if r.name == "wellbeing.notify"]
    assert f"user:{officer.id}" in record.getMessage()
    assert "心理健康" not in record.getMessage()  # the id and kind only, not the text


def test_run_once_purges_expired_sign_in_records(
    ctx: JobContext, db_session: Session, frozen_clock: Any
) -> None:
    db_session.add(LoginFailure(username="old", address="10.0.0.1", at=frozen_clock.now))
    db_session.flush()
    frozen_clock.advance(hours=1, minutes=1)  # kept an hour: the account's ceiling counts it
    db_session.add(LoginFailure(username="new", address="10.0.0.1", at=frozen_clock.now))
    db_session.flush()
    run_job_once("auth.purge_expired", ctx)
    left = db_session.scalars(
        select(LoginFailure.username).execution_options(populate_existing=True)
    )
    assert list(left) == ["new"]


def test_run_once_purges_long_delivered_messages(
    ctx: JobContext, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    message = enqueue(
        db_session,
        kind="screening.opened",
        recipient=make_user(),
        params={"closes_on": "2026-12-31"},
    )
    assert message is not None
    message.status, message.sent_at = OutboxStatus.SENT, frozen_clock.now
    db_session.flush()
    stored = select(OutboxMessage.id).where(OutboxMessage.id == message.id)
    frozen_clock.advance(days=29)
    run_job_once("notify.purge", ctx)
    assert db_session.scalar(stored) == message.id
    frozen_clock.advance(days=2)
    run_job_once("notify.purge", ctx)
    assert db_session.scalar(stored) is None


def test_the_scheduler_command_lists_its_jobs() -> None:
    result = CliRunner().invoke(cli, ["scheduler", "--list"])
    assert result.exit_code == 0, result.output
    assert "notify.deliver" in result.output
    assert "auth.purge_expired" in result.output


def test_delivery_interval_is_short() -> None:
    trigger = find_job("notify.deliver").trigger
    assert getattr(trigger, "interval", timedelta(hours=1)) <= timedelta(minutes=1)


def test_the_scheduler_refuses_to_start_with_a_broken_notify_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WELLBEING_NOTIFY_ADAPTER", "smtp")
    monkeypatch.delenv("WELLBEING_SMTP_HOST", raising=False)
    result = CliRunner().invoke(cli, ["scheduler"])
    assert result.exit_code != 0
    assert "WELLBEING_SMTP_HOST" in str(result.exception)
