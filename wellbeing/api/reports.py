"""Reports API: waves the caller sees, a unit's protected report, its trend, PDF and CSV; the
station's activity in a released calendar period, as JSON, PDF and CSV.

Leaders (within their scope) and supervisors only; a unit outside the caller's scope is a 404,
as is an unknown wave; a malformed parameter is a 422. Every hidden value is null, one neutral
mark: nothing says why it is hidden.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from wellbeing.activity.report import activity_data
from wellbeing.auth.access import roles
from wellbeing.faces.context import writes
from wellbeing.faces.reports.activity import activity_download
from wellbeing.faces.reports.activity_request import (
    PeriodMissing,
    load_activity,
    not_released,
    required_period,
)
from wellbeing.faces.reports.common import (
    bad_parameter,
    int_parameter,
    load_unit,
    load_wave,
    report_user,
    unit_report,
    unit_trend,
    waves_for,
)
from wellbeing.faces.reports.downloads import download
from wellbeing.org.models import Role
from wellbeing.reports.export import report_data, trend_data, wave_data

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports")


@bp.get("/waves")
@roles(Role.LEADER, Role.SUPERVISOR)
def list_waves() -> ResponseReturnValue:
    """Waves visible to the caller, newest first."""
    return jsonify([wave_data(wave) for wave in waves_for(report_user())])


@bp.get("/units/<code>")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit_report_json(code: str) -> ResponseReturnValue:
    """A unit's report for ``?wave=`` (required): the unit and every descendant."""
    user = report_user()
    unit = load_unit(code)
    wave = load_wave(user, required=True)
    return jsonify(report_data(unit_report(unit, wave)))


@bp.get("/units/<code>/trend")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit_trend_json(code: str) -> ResponseReturnValue:
    """``?instrument=`` across the closed waves of ``?campaign=`` (default: the newest)."""
    user = report_user()
    unit = load_unit(code)
    instrument = request.args.get("instrument", "")
    if not instrument or len(instrument) > 32:
        bad_parameter("instrument")
    campaign = int_parameter("campaign")
    return jsonify(trend_data(unit_trend(user, unit, instrument, campaign)))


@bp.get("/units/<code>.pdf")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def unit_pdf(code: str) -> ResponseReturnValue:
    """The report of ``?wave=`` as PDF (audited)."""
    return download(report_user(), load_unit(code), "pdf")


@bp.get("/units/<code>.csv")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def unit_csv(code: str) -> ResponseReturnValue:
    """The report of ``?wave=`` as CSV (audited)."""
    return download(report_user(), load_unit(code), "csv")


@bp.get("/units/<code>/activity")
@roles(Role.LEADER, Role.SUPERVISOR)
def unit_activity_json(code: str) -> ResponseReturnValue:
    """The unit's activity in ``?from=&to=`` (one whole calendar month, quarter or year)."""
    unit = load_unit(code)
    return jsonify(activity_data(load_activity(unit, required_period())))


@bp.get("/units/<code>/activity.pdf")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def unit_activity_pdf(code: str) -> ResponseReturnValue:
    """The activity figure sheet as PDF (``?from=&to=``, default the newest period; audited)."""
    return _activity_file(code, "pdf")


@bp.get("/units/<code>/activity.csv")
@roles(Role.LEADER, Role.SUPERVISOR)
@writes
def unit_activity_csv(code: str) -> ResponseReturnValue:
    """The activity figures as CSV (``?from=&to=``, default the newest period; audited)."""
    return _activity_file(code, "csv")


def _activity_file(code: str, kind: str) -> ResponseReturnValue:
    unit = load_unit(code)
    try:
        return activity_download(report_user(), unit, kind)
    except PeriodMissing:  # nothing released yet
        raise not_released() from None
