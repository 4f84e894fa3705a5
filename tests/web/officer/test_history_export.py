"""History with a server-rendered SVG trend, and the officer's export as JSON and PDF."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages
from wellbeing.org.models import User
from wellbeing.screening import service
from wellbeing.screening.policy import ScreeningPolicy


def _submit(app: Flask, db_session: Session, officer: User, values: list[int]) -> None:
    policy: ScreeningPolicy = app.extensions["wellbeing.policy"]
    answers = {f"q{i}": v for i, v in enumerate(values, start=1)}
    service.submit(
        db_session,
        policy,
        officer,
        instrument_id="phq9",
        answers=answers,
        idempotency_key=uuid.uuid4().hex,
    )
    db_session.flush()


def _two_results(app: Flask, db_session: Session, officer: User, clock: Any) -> None:
    _submit(app, db_session, officer, [1, 1, 1, 1, 1, 1, 1, 1, 0])  # 8: mild
    clock.advance(days=90)
    _submit(app, db_session, officer, [2, 2, 1, 1, 1, 1, 1, 1, 0])  # 10: moderate


def _signed_in(app: Flask, officer: User, login: Any) -> Pages:
    client = app.test_client()  # signed in after the results, so the session is fresh
    login(client, officer.username)
    return Pages(client)


def test_history_draws_a_trend_per_instrument(
    frozen_clock: Any, app: Flask, officer: User, db_session: Session, login: Any
) -> None:
    _two_results(app, db_session, officer, frozen_clock)
    pages = _signed_in(app, officer, login)
    response = pages.client.get("/history")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'data-points="2"' in page
    assert "<polyline" in page
    assert "2026-11-27: 8 轻度" in page
    assert "中度" in page
    assert "style=" not in page
    assert "<script" not in page


def test_history_without_results(pages: Pages) -> None:
    assert 'id="no-history"' in pages.get("/history")


def test_export_json_holds_every_submission(
    frozen_clock: Any, app: Flask, officer: User, db_session: Session, login: Any
) -> None:
    _two_results(app, db_session, officer, frozen_clock)
    pages = _signed_in(app, officer, login)
    response = pages.client.get("/export.json")
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert [s["result"]["band"] for s in data["submissions"]] == ["mild", "moderate"]
    assert data["officer"]["username"] == officer.username


def test_export_pdf_renders_chinese_text(
    frozen_clock: Any, app: Flask, officer: User, db_session: Session, login: Any
) -> None:
    _two_results(app, db_session, officer, frozen_clock)
    pages = _signed_in(app, officer, login)
    response = pages.client.get("/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "我的心理健康数据" in text
    assert "患者健康问卷" in text
    assert "轻度" in text
    assert "做事时提不起劲或没有兴趣" in text
