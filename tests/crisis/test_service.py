"""The crisis service: validation before anything is written, sealing (no level, factor, action,
note or plan line in any table, audit entry or log line in plaintext), the officer's copy
following the counsellor's text until the officer changes it, reads audited, erasure."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import inspect, select

from wellbeing.app.schema import Base
from wellbeing.audit.models import AuditEntry
from wellbeing.crisis import service
from wellbeing.crisis.errors import InvalidInput, ReferralClosed
from wellbeing.crisis.models import SafetyPlan
from wellbeing.referrals.models import RiskAssessment, Status

FACTOR = "连续三晚梦见事故现场"
NOTE = "已与其妻子通话确认今晚陪同"
PLAN_LINE = "把车钥匙交给妻子保管"


def _plain_rows(db_session: Any) -> str:
    """Every row of every table, sealed columns included, as text."""
    db_session.flush()
    connection = db_session.connection()
    present = set(inspect(connection).get_table_names())
    rows = []
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            for row in connection.execute(select(table)):
                rows.append(
                    " ".join(
                        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                        for v in row
                    )
                )
    return "\n".join(rows)


def test_assessment_and_plan_are_sealed_everywhere(
    db_session: Any, people: Any, held: Any, plan: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    referral = held()
    assessment = service.record_risk_assessment(
        db_session, referral, people["c1"], level="imminent", factors=[FACTOR],
        actions=["emergency_services"], note=NOTE,
    )  # fmt: skip
    service.write_plan_as_counsellor(
        db_session, referral, people["c1"], {**plan, "safe_environment": [PLAN_LINE]}
    )
    service.write_plan_as_officer(db_session, people["o1"], {"coping": [PLAN_LINE + "（我）"]})
    service.assessments(db_session, referral, people["c2"])
    service.read_plan_for_staff(db_session, referral, people["c2"])
    assert assessment.body["level"] == "imminent"
    everything = _plain_rows(db_session)
    for secret in ("imminent", "emergency_services", FACTOR, NOTE, PLAN_LINE, "散步半小时"):
        assert secret not in everything, secret
        assert secret not in caplog.text
    actions = set(db_session.scalars(select(AuditEntry.action)))
    assert {
        "referral.risk_assessed",
        "referral.risk_assessments_viewed",
        "safety_plan.written",
        "safety_plan.officer_edited",
        "safety_plan.viewed",
    } <= actions


def test_a_bad_assessment_raises_naming_the_field(db_session: Any, people: Any, held: Any) -> None:
    referral = held()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"level": "severe"}, "level", "choice"),
        ({"actions": []}, "actions", "required"),
        ({"factors": ["ok", " "]}, "factors", "empty"),
        ({"factors": [f"f{i}" for i in range(31)]}, "factors", "too_many"),
    ]
    for change, field, problem in cases:
        body = {"level": "low", "factors": [], "actions": ["a"], "note": None, **change}
        with pytest.raises(InvalidInput) as caught:
            service.record_risk_assessment(db_session, referral, people["c1"], **body)
        assert (caught.value.field, caught.value.problem) == (field, problem)
    assert db_session.scalars(select(RiskAssessment)).first() is None


def test_plan_items_are_stripped_and_bounded(db_session: Any, people: Any) -> None:
    view = service.write_plan_as_officer(
        db_session, people["o1"], {"coping": [" a ", "", "b"], "people": None}
    )
    assert view.own["coping"] == ["a", "b"]
    assert view.own["people"] == []
    assert view.counsellor is None
    with pytest.raises(InvalidInput) as caught:
        service.write_plan_as_officer(db_session, people["o1"], {"coping": ["x"] * 21})
    assert caught.value.field == "coping"
    assert caught.value.limit == 20


def test_the_copy_follows_until_the_officer_changes_it(
    db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held()
    first = service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    assert first.own == first.counsellor
    assert not first.differs
    second = service.write_plan_as_counsellor(
        db_session, referral, people["c1"], {**plan, "coping": ["听音乐"]}
    )
    assert second.own["coping"] == ["听音乐"]
    service.write_plan_as_officer(db_session, people["o1"], {**second.own, "coping": ["跑步"]})
    third = service.write_plan_as_counsellor(
        db_session, referral, people["c1"], {**plan, "coping": ["冥想"]}
    )
    assert third.own["coping"] == ["跑步"]
    assert third.counsellor is not None
    assert third.counsellor["coping"] == ["冥想"]
    assert third.differs
    assert third.referral_id == referral.id


def test_an_officers_own_plan_is_taken_over_by_the_counsellor_only_when_empty(
    db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    service.write_plan_as_officer(db_session, people["o1"], {"coping": ["跑步"]})
    referral = held()
    view = service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    assert view.own["coping"] == ["跑步"]
    assert view.counsellor == plan


def test_closed_referrals_take_nothing_new(
    db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held(priority="routine")
    referral.status = Status.CLOSED.value
    with pytest.raises(ReferralClosed):
        service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    with pytest.raises(ReferralClosed):
        service.record_risk_assessment(
            db_session, referral, people["c1"], level="low", factors=[], actions=["a"]
        )


def test_reading_nothing_is_not_audited_and_erasure_removes_the_plan(
    db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held()
    assert service.assessments(db_session, referral, people["c1"]) == []
    assert service.read_plan_for_staff(db_session, referral, people["c1"]) is None
    assert (
        db_session.scalars(select(AuditEntry).where(AuditEntry.action.like("%viewed"))).all() == []
    )
    service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    assert service.has_safety_plan(db_session, people["o1"])
    assert service.erase_safety_plan(db_session, people["o1"].id) == 1
    assert db_session.scalars(select(SafetyPlan)).first() is None
