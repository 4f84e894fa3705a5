"""Export of all the officer's own data, as JSON and as PDF; never cached."""

from __future__ import annotations

import json

from flask import Response
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.faces.context import catalogue, db
from wellbeing.faces.i18n import current_language
from wellbeing.org.models import Role
from wellbeing.screening.export import export_own_data
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import current_officer
from wellbeing.web.officer.pdf import export_pdf


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.json")
@roles(Role.OFFICER)
def export_json() -> ResponseReturnValue:
    """Everything stored about the officer's screenings, as JSON."""
    data = export_own_data(db(), current_officer())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(body, "application/json", "wellbeing-export.json")


@bp.get("/export.pdf")
@roles(Role.OFFICER)
def export_pdf_view() -> ResponseReturnValue:
    """The same data as a readable PDF in the officer's language."""
    data = export_own_data(db(), current_officer())
    body = export_pdf(data, catalogue(), current_language())
    return _download(body, "application/pdf", "wellbeing-export.pdf")
