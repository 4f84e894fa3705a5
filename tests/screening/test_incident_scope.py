"""The incident service enforces its own object rule (issue 15): whoever records an incident must
be allowed to in its unit (`auth.policy.may_record_incident_in`), and is the audit entry's actor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from wellbeing.audit.models import AuditEntry
from wellbeing.referrals.service import Deadlines
from wellbeing.screening import campaigns
from wellbeing.screening.errors import CampaignError


def _record(db_session: Any, catalogue: Any, by: Any) -> Any:
    return campaigns.create_incident(
        db_session,
        catalogue,
        occurred_on=date(2030, 2, 1),
        description="处置突发事件",
        unit_code="ST2",
        officers=["far"],
        deadlines=Deadlines(),
        created_by=by,
    )


def test_only_within_the_recorders_reach(db_session: Any, catalogue: Any, make_user: Any) -> None:
    make_user("officer", unit="ST2-T1", username="far")
    with pytest.raises(CampaignError) as refused:
        _record(db_session, catalogue, make_user("supervisor", unit="ST1", scope="ST1"))
    assert refused.value.reason == "outside_scope"
    assert db_session.scalars(select(AuditEntry.action)).all().count("incident.created") == 0

    supervisor = make_user("supervisor", unit="ST2", scope="ST2", username="sup-st2")
    incident = _record(db_session, catalogue, supervisor)
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incident.created")
    ).one()
    assert (entry.actor_name, entry.target_id) == ("sup-st2", str(incident.id))
    assert entry.detail == {"unit": "ST2", "officers": 1}
