"""How the read every submission makes grows with the officer's own history.

Admission (`wellbeing/screening/admission.py`) reads the officer's previous submission of the
instrument, newest first, for "rise" rules. This fills a scratch database with officers who have
0, 20, 60 and 200 earlier submissions (a 1.5 KiB payload each, a quarter of them of the
instrument read, among 10,000 other rows) and times that read for each, against a primary-key
read of one submission in the same rounds (alternated). Prints µs per read and baseline/ours
(higher is better; flat across the rows means the read does not grow with the history). Run
from the repository root:

    PYTHONPATH=. .venv/bin/python bench/history.py [--database-url postgresql+psycopg://…/postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, bindparam, insert, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit import scratch_database

from wellbeing.core.clock import utcnow
from wellbeing.core.db import make_engine, new_id
from wellbeing.org import service as org_service
from wellbeing.org.models import User
from wellbeing.screening.admission import PREVIOUS
from wellbeing.screening.models import Submission

HISTORIES = (0, 20, 60, 200)
OTHERS = 10_000  # rows of other officers around them
INSTRUMENTS = ("phq9", "gad7", "pcl5", "who5")
READS = 2_000  # reads per round and side


def fill(engine: Engine) -> dict[int, tuple[int, str]]:
    """Officers with each history length; return history -> (officer id, a submission id to read
    by id: one of theirs, or of the other officer for an empty history)."""
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "H1", "历史", "History")
        for name in [f"h{n}" for n in HISTORIES] + ["others"]:
            org_service.add_user(
                session, name, unit_code="H1", grants=[org_service.parse_grant("officer")]
            )
    with engine.connect() as connection:
        ids = dict(connection.execute(select(User.username, User.id)).tuples().all())
    rng = random.Random(3)
    start = utcnow() - timedelta(days=3650)
    rows: list[dict[str, object]] = []
    first: dict[int, str] = {}
    for officer, count in [(ids[f"h{n}"], n) for n in HISTORIES] + [(ids["others"], OTHERS)]:
        for number in range(count):
            record = new_id()
            first.setdefault(officer, record)
            rows.append(
                {
                    "id": record,
                    "officer_id": officer,
                    "instrument_id": rng.choice(INSTRUMENTS),
                    "instrument_version": "1",
                    "definition_hash": "0" * 64,
                    "idempotency_key": record,
                    "submitted_at": start + timedelta(hours=number),
                    "payload_sealed": os.urandom(1500),
                }
            )
    with engine.begin() as connection:
        for begin in range(0, len(rows), 2000):
            connection.execute(insert(Submission), rows[begin : begin + 2000])
    other = first[ids["others"]]
    return {n: (ids[f"h{n}"], first.get(ids[f"h{n}"], other)) for n in HISTORIES}


def timed(action: Callable[[], object]) -> float:
    """µs per call of `action`, over READS calls."""
    start = time.perf_counter()
    for _ in range(READS):
        action()
    return (time.perf_counter() - start) / READS * 1e6


def measure(engine: Engine, owned: dict[int, tuple[int, str]], rounds: int) -> None:
    """Print each history's previous-submission read against the by-id read, rounds alternated."""
    table = Submission.__table__
    one = select(table.c.id, table.c.officer_id, table.c.payload_sealed).where(
        table.c.id == bindparam("record")
    )
    print(f"{'history':>8}{'previous µs':>14}{'by id µs':>11}{'by id/previous':>16}")
    with engine.connect() as connection:
        for history in HISTORIES:
            officer, record = owned[history]
            params = {"officer_id": officer, "instrument_id": "phq9"}

            def previous(params: dict[str, object] = params) -> object:
                return connection.execute(PREVIOUS, params).first()

            def baseline(record: str = record) -> object:
                return connection.execute(one, {"record": record}).first()

            times: dict[Callable[[], object], list[float]] = {previous: [], baseline: []}
            previous(), baseline()
            for index in range(rounds):
                pair = (previous, baseline) if index % 2 == 0 else (baseline, previous)
                for action in pair:
                    times[action].append(timed(action))
            ours, base = statistics.median(times[previous]), statistics.median(times[baseline])
            print(f"{history:>8}{ours:>14.1f}{base:>11.1f}{base / ours:>16.2f}")


def main() -> None:
    """Parse the options, fill a scratch database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch DB is made on it)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="wb-history-") as folder,
        scratch_database(args.database_url, Path(folder)) as url,
    ):
        engine = make_engine(url)
        try:
            owned = fill(engine)
            if engine.dialect.name == "postgresql":
                with engine.begin() as connection:
                    connection.exec_driver_sql("ANALYZE submissions")
            backend = "PostgreSQL" if args.database_url else "SQLite"
            print(f"{backend}: {OTHERS:,} other submissions, {READS} reads a round")
            measure(engine, owned, args.rounds)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
