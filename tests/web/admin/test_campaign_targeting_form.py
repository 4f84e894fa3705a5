"""The admin campaign form's staff category (issue 18 point 4): offered, kept, and refused
when unknown with nothing written."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.admin.helpers import post_form
from wellbeing.screening.models import Campaign


def _staff(make_user: Any) -> None:
    make_user("officer", unit="ST1-T1").staff_category = "police"


FORM = {
    "name": "辅警筛查",
    "unit": "ST1",
    "instruments": ["phq9"],
    "opens": "2026-12-01T09:00",
    "closes": "2026-12-15T18:00",
}


def test_the_admin_form_offers_and_keeps_the_category(
    admin_client: FlaskClient, db_session: Session, make_user: Any
) -> None:
    _staff(make_user)
    form = admin_client.get("/admin/campaigns/new").get_data(as_text=True)
    assert 'name="staff_category"' in form
    assert all(f'value="{value}"' in form for value in ("police", "auxiliary"))
    response = post_form(
        admin_client,
        "/admin/campaigns/new",
        "/admin/campaigns",
        {**FORM, "staff_category": "auxiliary"},
    )
    assert response.status_code == 302
    campaign = db_session.scalars(select(Campaign).where(Campaign.name == "辅警筛查")).one()
    assert campaign.staff_category == "auxiliary"
    listing = admin_client.get("/admin/campaigns").get_data(as_text=True)
    assert 'data-staff-category="auxiliary"' in listing


def test_the_admin_form_refuses_an_unknown_category_as_entered(
    admin_client: FlaskClient, db_session: Session, org: Any
) -> None:
    response = post_form(
        admin_client, "/admin/campaigns/new", "/admin/campaigns", {**FORM, "staff_category": "cook"}
    )
    assert response.status_code == 400
    assert 'id="form-problems"' in response.get_data(as_text=True)
    assert db_session.scalars(select(Campaign)).all() == []
