"""The station's activity report as words and files — shared by the page, the PDF and the CSV.

Every output shows exactly the slice `activity.report` returns: a shown value, or the one
neutral mark ("—" on the page and in the PDF, an empty cell in the CSV) whatever the reason it
is hidden. The CSV names units and measures, never a person.
"""

from __future__ import annotations

import csv
import io

from flask import Response
from sqlalchemy import select

from wellbeing.activity.measures import MEASURES
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.report import ActivityReport, ActivityRow
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.faces.reports.activity_request import (
    PeriodMissing,
    audit_activity_download,
    load_activity,
    periods,
    requested_period,
)
from wellbeing.faces.reports.display import HIDDEN, HIDDEN_VALUE, Shown
from wellbeing.org.models import Unit, User
from wellbeing.reports.reasons import hidden_text

# measure -> (zh_CN, en), in the order of MEASURES
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "counselling_sessions": ("心理咨询次数", "Counselling sessions"),
    "people_counselled": ("接受咨询人数", "People counselled"),
    "group_sessions": ("团体辅导场次", "Group sessions"),
    "group_attendance": ("团辅参与人次", "Group session attendance"),
    "referrals_opened": ("新增转介", "Referrals opened"),
    "crisis_referrals": ("危机转介", "Crisis referrals"),
    "referrals_closed": ("结案转介", "Referrals closed"),
    "referrals_closed_support_provided": (
        "结案转介：已提供支持",
        "Referrals closed: support provided",
    ),
    "referrals_closed_referred_external": (
        "结案转介：已转介至外部机构",
        "Referrals closed: referred to an outside service",
    ),
    "referrals_closed_declined": ("结案转介：本人拒绝支持", "Referrals closed: declined support"),
    "referrals_closed_unreachable": (
        "结案转介：无法联系上",
        "Referrals closed: could not be reached",
    ),
    "referrals_closed_no_action_needed": (
        "结案转介：无需处理",
        "Referrals closed: no action needed",
    ),
    "articles_read": ("科普阅读次数", "Articles read"),
    "median_hours_to_first_contact": (
        "首次联系中位时长(小时)",
        "Median hours to first contact",
    ),
}
QUARTERS_ZH = ("一", "二", "三", "四")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WITHHELD_TEXTS = {
    "tree_changed": (
        "本期内单位设置发生变化，为保护个人隐私，本期全部数值不予显示；请查看本期所含各月的数据。",
        "The unit tree changed during this period, so every figure of it is withheld to protect "
        "individuals; see the months it is made of.",
    ),
}
CSV_HEADER = ("unit", "unit_name", "period", "measure", "label", "value", "suppressed")
FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def _pick(texts: tuple[str, str], lang: str) -> str:
    return texts[1] if lang.startswith("en") else texts[0]


def measure_label(measure: str, lang: str) -> str:
    """A measure's name in the user's language (Chinese by default)."""
    return _pick(MEASURE_LABELS[measure], lang)


def period_label(period: Period, lang: str) -> str:
    """2026年3月 / March 2026, 2026年第一季度 / Q1 2026, 2026年 / 2026."""
    year, english = period.start.year, lang.startswith("en")
    if period.kind is Kind.MONTH:
        month = period.start.month
        return f"{MONTHS_EN[month - 1]} {year}" if english else f"{year}年{month}月"
    if period.kind is Kind.QUARTER:
        quarter = (period.start.month - 1) // 3
        return f"Q{quarter + 1} {year}" if english else f"{year}年第{QUARTERS_ZH[quarter]}季度"
    return str(year) if english else f"{year}年"


def withheld_text(reason: str, lang: str) -> str:
    """Why every value of the period is hidden (the one reason given: the tree changed)."""
    return _pick(WITHHELD_TEXTS.get(reason, WITHHELD_TEXTS["tree_changed"]), lang)


def shown_value(value: int | float | None) -> Shown:
    """A count, or hours with one decimal, or the hidden mark."""
    if value is None:
        return HIDDEN_VALUE
    if isinstance(value, float):
        return Shown(f"{value:.1f}")
    return Shown(str(value))


def row_values(row: ActivityRow) -> list[Shown]:
    """A row's values in the order of MEASURES."""
    return [shown_value(row.values.get(measure)) for measure in MEASURES]


def activity_legend(report: ActivityReport, lang: str) -> list[tuple[str, str]]:
    """(mark, text) explaining hidden values, when the report has any."""
    hidden = any(value is None for row in report.rows for value in row.values.values())
    return [(HIDDEN, hidden_text(lang))] if hidden else []


def unit_names(report: ActivityReport, lang: str) -> dict[str, str]:
    """The name of every unit in the report, by code (the code where a unit is gone)."""
    codes = [row.unit for row in report.rows]
    found = db().scalars(select(Unit).where(Unit.code.in_(codes)))
    names = {unit.code: unit.name(lang) for unit in found}
    return {code: names.get(code, code) for code in codes}


def chosen_period() -> Period | None:
    """The period of ``?from=&to=``, else the newest released one (None when none is)."""
    try:
        return requested_period()
    except PeriodMissing:
        released = periods()
        return released[0] if released else None


def activity_csv(report: ActivityReport, names: dict[str, str], lang: str) -> str:
    """One row per unit and measure: hidden values empty and marked suppressed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in report.rows:
        for measure in MEASURES:
            value = row.values.get(measure)
            writer.writerow(
                [
                    _safe(row.unit),
                    _safe(names.get(row.unit, row.unit)),
                    report.period.key,
                    measure,
                    measure_label(measure, lang),
                    "" if value is None else value,
                    "true" if value is None else "false",
                ]
            )
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Keep spreadsheets from reading a code or a name as a formula."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text


def activity_download(user: User, unit: Unit, kind: str) -> Response:
    """The unit's activity in the requested (or newest released) period as a file, audited as
    activity.downloaded. Raises the shared ApiErrors (422 bad period, 409 not released) and
    PeriodMissing when no period is asked for and none is released yet."""
    from wellbeing.faces.reports.activity_pdf import activity_pdf

    period = chosen_period()
    if period is None:
        raise PeriodMissing
    report = load_activity(unit, period)
    lang = current_language()
    names = unit_names(report, lang)
    if kind == "pdf":
        body = activity_pdf(report, names, lang)
    else:
        body = ("\ufeff" + activity_csv(report, names, lang)).encode("utf-8")  # BOM for Excel
    audit_activity_download(user, report, kind)
    response = Response(body, mimetype=FORMATS[kind])
    filename = f"activity-{unit.code}-{period.key}.{kind}"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
