"""Loading and checking what a report request asks for — shared by the pages and the API.

Load, check access, act: the unit must exist and lie in the caller's report scope (else 404, so
a leader cannot even learn which units exist outside their scope), the wave must be one the
caller's scopes see (else 404); a malformed parameter is a 422 on the API (404 on a page).
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort, request
from flask_babel import gettext as _

from wellbeing.audit.service import record
from wellbeing.auth.policy import may_view_reports_for, report_scopes
from wellbeing.faces.context import catalogue, current_user, db, is_api_request, settings
from wellbeing.faces.errors import ApiError
from wellbeing.org.models import Unit, User
from wellbeing.org.service import find_unit
from wellbeing.reports.report import (
    Trend,
    UnitReport,
    build_trend,
    build_unit_report,
    report_definitions,
)
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.reporting import visible_waves, wave_participation


def report_user() -> User:
    """The signed-in caller (the access rule has already required a report role)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def load_unit(code: str) -> Unit:
    """The unit if the caller may see its reports; 404 otherwise (also outside scope)."""
    unit = find_unit(db(), code)
    if unit is None or not may_view_reports_for(report_user(), unit):
        abort(404)
    return unit


def waves_for(user: User) -> list[WaveInfo]:
    """Waves the user's report scopes see, newest first."""
    return visible_waves(db(), report_scopes(user))


def bad_parameter(name: str) -> NoReturn:
    """A malformed query parameter: 422 naming it on the API, 404 on a page."""
    if is_api_request():
        raise ApiError(422, "invalid", _("Parameter %(name)s is not valid.", name=name), field=name)
    abort(404)


def int_parameter(name: str) -> int | None:
    """An optional positive integer query parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 12:
        bad_parameter(name)
    return int(raw)


def load_wave(user: User, *, required: bool = False) -> WaveInfo:
    """The wave of ``?wave=`` (by default the newest closed one, else the newest open one);
    404 when unknown or not visible to the caller."""
    wave_id = int_parameter("wave")
    waves = waves_for(user)
    if wave_id is None:
        if required:
            bad_parameter("wave")
        if not waves:
            abort(404)
        return next((wave for wave in waves if wave.closed), waves[0])
    wave = next((w for w in waves if w.id == wave_id), None)
    if wave is None:
        abort(404)
    return wave


def unit_report(unit: Unit, wave: WaveInfo) -> UnitReport:
    """The protected report of a wave, from its stored release and its participation."""
    config = settings()
    participation = wave_participation(db(), [wave.id])[wave.id]
    report = build_unit_report(
        db(),
        catalogue(),
        unit.code,
        wave,
        participation,
        config.report_min_cell,
        config.report_dp_epsilon,
    )
    db().commit()
    return report


def unit_trend(user: User, unit: Unit, instrument: str, campaign_id: int | None) -> Trend:
    """One instrument's trend for a unit across the closed waves of a campaign.

    Without ``campaign_id``: the newest visible campaign that used the instrument.
    """
    waves = [w for w in waves_for(user) if instrument in w.instruments]
    if campaign_id is None and waves:
        campaign_id = waves[0].campaign_id
    waves = [w for w in waves if w.campaign_id == campaign_id]
    definitions = report_definitions(catalogue(), waves[0]) if waves else []
    definition = next((d for d in definitions if d.id == instrument), None)
    if definition is None:
        abort(404)
    config = settings()
    participation = wave_participation(db(), [wave.id for wave in waves if wave.closed])
    trend = build_trend(
        db(),
        catalogue(),
        unit.code,
        waves,
        participation,
        definition,
        config.report_min_cell,
        config.report_dp_epsilon,
    )
    db().commit()
    return trend


def audit_download(user: User, report: UnitReport, kind: str) -> None:
    """Record that a report left the service (report.downloaded)."""
    record(
        db(),
        actor=user,
        action="report.downloaded",
        target_type="unit",
        target_id=report.unit.code,
        detail={"wave": report.wave.id, "format": kind},
    )
    db().commit()
