"""Everything a submission causes commits together or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.audit.models import AuditEntry
from wellbeing.facts.models import Fact
from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals.models import Referral
from wellbeing.screening import consequences
from wellbeing.screening.models import Submission


def _counts(db_session: Any) -> dict[str, int]:
    models = {
        "submissions": Submission,
        "referrals": Referral,
        "facts": Fact,
        "outbox": OutboxMessage,
    }
    counts = {
        name: int(db_session.scalar(select(func.count()).select_from(model)))
        for name, model in models.items()
    }
    counts["audit"] = int(
        db_session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "screening.submitted")
        )
    )
    return counts


@pytest.fixture
def wave_assignment(open_wave_for: Any) -> Any:
    """An open wave of PHQ-9 for the officer's station, and the officer's assignment in it."""
    return open_wave_for(["phq9"])


class Injected(RuntimeError):
    """A failure injected into the pipeline."""


@pytest.mark.parametrize("step", ["open_or_join", "record_fact", "evaluate"])
def test_a_failure_after_scoring_leaves_no_trace(
    step: str,
    officer: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    db_session: Any,
    monkeypatch: pytest.MonkeyPatch,
    staff_for_station: Any,
    wave_assignment: Any,
) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise Injected(step)

    headers = token_for(officer)
    assignment = wave_assignment
    before = _counts(db_session)
    monkeypatch.setattr(consequences, step, fail)
    response = post_submission(
        headers, "phq9", phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 1), assignment_id=assignment.id
    )
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "Injected" not in response.get_data(as_text=True)
    assert _counts(db_session) == before


def test_without_failure_the_same_submission_writes_everything(
    officer: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    db_session: Any,
    staff_for_station: Any,
    wave_assignment: Any,
) -> None:
    before = _counts(db_session)
    response = post_submission(
        token_for(officer),
        "phq9",
        phq9_answers(3, 3, 3, 3, 3, 3, 3, 3, 1),
        assignment_id=wave_assignment.id,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["referral"]["priority"] == "urgent"
    assert body["crisis"] is True
    after = _counts(db_session)
    assert after["submissions"] == before["submissions"] + 1
    assert after["referrals"] == before["referrals"] + 1
    assert after["audit"] == before["audit"] + 1
    assert after["facts"] == before["facts"] + 1
    assert after["outbox"] > before["outbox"]  # the station's counsellors are told
