"""A unit report as plain data (the API's JSON) and as CSV — both from the same rows.

Every hidden value is ``null`` (an empty CSV cell), participation included, and nothing says
why: one neutral mark for every hidden value (a reason is information; see reasons.py).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from wellbeing.reports.disclosure import ReportRow
from wellbeing.reports.report import Trend, UnitReport
from wellbeing.reports.waves import WaveInfo


def wave_data(wave: WaveInfo) -> dict[str, Any]:
    """A wave as the API shows it."""
    return {
        "id": wave.id,
        "name": wave.name,
        "closed": wave.closed,
        "campaign": {"id": wave.campaign_id, "name": wave.campaign_name},
        "opens_at": wave.opens_at.isoformat(),
        "closes_at": wave.closes_at.isoformat(),
        "instruments": list(wave.instruments),
    }


def result_data(row: ReportRow) -> dict[str, Any]:
    """One protected row of an instrument: n, bands, mean (null when hidden)."""
    return {
        "n": row.n.value,
        "bands": {band: cell.value for band, cell in row.bands.items()},
        "mean": row.mean.value,
    }


def report_data(report: UnitReport) -> dict[str, Any]:
    """The API body of a unit report."""
    body: dict[str, Any] = {
        "unit": report.unit.code,
        "wave": wave_data(report.wave),
        "k": report.k,
        "pending": report.pending,
        "instruments": [
            {"id": info.id, "bands": [band for band, _label in info.bands]}
            for info in report.instruments
        ],
        "rows": [
            {
                "unit": line.unit.code,
                "parent": line.unit.parent,
                "invited": line.invited,
                "responded": line.responded,
                "instruments": {i: result_data(row) for i, row in line.results.items()},
            }
            for line in report.lines
        ],
    }
    if report.epsilon is not None:
        body["privacy"] = {"mode": "differential", "epsilon_spent": report.epsilon}
    return body


def trend_data(trend: Trend) -> dict[str, Any]:
    """The API body of a trend."""
    return {
        "unit": trend.unit.code,
        "instrument": trend.instrument.id,
        "k": trend.k,
        "points": [
            {
                "wave": wave_data(point.wave),
                "invited": point.invited,
                "responded": point.responded,
                **(result_data(point.row) if point.row is not None else {}),
            }
            for point in trend.points
        ],
    }


def csv_header(report: UnitReport) -> list[str]:
    """The CSV columns: unit, parent, participation, then instrument.n/.band/.mean."""
    columns = ["unit", "parent", "invited", "responded"]
    for info in report.instruments:
        columns += [f"{info.id}.n", *(f"{info.id}.{band}" for band, _ in info.bands)]
        columns.append(f"{info.id}.mean")
    return columns


def report_csv(report: UnitReport) -> str:
    """The report's rows as CSV (UTF-8 text; hidden values empty)."""
    data = report_data(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(report))
    for row in data["rows"]:
        values: list[Any] = [
            _safe(row["unit"]),
            _safe(row["parent"] or ""),
            row["invited"],
            row["responded"],
        ]
        for info in report.instruments:
            result = row["instruments"].get(info.id)
            if result is None:
                values += [""] * (len(info.bands) + 2)
                continue
            values += [result["n"], *(result["bands"][band] for band, _ in info.bands)]
            values.append(result["mean"])
        writer.writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Keep spreadsheets from reading a unit code as a formula."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text
