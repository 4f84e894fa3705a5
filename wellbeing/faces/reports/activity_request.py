"""Loading what an activity-report request asks for — shared by the page, the API and downloads.

Load, check, act: the unit must be in the caller's report scope (else 404, as for screening
reports); ``from``/``to`` must be ISO dates spanning one whole calendar month, quarter or year
(else 422 naming the parameter); the period must be released (else 409 ``not_released``: it is
released a week after it ends; a unit added since the period was released has no figures for
it: 404). Nothing here counts or computes: it slices a stored release.
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _

from wellbeing.activity.periods import Period, PeriodError, parse_period
from wellbeing.activity.publish import RELEASE_DELAY
from wellbeing.activity.report import (
    ActivityReport,
    activity_report,
    is_released,
    released_periods,
)
from wellbeing.audit.service import record
from wellbeing.faces.context import db, settings
from wellbeing.faces.errors import ApiError
from wellbeing.org.models import Unit, User

FORMATS = ("pdf", "csv")


class PeriodMissing(Exception):
    """The page was opened without ``from``/``to`` (it then shows the newest released period)."""


def requested_period() -> Period:
    """The period of ``?from=&to=`` (422 naming the bad parameter); PeriodMissing when both
    are absent."""
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if raw_from is None and raw_to is None:
        raise PeriodMissing
    first = _date_parameter("from", raw_from)
    last = _date_parameter("to", raw_to)
    if last < first:
        raise ApiError(422, "invalid", _("The end date is before the start date."), field="to")
    try:
        return parse_period(first, last)
    except PeriodError:
        message = _(
            "The period must be one whole calendar month, quarter or year, "
            "e.g. from=2026-01-01&to=2026-03-31."
        )
        raise ApiError(422, "invalid", message, field="from") from None


def required_period() -> Period:
    """`requested_period`, with ``from``/``to`` required (the API): 422 naming ``from``."""
    try:
        return requested_period()
    except PeriodMissing:
        message = _("Parameter %(name)s is required.", name="from")
        raise ApiError(422, "invalid", message, field="from") from None


def _date_parameter(name: str, raw: str | None) -> date:
    if not raw:
        raise ApiError(422, "invalid", _("Parameter %(name)s is required.", name=name), field=name)
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        message = _("Parameter %(name)s must be a date (YYYY-MM-DD).", name=name)
        raise ApiError(422, "invalid", message, field=name) from None


def periods() -> list[Period]:
    """Every released period, newest first."""
    return released_periods(db(), settings().report_min_cell)


def load_activity(unit: Unit, period: Period) -> ActivityReport:
    """The unit's slice of the period's release; 409 ``not_released`` when there is none."""
    k = settings().report_min_cell
    report = activity_report(db(), unit.code, period, k)
    if report is not None:
        return report
    if is_released(db(), period, k):  # released over a tree the unit was not yet part of
        message = _("This unit did not exist yet in that period: it has no figures for it.")
        raise ApiError(404, "not_found", message)
    raise not_released()


def not_released() -> ApiError:
    """409 ``not_released``: the period (or any period) has no release yet."""
    message = _(
        "The figures for this period are not released yet: each month, quarter and year "
        "is released %(days)d days after it ends.",
        days=RELEASE_DELAY.days,
    )
    return ApiError(409, "not_released", message)


def audit_activity_download(user: User, report: ActivityReport, kind: str) -> None:
    """Record that an activity report left the service (activity.downloaded)."""
    record(
        db(),
        actor=user,
        action="activity.downloaded",
        target_type="unit",
        target_id=report.unit,
        detail={"period": report.period.key, "format": kind},
    )
    db().commit()
