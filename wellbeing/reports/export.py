"""A unit report as plain data (the API's JSON) and as CSV — both from the same rows.

Every hidden value is ``null`` (an empty CSV cell), participation included, and nothing says
why: one neutral mark for every hidden value (a reason is information; see reasons.py).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from wellbeing.reports.disclosure import ReportRow
from wellbeing.reports.report import Line, Trend, UnitReport
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


def _line_data(line: Line) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": line.unit.code,
        "parent": line.unit.parent,
        "invited": line.invited,
        "responded": line.responded,
        "instruments": {i: result_data(row) for i, row in line.results.items()},
    }
    if line.categories:  # 民警/辅警: the same protected figures per staff category
        data["staff_categories"] = {
            category: {i: result_data(row) for i, row in rows.items()}
            for category, rows in line.categories.items()
        }
    return data


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
        "rows": [_line_data(line) for line in report.lines],
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
    """The CSV columns: unit, parent, (staff_category, when the report is split by it,)
    participation, then instrument.n/.band/.mean."""
    columns = ["unit", "parent", *_split_column(report), "invited", "responded"]
    for info in report.instruments:
        columns += [f"{info.id}.n", *(f"{info.id}.{band}" for band, _ in info.bands)]
        columns.append(f"{info.id}.mean")
    return columns


def report_csv(report: UnitReport) -> str:
    """The report's rows as CSV (UTF-8 text; hidden values empty). A report split by staff
    category follows each unit's line with one line per category (participation empty: it is
    not published per category)."""
    data = report_data(report)
    split = bool(_split_column(report))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(report))
    for row in data["rows"]:
        lines = [("", row["invited"], row["responded"], row["instruments"])]
        for category, results in row.get("staff_categories", {}).items():
            lines.append((category, None, None, results))
        for category, invited, responded, results in lines:
            values: list[Any] = [_safe(row["unit"]), _safe(row["parent"] or "")]
            values += [category] if split else []
            values += [invited, responded, *_result_values(report, results)]
            writer.writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _split_column(report: UnitReport) -> list[str]:
    return ["staff_category"] if any(line.categories for line in report.lines) else []


def _result_values(report: UnitReport, results: dict[str, Any]) -> list[Any]:
    values: list[Any] = []
    for info in report.instruments:
        result = results.get(info.id)
        if result is None:
            values += [""] * (len(info.bands) + 2)
            continue
        values += [result["n"], *(result["bands"][band] for band, _ in info.bands)]
        values.append(result["mean"])
    return values


def _safe(text: str) -> str:
    """Keep spreadsheets from reading a unit code as a formula."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text
