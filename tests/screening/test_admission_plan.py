"""The read every submission makes of the officer's previous one of its instrument ("rise" rules)
is one index seek, newest first: no scan of the officer's history and no sort, so its cost does
not grow with how many screenings the officer has done (migration 0134)."""

from __future__ import annotations

from sqlalchemy import Engine

from wellbeing.screening.admission import _PREVIOUS

HISTORY_INDEX = "ix_submissions_officer_instrument_time"


def _plan(engine: Engine) -> str:
    """The database's plan for the previous-submission read, as one text."""
    with engine.connect() as connection:
        compiled = _PREVIOUS.compile(dialect=connection.dialect)
        params = compiled.construct_params({"officer_id": 1, "instrument_id": "phq9"})
        if connection.dialect.name == "sqlite":
            ordered = tuple(params[name] for name in compiled.positiontup or ())
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered)
            return "\n".join(str(row[-1]) for row in rows)
        # PostgreSQL plans a tiny test table as a sequential scan; what matters is that the
        # index can answer the query in order, which the plan shows once scans cost more.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", params)
        return "\n".join(str(row[0]) for row in rows)


def test_the_previous_submission_is_one_seek_without_a_sort(engine: Engine) -> None:
    plan = _plan(engine)
    assert HISTORY_INDEX in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite's sort
    assert "Sort" not in plan, plan  # PostgreSQL's
