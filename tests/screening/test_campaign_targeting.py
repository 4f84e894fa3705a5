"""Campaigns for one staff category (issue 18 point 4): a police-only campaign invites 民警 of
its subtree, never 辅警 nor officers without a category, in its first wave and in every later
one; an unknown category is refused with a reason code and nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry
from wellbeing.cli import cli
from wellbeing.org import service as org_service
from wellbeing.screening import campaigns
from wellbeing.screening.errors import CampaignError
from wellbeing.screening.models import Assignment, Campaign

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    """In ST1: two police officers, an auxiliary, one without a category; a police officer in
    ST2 (outside the subtree)."""
    made = {
        "police": [make_user("officer", unit="ST1-T1"), make_user("officer", unit="ST1-T2")],
        "auxiliary": [make_user("officer", unit="ST1-T1")],
        "none": [make_user("officer", unit="ST1-T2")],
        "outside": [make_user("officer", unit="ST2-T1")],
    }
    for user in made["police"] + made["outside"]:
        user.staff_category = "police"
    made["auxiliary"][0].staff_category = "auxiliary"
    return made


def _invited(session: Session, campaign: Campaign, seq: int) -> set[int]:
    wave = next(w for w in campaign.waves if w.seq == seq)
    query = select(Assignment.officer_id).where(Assignment.wave_id == wave.id)
    return set(session.scalars(query))


def _create(session: Session, catalogue: Any, category: str | None, **extra: Any) -> Campaign:
    return campaigns.create_campaign(
        session,
        catalogue,
        name="民警季度筛查",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=OPENS,
        closes_at=CLOSES,
        staff_category=category,
        **extra,
    )


@pytest.mark.parametrize(
    ("category", "expected"),
    [("police", ["police"]), ("auxiliary", ["auxiliary"]), (None, ["police", "auxiliary", "none"])],
)
def test_a_campaign_invites_only_its_category_in_every_wave(
    db_session: Session,
    catalogue: Any,
    staff: dict[str, Any],
    category: str | None,
    expected: list[str],
) -> None:
    campaign = _create(db_session, catalogue, category, every_months=1)
    wanted = {user.id for kind in expected for user in staff[kind]}
    campaigns.open_due_waves(db_session, OPENS)
    assert _invited(db_session, campaign, 1) == wanted
    second = campaign.waves[1]
    staff["none"][0].staff_category = category  # categories change: each wave reads them anew
    campaigns.open_due_waves(db_session, second.opens_at + timedelta(minutes=1))
    assert _invited(db_session, campaign, 2) == wanted | {staff["none"][0].id}
    assert campaign.staff_category == category


def test_a_police_campaign_is_audited_with_its_category(
    db_session: Session, catalogue: Any, staff: dict[str, Any]
) -> None:
    campaign = _create(db_session, catalogue, " police ")
    entry = db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "campaign.created", AuditEntry.target_id == str(campaign.id)
        )
    ).one()
    assert entry.detail["staff_category"] == "police"


@pytest.mark.parametrize("category", ["cook", "Police", "民警"])
def test_an_unknown_category_is_refused_and_nothing_written(
    db_session: Session, catalogue: Any, staff: dict[str, Any], category: str
) -> None:
    with pytest.raises(CampaignError) as refused:
        _create(db_session, catalogue, category)
    assert refused.value.reason == "unknown_staff_category"
    assert db_session.scalars(select(Campaign)).all() == []


def test_the_command_line_creates_a_category_campaign(
    scratch_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    url = scratch_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("WELLBEING_DATABASE_URL", url)
    with Session(scratch_engine) as session, session.begin():
        org_service.add_unit(session, "ST1", "所", "Station")
    create = [
        "campaigns", "create", "--name", "民警", "--unit", "ST1", "--instruments", "phq9",
        "--opens", "2030-01-05", "--closes", "2030-01-19",
    ]  # fmt: skip
    runner = CliRunner()
    refused = runner.invoke(cli, [*create, "--staff-category", "cook"])
    assert refused.exit_code == 2
    assert "unknown staff category" in refused.output
    done = runner.invoke(cli, [*create, "--staff-category", "police"])
    assert done.exit_code == 0, done.output
    with Session(scratch_engine) as session:
        assert session.scalars(select(Campaign.staff_category)).all() == ["police"]
