"""The read every submission makes of the officer's previous one of its instrument ("rise" rules)
is one index seek, newest first: no scan of the officer's history and no sort, so its cost does
not grow with how many screenings the officer has done (migration 0134). Both statements that
make it are checked: a voluntary check's, and a wave's, which reads it with the assignment."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.sql import Select

from wellbeing.screening.admission import PREVIOUS, WITH_ASSIGNMENT

HISTORY_INDEX = "ix_submissions_officer_instrument_time"
PARAMS = {"officer_id": 1, "instrument_id": "phq9", "assignment_id": 1}


def _plan(engine: Engine, statement: Select[object]) -> str:
    """The database's plan for the statement, as one text."""
    with engine.connect() as connection:
        compiled = statement.compile(dialect=connection.dialect)
        params = compiled.construct_params(PARAMS)
        if connection.dialect.name == "sqlite":
            ordered = tuple(params[name] for name in compiled.positiontup or ())
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered)
            return "\n".join(str(row[-1]) for row in rows)
        # PostgreSQL plans tiny test tables as sequential scans; what matters is that the index
        # can answer the read in order, which the plan shows once scans cost more.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", params)
        return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("statement", [PREVIOUS, WITH_ASSIGNMENT], ids=["voluntary", "assigned"])
def test_the_previous_submission_is_one_seek_without_a_sort(
    engine: Engine, statement: Select[object]
) -> None:
    plan = _plan(engine, statement)
    assert HISTORY_INDEX in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan  # SQLite's sort
    assert "Sort" not in plan, plan  # PostgreSQL's
