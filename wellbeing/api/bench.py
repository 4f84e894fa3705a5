"""The benchmark's baseline: store the raw request body and nothing else.

Registered only when WELLBEING_BENCH_BASELINE is on (never in production): `bench/submit.py`
compares the full submission pipeline against it in the same app and database. Its table lives
outside the app's metadata and migrations; the benchmark creates and drops it.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.org.models import Role

bp = Blueprint("api_bench", __name__, url_prefix="/api/v1/bench")
metadata = MetaData()
baseline_table = Table(
    "bench_baseline",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", LargeBinary, nullable=False),
)


@bp.post("/baseline")
@roles(Role.OFFICER)  # the same sign-in work as a real submission
def store_raw_body() -> ResponseReturnValue:
    """Insert the body as it came; answer 201 with the row id."""
    session = db()
    row_id = session.execute(
        baseline_table.insert().values(body=request.get_data()).returning(baseline_table.c.id)
    ).scalar_one()
    session.commit()
    return jsonify({"id": row_id}), 201
