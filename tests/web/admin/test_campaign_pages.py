"""Admin campaign pages: list with counts only, create, validation, close — audited."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.admin.helpers import post_form
from wellbeing.audit.models import AuditEntry
from wellbeing.org.models import User
from wellbeing.screening import campaigns
from wellbeing.screening.models import Campaign, WaveState

GOOD = {
    "name": "Q1 check",
    "unit": "ST1",
    "instruments": ["phq9", "gad7"],
    "opens": "2026-12-01T09:00",
    "closes": "2026-12-15T18:00",
    "every": "3",
}


def _create(client: FlaskClient, **changes: Any) -> Any:
    return post_form(client, "/admin/campaigns/new", "/admin/campaigns", {**GOOD, **changes})


def _actions(db_session: Session) -> list[str]:
    return list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_create_campaign_through_the_form(
    admin_client: FlaskClient, db_session: Session, org: Any
) -> None:
    form = admin_client.get("/admin/campaigns/new").get_data(as_text=True)
    assert 'value="phq9"' in form
    assert 'value="scl90"' not in form  # not offerable: item texts not supplied
    response = _create(admin_client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/campaigns"
    campaign = db_session.scalars(select(Campaign).where(Campaign.name == "Q1 check")).one()
    assert campaign.unit.code == "ST1"
    assert campaign.instruments == ["phq9", "gad7"]
    assert campaign.opens_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert campaign.every_months == 3
    assert [w.state for w in campaign.waves] == [WaveState.SCHEDULED.value]
    assert "campaign.created" in _actions(db_session)
    listing = admin_client.get("/admin/campaigns").get_data(as_text=True)
    assert "Q1 check" in listing
    assert "Campaign “Q1 check” created." in listing


def test_a_refused_form_comes_back_with_the_entered_values(
    admin_client: FlaskClient, db_session: Session, org: Any
) -> None:
    response = _create(admin_client, closes="2026-11-30T09:00", name="Kept name")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "The closing time must be after the opening time." in page
    assert 'value="Kept name"' in page
    assert '<option value="ST1" selected>' in page
    assert 'value="gad7" checked' in page
    assert 'value="2026-11-30T09:00"' in page
    assert 'value="3"' in page
    assert db_session.scalars(select(Campaign)).first() is None
    assert "campaign.created" not in _actions(db_session)


def test_form_problems_are_listed_in_chinese(
    client: FlaskClient, make_user: Any, login: Any, org: Any
) -> None:
    login(client, make_user("admin", unit="BUR", locale="zh_CN").username)
    response = _create(client, opens="", instruments=[], every="x")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写开始日期和时间。" in page
    assert "重复间隔请填写 1 至 60 个月，或留空。" in page
    service_error = _create(client, instruments=[])
    assert "请至少选择一份问卷。" in service_error.get_data(as_text=True)


def test_unknown_unit_and_overlapping_waves_are_explained(
    admin_client: FlaskClient, org: Any
) -> None:
    unknown = _create(admin_client, unit="ZZ").get_data(as_text=True)
    assert "The unit ZZ does not exist." in unknown
    overlap = _create(admin_client, every="1", closes="2027-02-01T09:00").get_data(as_text=True)
    assert "Each wave must close before the next one opens" in overlap


def test_list_shows_counts_per_wave_and_no_names(
    admin_client: FlaskClient,
    db_session: Session,
    catalogue: Any,
    station_officers: list[User],
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="Counted",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=datetime(2026, 10, 1, tzinfo=UTC),
        closes_at=datetime(2026, 10, 15, tzinfo=UTC),
    )
    campaigns.open_due_waves(db_session, datetime(2026, 10, 1, tzinfo=UTC))
    campaigns.expire_and_close(db_session, datetime(2026, 10, 16, tzinfo=UTC))
    page = admin_client.get("/admin/campaigns").get_data(as_text=True)
    section = page.split(f'id="campaign-{campaign.id}"')[1].split("</section>")[0]
    assert 'data-count="invited">3<' in section  # three officers in ST1's subtree
    assert 'data-count="expired">3<' in section
    assert 'data-count="submitted">0<' in section
    assert 'data-state="closed"' in section
    for officer in station_officers:
        assert officer.username not in page
        assert officer.display_name not in page.replace("Test admin", "")


def test_close_campaign_asks_then_closes(
    admin_client: FlaskClient, db_session: Session, catalogue: Any, org: Any
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="To close",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=datetime(2030, 1, 1, tzinfo=UTC),
        closes_at=datetime(2030, 1, 15, tzinfo=UTC),
        every_months=3,
    )
    path = f"/admin/campaigns/{campaign.id}/close"
    confirm = admin_client.get(path).get_data(as_text=True)
    assert 'id="confirm-close"' in confirm
    response = post_form(admin_client, path, path, {})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Campaign, campaign.id).closed  # type: ignore[union-attr]
    assert "campaign.closed" in _actions(db_session)
    again = admin_client.get(path).get_data(as_text=True)
    assert "This campaign is already closed." in again
    assert admin_client.get("/admin/campaigns/99999/close").status_code == 404


def test_closing_needs_a_csrf_token(
    admin_client: FlaskClient, db_session: Session, catalogue: Any, org: Any
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="Guarded",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=datetime(2030, 1, 1, tzinfo=UTC),
        closes_at=datetime(2030, 1, 15, tzinfo=UTC),
    )
    response = admin_client.post(f"/admin/campaigns/{campaign.id}/close")
    assert response.status_code == 400
    db_session.expire_all()
    assert not db_session.get(Campaign, campaign.id).closed  # type: ignore[union-attr]
