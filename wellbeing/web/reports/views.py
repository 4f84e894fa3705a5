"""Report pages: the dashboard of a unit (participation, band charts, trends), drill-down
into child units, and PDF/CSV downloads of exactly what the page shows."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.auth.policy import may_view_reports_for, report_scopes
from wellbeing.faces.i18n import current_language
from wellbeing.faces.reports.common import (
    load_unit,
    load_wave,
    report_user,
    unit_report,
    unit_trend,
    waves_for,
)
from wellbeing.faces.reports.downloads import download
from wellbeing.faces.reports.page import instrument_sections, page_legend, participation_cells
from wellbeing.org.models import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
@roles(Role.LEADER, Role.SUPERVISOR)
def index() -> ResponseReturnValue:
    """The caller's report scopes; with one scope, straight to its dashboard."""
    scopes = report_scopes(report_user())
    if len(scopes) == 1:
        return redirect(url_for("reports.unit", code=scopes[0].code))
    return render_template("reports/index.html", scopes=scopes)


@bp.get("/units/<code>")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit(code: str) -> ResponseReturnValue:
    """A unit's dashboard for ``?wave=`` (default: the newest wave the caller sees)."""
    user = report_user()
    target = load_unit(code)
    wave = load_wave(user)
    report = unit_report(target, wave)
    trends = [unit_trend(user, target, i.id, wave.campaign_id) for i in report.instruments]
    lang = current_language()
    parent = target.parent if target.parent and may_view_reports_for(user, target.parent) else None
    return render_template(
        "reports/unit.html",
        report=report,
        parent=parent,
        waves=waves_for(user),
        participation=[(line, participation_cells(line)) for line in report.lines],
        sections=instrument_sections(report, trends, lang),
        legend=page_legend(report, trends, lang),
    )


@bp.get("/units/<code>.pdf")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit_pdf(code: str) -> ResponseReturnValue:
    """The dashboard's figures as PDF (audited)."""
    return download(report_user(), load_unit(code), "pdf")


@bp.get("/units/<code>.csv")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit_csv(code: str) -> ResponseReturnValue:
    """The dashboard's figures as CSV (audited)."""
    return download(report_user(), load_unit(code), "csv")
