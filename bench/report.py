"""Benchmark the bureau-wide unit report against a plain SQL GROUP BY over the same facts.

Generates ~500 units (a bureau, 20 stations, 24 teams each), one officer per respondent with
assignments for 8 closed waves, and 1,000,000 facts (PHQ-9 and GAD-7), bulk-inserted (COPY on
PostgreSQL, executemany on SQLite). Then, per wave, with the release cache cold, it times

* the report: ``build_unit_report`` for the bureau — participation, one GROUP BY over the facts
  into the tree, disclosure control (primary and complementary suppression) over the whole tree
  for every instrument, and the bureau's rows — with no stored release to read (the releases
  are deleted before each run, untimed; a request computes a missing exact release without
  storing it, see wellbeing/reports/release.py);
* the plain ``SELECT unit_id, instrument_id, band, count(*), sum(total) … GROUP BY`` of the same
  wave's facts, fetched;

and prints medians, the ratio, and the peak RSS. Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/report.py                       # temp SQLite file
    PYTHONPATH=. .venv/bin/python bench/report.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/wb_bench_report

A PostgreSQL database named in the URL is created first and dropped afterwards (it must not
exist already; the shared ``test`` database is refused).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.orm import Session

from wellbeing.db import make_engine
from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.migrate import upgrade_to_head
from wellbeing.org.models import Unit, User
from wellbeing.reports.models import Fact, Release
from wellbeing.reports.report import build_unit_report, visible_waves
from wellbeing.screening.models import Assignment, Campaign, Wave
from wellbeing.sealed import new_id

INSTRUMENTS = ("phq9", "gad7")
STATIONS, TEAMS = 20, 24
BATCH = 20_000
RESPONSE_RATE = 0.9


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def scratch_engine(url: str | None) -> Iterator[Engine]:
    """A temp SQLite file, or a PostgreSQL database created for the run and dropped after."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
            yield engine
            engine.dispose()
        return
    server, name = url.rsplit("/", 1)
    if name in {"test", "postgres", ""}:
        raise SystemExit(f"refusing to use the database {name!r}; name a scratch database")
    admin = make_engine(f"{server}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_units(session: Session) -> list[int]:
    """The bureau, its stations and their teams; returns the team ids (where officers work)."""
    bureau = Unit(code="BUR", name_zh="局", name_en="Bureau", path="")
    session.add(bureau)
    session.flush()
    bureau.path = f"/{bureau.id}/"
    teams = []
    for s in range(1, STATIONS + 1):
        station = Unit(code=f"ST{s:02}", name_zh=f"所{s}", name_en=f"Station {s}", path="")
        station.parent_id = bureau.id
        session.add(station)
        session.flush()
        station.path = f"{bureau.path}{station.id}/"
        for t in range(1, TEAMS + 1):
            team = Unit(code=f"ST{s:02}-T{t:02}", name_zh=f"队{t}", name_en=f"Team {t}", path="")
            team.parent_id = station.id
            session.add(team)
            session.flush()
            team.path = f"{station.path}{team.id}/"
            teams.append(team.id)
    return [bureau.id, *teams]


def bulk(engine: Engine, table: Any, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert rows in batches: COPY on PostgreSQL, executemany elsewhere."""
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            count += _flush(engine, table, columns, batch)
            batch = []
    if batch:
        count += _flush(engine, table, columns, batch)
    return count


def _flush(engine: Engine, table: Any, columns: list[str], batch: list[tuple[Any, ...]]) -> int:
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f"COPY {table.__tablename__} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in batch:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as connection:
            connection.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in batch])
    return len(batch)


def generate(engine: Engine, facts: int, waves: int, seed: int) -> tuple[int, int]:
    """Units, officers, a campaign of closed waves, assignments and facts."""
    rng = random.Random(seed)
    catalogue = load_catalogue(questionnaire_dirs(""))
    bands = {i: [(b.id, b.range) for b in catalogue.get(i).bands] for i in INSTRUMENTS}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        units = add_units(session)
        campaign = Campaign(
            name="bench",
            unit_id=units[0],
            instruments=list(INSTRUMENTS),
            opens_at=start,
            closes_at=start + timedelta(days=14),
            every_months=1,
        )
        session.add(campaign)
        session.flush()
        for seq in range(1, waves + 1):
            opens = start + timedelta(days=30 * (seq - 1))
            session.add(
                Wave(
                    campaign_id=campaign.id,
                    seq=seq,
                    name=f"wave {seq}",
                    opens_at=opens,
                    closes_at=opens + timedelta(days=14),
                    state="closed",
                )
            )
    respondents = facts // (waves * len(INSTRUMENTS))
    officers = int(respondents / RESPONSE_RATE) + 1
    now = datetime.now(UTC)
    homes = [units[0] if i % 50 == 0 else rng.choice(units[1:]) for i in range(officers)]
    bulk(
        engine,
        User,
        ["username", "display_name", "unit_id", "locale", "active", "created_at"],
        ((f"o{i}", f"o{i}", homes[i], "zh_CN", True, now) for i in range(officers)),
    )
    with engine.connect() as connection:
        officer_ids = list(connection.scalars(select(User.id).order_by(User.id)))
        wave_ids = list(connection.scalars(select(Wave.id).order_by(Wave.seq)))
    made = 0
    for wave_id in wave_ids:
        chosen = set(rng.sample(range(officers), respondents))
        statuses = ["submitted" if i in chosen else "expired" for i in range(officers)]
        bulk(
            engine,
            Assignment,
            [
                "officer_id",
                "unit_id",
                "wave_id",
                "instruments",
                "done",
                "opens_at",
                "closes_at",
                "status",
                "notices_sent",
            ],
            (
                (
                    officer_ids[i],
                    homes[i],
                    wave_id,
                    json.dumps(INSTRUMENTS),
                    "[]",
                    start,
                    start,
                    statuses[i],
                    1,
                )
                for i in range(officers)
            ),
        )
        made += bulk(
            engine,
            Fact,
            ["id", "unit_id", "wave_id", "instrument_id", "band", "total", "flags"],
            (
                _fact(rng, bands, homes[i], wave_id, instrument)
                for i in sorted(chosen)
                for instrument in INSTRUMENTS
            ),
        )
    return officers, made


def _fact(
    rng: random.Random, bands: dict[str, Any], unit: int, wave: int, instrument: str
) -> tuple[Any, ...]:
    options = bands[instrument]
    index = min(int(rng.expovariate(1.1)), len(options) - 1)  # most people in the mild bands
    band, (low, high) = options[index]
    return (new_id(), unit, wave, instrument, band, float(rng.randint(low, high)), "[]")


def time_it(func: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> float:
    """The median wall time of ``repeat`` runs (``setup`` runs before each, untimed)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        began = time.perf_counter()
        func()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def plain_group_by(engine: Engine, wave_id: int) -> int:
    """The plain GROUP BY of one wave's facts, every row fetched."""
    query = (
        select(Fact.unit_id, Fact.instrument_id, Fact.band, func.count(), func.sum(Fact.total))
        .where(Fact.wave_id == wave_id)
        .group_by(Fact.unit_id, Fact.instrument_id, Fact.band)
    )
    with engine.connect() as connection:
        return len(connection.execute(query).all())


def forget_releases(engine: Engine, wave: Any) -> None:
    """Delete a wave's stored releases, so the next report computes them (cache cold)."""
    with Session(engine) as session, session.begin():
        session.execute(delete(Release).where(Release.wave_id == wave.id))


def bureau_report(engine: Engine, wave: Any, catalogue: Any, k: int) -> int:
    """The bureau's report of one wave, in a transaction of its own."""
    with Session(engine) as session, session.begin():
        report = build_unit_report(session, catalogue, "BUR", wave, k, None)
        return len(report.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--waves", type=int, default=8)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    with scratch_engine(args.database_url) as engine:
        print(f"database: {engine.dialect.name}")
        upgrade_to_head(engine)
        began = time.perf_counter()
        officers, made = generate(engine, args.facts, args.waves, args.seed)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        print(
            f"generated {made:,} facts, {officers:,} officers x {args.waves} waves, "
            f"{STATIONS * TEAMS + STATIONS + 1} units in {time.perf_counter() - began:.1f} s; "
            f"peak RSS {peak_rss_mb():.0f} MB"
        )
        catalogue = load_catalogue(questionnaire_dirs(""))
        with Session(engine) as session:
            bureau = session.scalars(select(Unit).where(Unit.code == "BUR")).one()
            waves = sorted(visible_waves(session, [bureau]), key=lambda w: w.seq)
        rows = 0
        report_times, plain_times = [], []
        for wave in waves:
            plain_group_by(engine, wave.id)  # warm the page cache for both
            plain_times.append(time_it(lambda w=wave: plain_group_by(engine, w.id), args.repeat))
            report_times.append(
                time_it(
                    lambda w=wave: bureau_report(engine, w, catalogue, args.k),
                    args.repeat,
                    setup=lambda w=wave: forget_releases(engine, w),
                )
            )
            rows = bureau_report(engine, wave, catalogue, args.k)
        report, plain = statistics.median(report_times), statistics.median(plain_times)
        print(
            f"per wave (~{made // len(waves):,} facts), median over {len(waves)} waves of "
            f"the median of {args.repeat} runs:"
        )
        print(
            f"  bureau-wide report ({rows} rows x {len(INSTRUMENTS)} instruments, "
            f"disclosure control, cache cold): {report * 1000:8.1f} ms"
        )
        print(f"  plain GROUP BY unit, instrument, band:               {plain * 1000:8.1f} ms")
        print(f"  ratio report / GROUP BY: {report / plain:.2f}")
        print(
            f"  all {len(waves)} waves: report {sum(report_times):.2f} s, "
            f"GROUP BY {sum(plain_times):.2f} s"
        )
        print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
