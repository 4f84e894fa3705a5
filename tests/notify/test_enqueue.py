"""Queueing: in the caller's transaction, idempotent by key, and only non-clinical params."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.core.db import Database
from wellbeing.notify.errors import ParamsRefused, UnknownKind
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.service import Channel, enqueue

DUE = {"closes_on": "2026-12-31"}


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_enqueue_writes_a_pending_row_in_the_callers_transaction(
    db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user()
    message = enqueue(db_session, kind="screening.opened", recipient=officer, params=DUE)
    assert message is not None
    assert message.id is not None
    assert (message.recipient_user_id, message.channel) == (officer.id, None)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    assert message.params == DUE


def test_a_rolled_back_transaction_leaves_no_message(
    database: Database, db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user()
    with database.session_factory() as session:
        session.begin()
        enqueue(session, kind="screening.opened", recipient=officer.id, params=DUE)
        assert _count(session) == 1
        session.rollback()
    assert _count(db_session) == 0


def test_the_same_dedupe_key_queues_one_message(
    db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user()
    key = "reminder:41:2"
    first = enqueue(
        db_session, kind="screening.reminder", recipient=officer, params=DUE, dedupe_key=key
    )
    again = enqueue(
        db_session, kind="screening.reminder", recipient=officer, params=DUE, dedupe_key=key
    )
    assert first is not None
    assert again is None
    assert _count(db_session) == 1
    # The caller's transaction is intact after the refused duplicate.
    assert enqueue(db_session, kind="screening.reminder", recipient=officer, params=DUE)
    assert _count(db_session) == 2


def test_a_dedupe_key_already_committed_by_another_session_is_detected(
    database: Database, db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user()
    with database.transaction() as other:
        enqueue(other, kind="screening.opened", recipient=officer.id, params=DUE, dedupe_key="k")
    assert (
        enqueue(db_session, kind="screening.opened", recipient=officer, params=DUE, dedupe_key="k")
        is None
    )


def test_a_channel_is_a_recipient(db_session: Session) -> None:
    message = enqueue(
        db_session,
        kind="referral.waiting",
        recipient=Channel("station", "BUR"),
        params={"priority": "urgent"},
    )
    assert message is not None
    assert (message.channel, message.recipient_user_id) == ("station:BUR", None)
    assert message.recipient_label == "station:BUR"


@pytest.mark.parametrize(
    "params",
    [
        {"closes_on": "2026-12-31", "score": 21},
        {"closes_on": "2026-12-31", "band": "severe"},
        {"closes_on": "2026-12-31", "answers": {"phq9_9": 3}},
        {"closes_on": "2026-12-31", "item_text": "Thoughts that you would be better off dead"},
    ],
)
def test_clinical_params_are_refused_without_echoing_their_values(
    db_session: Session, make_user: Callable[..., Any], params: dict[str, Any]
) -> None:
    officer = make_user()
    with pytest.raises(ParamsRefused) as refused:
        enqueue(db_session, kind="screening.opened", recipient=officer, params=params)
    assert refused.value.extra
    for value in params.values():
        if value != "2026-12-31":
            assert str(value) not in str(refused.value)
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("screening.opened", {}),  # missing
        ("screening.opened", {"closes_on": "next week"}),  # not a date
        ("referral.waiting", {"priority": "severe"}),  # not a priority word
        ("referral.waiting", {"priority": 21}),  # not a string
    ],
)
def test_params_of_the_wrong_shape_are_refused(
    db_session: Session, kind: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ParamsRefused):
        enqueue(db_session, kind=kind, recipient=Channel("station", "BUR"), params=params)


def test_an_unknown_kind_is_refused(db_session: Session) -> None:
    with pytest.raises(UnknownKind):
        enqueue(db_session, kind="screening.result", recipient=Channel("station", "BUR"))
