"""Report pages: the dashboard of a unit (participation, band charts, trends), drill-down
into child units, the station's activity report per released period, and PDF/CSV downloads of
exactly what each page shows."""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from wellbeing.activity.measures import MEASURES
from wellbeing.auth.access import roles
from wellbeing.auth.policy import may_view_reports_for, report_scopes
from wellbeing.faces.context import writes
from wellbeing.faces.errors import ApiError
from wellbeing.faces.i18n import current_language
from wellbeing.faces.reports.activity import (
    activity_download,
    activity_legend,
    chosen_period,
    measure_label,
    period_label,
    row_values,
    shown_value,
    unit_names,
    withheld_text,
)
from wellbeing.faces.reports.activity_request import PeriodMissing, load_activity, periods
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
    """The caller's report scopes; with one scope and a wave to show, straight to its dashboard
    (with none yet, the list says so rather than a 404)."""
    user = report_user()
    scopes, waves = report_scopes(user), waves_for(user)
    if len(scopes) == 1 and waves:
        return redirect(url_for("reports.unit", code=scopes[0].code))
    return render_template("reports/index.html", scopes=scopes, has_waves=bool(waves))


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
@writes
def unit_pdf(code: str) -> ResponseReturnValue:
    """The dashboard's figures as PDF (audited)."""
    return download(report_user(), load_unit(code), "pdf")


@bp.get("/units/<code>.csv")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def unit_csv(code: str) -> ResponseReturnValue:
    """The dashboard's figures as CSV (audited)."""
    return download(report_user(), load_unit(code), "csv")


@bp.get("/units/<code>/activity")
@roles(Role.LEADER, Role.SUPERVISOR)
def activity(code: str) -> ResponseReturnValue:
    """The unit's activity in ``?from=&to=`` (default: the newest released period)."""
    user = report_user()
    target = load_unit(code)
    try:
        period = chosen_period()
    except ApiError:
        abort(404)  # a malformed or non-calendar period, as for bad parameters on other pages
    lang = current_language()
    parent = target.parent if target.parent and may_view_reports_for(user, target.parent) else None
    context = {
        "unit": target,
        "parent": parent,
        "period": period,
        "periods": periods(),
        "period_label": period_label,
    }
    if period is None:
        return render_template("reports/activity.html", **context, report=None, message=None)
    try:
        report = load_activity(target, period)
    except ApiError as refused:  # 409: not released (yet)
        page = render_template("reports/activity.html", **context, report=None, message=refused)
        return page, refused.status
    return render_template(
        "reports/activity.html",
        **context,
        report=report,
        message=None,
        names=unit_names(report, lang),
        labels=[measure_label(measure, lang) for measure in MEASURES],
        own=[(measure_label(m, lang), shown_value(v)) for m, v in report.own.values.items()],
        rows=[(row, row_values(row)) for row in report.rows[1:]],
        legend=activity_legend(report, lang),
        withheld=withheld_text(report.withheld, lang) if report.withheld else None,
    )


@bp.get("/units/<code>/activity.pdf")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def activity_pdf(code: str) -> ResponseReturnValue:
    """The unit's activity figures as PDF, the sheet sent to the city bureau (audited)."""
    return _activity_file(code, "pdf")


@bp.get("/units/<code>/activity.csv")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def activity_csv(code: str) -> ResponseReturnValue:
    """The unit's activity figures as CSV (audited)."""
    return _activity_file(code, "csv")


def _activity_file(code: str, kind: str) -> ResponseReturnValue:
    user = report_user()
    target = load_unit(code)
    try:
        return activity_download(user, target, kind)
    except PeriodMissing:
        abort(404)  # nothing released yet
    except ApiError as refused:
        if refused.status == HTTPStatus.CONFLICT:
            return render_template("error.html", status=409, message=refused.message), 409
        abort(404)
