"""PDF and CSV downloads of a unit report — one implementation for the pages and the API.

The bureau-wide PDF (500 units) renders in well under the ~2 s budget (see bench/report.py and
the issue note), so it is produced in the request rather than as a job.
"""

from __future__ import annotations

from flask import Response

from wellbeing.org.models import Unit, User
from wellbeing.reports.export import report_csv
from wellbeing.web.i18n import current_language
from wellbeing.web.reports.common import audit_download, load_wave, unit_report
from wellbeing.web.reports.pdf import report_pdf

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def download(user: User, unit: Unit, kind: str) -> Response:
    """The report of ``?wave=`` as a file, audited as report.downloaded."""
    wave = load_wave(user)
    report = unit_report(unit, wave)
    if kind == "pdf":
        body = report_pdf(report, current_language())
    else:
        body = ("\ufeff" + report_csv(report)).encode("utf-8")  # BOM: spreadsheets read UTF-8
    audit_download(user, report, kind)
    response = Response(body, mimetype=FORMATS[kind])
    filename = f"report-{unit.code}-wave{wave.id}.{kind}"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
