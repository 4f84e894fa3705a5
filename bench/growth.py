"""How submission latency, the leader's report and key rotation grow with the data (issue 20.6).

Three series, each against the baseline its own benchmark uses, measured in the same run:

* ``submit``: submissions through a real ``wellbeing serve`` (bench/submit.py's alternated
  rounds: the raw-insert endpoint, then the pipeline, on each slice) after 0, 100k, 1M prior
  submissions. The prior rows (sealed submissions of other officers, one sealed fact each, and as
  many raw rows in the baseline's table) are bulk-inserted between steps into the same database
  (COPY on PostgreSQL, executemany on SQLite), never through the API; prior audit entries are
  not made (the chain head is one row whatever the log's length). Each step signs in fresh
  officers with an open wave, so every submission is a first one;
* ``report``: bench/report.py's data (one closed wave of N sealed facts, a fresh scratch database
  per size), the release job once, then the bureau leader's page against the plain GROUP BY in
  alternated rounds;
* ``rotate``: on PostgreSQL, ``rotate_all`` against bench/rotation_pg.py's raw psycopg floor
  (rounds alternated; records bulk-inserted with COPY); on SQLite, against bench/crypto.py's bare
  unwrap+wrap loop in memory.

Each series prints a table (size, ours, baseline, baseline/ours as throughput), writes
``<series>.png`` (log-x) and appends the table to ``growth.md`` in ``--out``. Run from the root:

    PYTHONPATH=. .venv/bin/python bench/growth.py --sizes quick \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With ``--database-url`` (any database on the server; only used to connect) each series makes
scratch databases ``wb_growth_<pid>_…`` and drops them; without it, temp SQLite files.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crypto as crypto_bench
import growth_output
import loadgen
import report as report_bench
import submit as submit_bench
from rotation_pg import measure_pg_rotation

from wellbeing.api.bench import baseline_table
from wellbeing.core.db import make_engine, new_id
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import new_keyring
from wellbeing.facts.models import Fact
from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.org.models import Unit, User
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.models import Campaign, Submission, Wave
from wellbeing.screening.reporting import visible_waves
from wellbeing.sealing.columns import set_active_keyring

SIZES = {
    "quick": {
        "submit": [0, 10_000, 50_000],
        "report": [10_000, 50_000, 100_000],
        "rotate": [10_000, 50_000],
    },
    "full": {
        "submit": [0, 100_000, 1_000_000],
        "report": [10_000, 100_000, 1_000_000, 5_000_000],
        "rotate": [10_000, 100_000, 1_000_000],
    },
}
PRIOR_OFFICERS = 2_000
Row = growth_output.Row


def scratch_url(server: str | None, tag: str) -> str | None:
    """A scratch database's URL on the server (None: a temp SQLite file)."""
    return None if server is None else f"{server.rsplit('/', 1)[0]}/wb_growth_{os.getpid()}_{tag}"


def vacuum(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL only)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


# --- submissions after prior submissions ------------------------------------------------------


def prior_place(engine: Engine) -> tuple[list[int], int, int]:
    """Officers, their unit and a closed wave the prior submissions and facts belong to."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        unit = Unit(code="PRIOR", name_zh="旧", name_en="Prior", path="")
        session.add(unit)
        session.flush()
        unit.path = f"/{unit.id}/"
        campaign = Campaign(
            name="prior",
            unit_id=unit.id,
            instruments=list(loadgen.INSTRUMENTS),
            opens_at=now - timedelta(days=400),
            closes_at=now - timedelta(days=386),
            every_months=None,
        )
        session.add(campaign)
        session.flush()
        wave = Wave(
            campaign_id=campaign.id,
            seq=1,
            name="prior",
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            state="closed",
        )
        session.add(wave)
        session.flush()
        unit_id, wave_id = unit.id, wave.id
    report_bench.bulk(
        engine,
        User,
        ["username", "display_name", "unit_id", "locale", "active", "created_at"],
        ((f"prior{i}", f"prior{i}", unit_id, "zh_CN", True, now) for i in range(PRIOR_OFFICERS)),
    )
    with engine.connect() as connection:
        officers = list(connection.scalars(select(User.id).where(User.unit_id == unit_id)))
    return officers, unit_id, wave_id


def add_prior(engine: Engine, place: tuple[list[int], int, int], start: int, stop: int) -> None:
    """Prior submissions number start..stop-1: sealed submissions, facts and baseline rows."""
    officers, unit_id, wave_id = place
    rng = random.Random(start)
    submitted = datetime.now(UTC) - timedelta(days=390)

    def submissions() -> Iterator[tuple[Any, ...]]:
        for n in range(start, stop):
            instrument = "phq9" if n % 2 else "gad7"
            officer, record = officers[n % len(officers)], new_id()
            payload = {"answers": loadgen.answers_for(rng, instrument), "result": {"total": 4}}
            sealed = Submission.payload.seal(payload, record_id=record, owner=str(officer))
            yield (
                record,
                officer,
                instrument,
                "1",
                "0" * 64,
                None,
                None,
                f"p{n}",
                submitted,
                sealed,
            )

    def facts() -> Iterator[tuple[Any, ...]]:
        for n in range(start, stop):
            record = new_id()
            result = {"band": "minimal", "total": float(n % 5)}
            sealed = Fact.result.seal(result, record_id=record)
            yield (record, unit_id, wave_id, "phq9" if n % 2 else "gad7", sealed)

    columns = ["id", "officer_id", "instrument_id", "instrument_version", "definition_hash"]
    columns += ["assignment_id", "wave_id", "idempotency_key", "submitted_at", "payload_sealed"]
    report_bench.bulk(engine, Submission, columns, submissions())
    report_bench.bulk(
        engine, Fact, ["id", "unit_id", "wave_id", "instrument_id", "result_sealed"], facts()
    )
    body = b'{"instrument": "phq9", "answers": {"q1": 0}, "idempotency_key": "prior"}'
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("INSERT INTO bench_baseline (body) SELECT :body FROM generate_series(1, :n)"),
                {"body": body, "n": stop - start},
            )
        else:
            for first in range(start, stop, report_bench.BATCH):
                rows = min(report_bench.BATCH, stop - first)
                connection.execute(insert(baseline_table), [{"body": body}] * rows)


def latency(outcomes: list[loadgen.Outcome]) -> tuple[float, float]:
    """p50 and p99 latency in ms (every answer must be 201)."""
    if {o.reply.status for o in outcomes} != {201}:
        raise SystemExit(f"unexpected statuses {sorted({o.reply.status for o in outcomes})}")
    cuts = statistics.quantiles([o.reply.seconds * 1000 for o in outcomes], n=100)
    return cuts[49], cuts[98]


def submit_series(server: str | None, sizes: list[int], args: argparse.Namespace) -> list[Row]:
    """(prior, pipeline p50, p99, baseline p50, p99 ms, pipeline/baseline throughput) per size."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="wb-growth-") as folder_name:
        folder = Path(folder_name)
        instance = loadgen.served_instance(folder)
        with submit_bench.scratch_database(server, folder) as url:
            engine = make_engine(url)
            place = prior_place(engine)
            env = loadgen.server_env(instance, url, WELLBEING_BENCH_BASELINE="1")
            srv = loadgen.Server(env, folder / "serve.log", args.workers, args.threads)
            srv.start()
            try:
                made = 0
                for step, prior in enumerate(sizes):
                    began = time.perf_counter()
                    add_prior(engine, place, made, prior)
                    made = prior
                    vacuum(engine)
                    loaded = time.perf_counter() - began
                    seats = loadgen.populate(engine, args.officers, prefix=f"g{step}")
                    tokens = loadgen.sign_in(srv.port, seats)
                    attempts = loadgen.plan(seats, tag=f"g{step}")
                    warm = attempts[: args.clients * 4]
                    loadgen.drive(srv.port, warm, tokens, args.clients, "/api/v1/bench/baseline")
                    base, base_s, full, full_s, _ratios = submit_bench.alternate(
                        srv.port, attempts, tokens, args.clients, 3
                    )
                    rows.append((prior, *latency(full), *latency(base), base_s / full_s))
                    print(
                        f"  submit: {prior:,} prior (loaded in {loaded:.0f} s): {rows[-1]}",
                        flush=True,
                    )
            finally:
                srv.stop()
            engine.dispose()
    set_active_keyring(None)
    return rows


# --- the leader's report over N facts ----------------------------------------------------------


def report_series(server: str | None, sizes: list[int], args: argparse.Namespace) -> list[Row]:
    """(facts, page ms, GROUP BY ms, GROUP BY/page, release job s, generation s) per size."""
    rows: list[Row] = []
    set_active_keyring(new_keyring())
    for index, facts in enumerate(sizes):
        with report_bench.scratch_engine(scratch_url(server, f"r{index}")) as engine:
            upgrade_to_head(engine)
            began = time.perf_counter()
            _officers, made = report_bench.generate(engine, facts, 1, args.seed)
            vacuum(engine)
            generated = time.perf_counter() - began
            catalogue = load_catalogue(questionnaire_dirs(""))
            with Session(engine) as session:
                bureau = session.scalars(select(Unit).where(Unit.code == "BUR")).one()
                wave: WaveInfo = visible_waves(session, [bureau])[0]
            release = report_bench.release_job(engine, catalogue, wave, 10, keep=True)
            page, plain, _lines = report_bench.page_against_plain(
                engine, catalogue, wave, 10, args.page_repeat
            )
            rows.append((made, page * 1000, plain * 1000, plain / page, release, generated))
            print(f"  report: {made:,} facts: {rows[-1]}", flush=True)
    set_active_keyring(None)
    return rows


# --- key rotation over N records ---------------------------------------------------------------


def copy_fill(factory: sessionmaker[Session], records: int) -> None:
    """bench/crypto.py's sealed records, bulk-inserted (COPY) instead of through the model."""
    engine = factory.kw["bind"]
    template = crypto_bench.make_payload(random.Random(7))
    model = crypto_bench.BenchRecord

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(records):
            record, owner = new_id(), f"officer-{n % 997}"
            yield (record, owner, model.payload.seal(template, record_id=record, owner=owner))

    report_bench.bulk(engine, model, ["id", "officer_id", "payload_sealed"], rows())


def rotate_series(server: str | None, sizes: list[int], args: argparse.Namespace) -> list[Row]:
    """(records, ours s, baseline s, baseline/ours) per size."""
    rows: list[Row] = []
    for index, records in enumerate(sizes):
        rounds = args.rounds if records <= 100_000 else 1
        if server is None:
            found = crypto_bench.bench_rotation(records, rounds)
            bare, ours = found[0][1], found[-1][1]
            rows.append((records, records / ours, records / bare, ours / bare))
        else:
            url = scratch_url(server, f"k{index}")
            assert url is not None
            with report_bench.scratch_engine(url):
                first = new_keyring()
                set_active_keyring(first)
                measured = measure_pg_rotation(
                    url, crypto_bench.Base.metadata, copy_fill, first, records, rounds, False
                )
                set_active_keyring(None)
            rates = {label.split(" ")[0]: (rate, ratio) for label, rate, ratio in measured}
            (floor, _), (ours, ratio) = rates["raw"], rates["rotate_all"]
            rows.append((records, records / ours, records / floor, ratio))
        print(f"  rotate: {records:,} records, {rounds} round(s): {rows[-1]}", flush=True)
    return rows


# --- output -----------------------------------------------------------------------------------

SUBMIT_HEADS = ["prior", "pipeline p50 ms", "p99 ms", "raw insert p50 ms", "p99 ms", "base/ours"]
SERIES: dict[str, tuple[Callable[..., list[Row]], list[str], tuple[str, str]]] = {
    # name: (run, column heads, (x label, y label)); plot: column 1 and the baseline's column
    "submit": (submit_series, SUBMIT_HEADS, ("prior submissions", "latency ms")),
    "report": (
        report_series,
        ["facts", "page ms", "GROUP BY ms", "base/ours", "release job s", "generate s"],
        ("facts", "ms"),
    ),
    "rotate": (
        rotate_series,
        ["records", "rotate_all s", "floor s", "base/ours"],
        ("records", "s"),
    ),
}


def main() -> None:
    """Parse the options, run the chosen series, print and write their tables and plots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (scratch DBs are made on it)")
    parser.add_argument("--sizes", choices=sorted(SIZES), default="quick")
    parser.add_argument("--only", default="submit,report,rotate", help="comma-separated series")
    parser.add_argument("--out", type=Path, default=Path("docs/bench"))
    parser.add_argument("--up-to", type=int, help="skip sizes above this (for a shorter run)")
    parser.add_argument("--officers", type=int, default=150, help="officers per submit step")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--page-repeat", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=3, help="rotation rounds (1 above 100k)")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    for name in args.only.split(","):
        run, heads, labels = SERIES[name]
        began = time.perf_counter()
        sizes = [n for n in SIZES[args.sizes][name] if args.up_to is None or n <= args.up_to]
        rows = run(args.database_url, sizes, args)
        lines = growth_output.table(heads, rows)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        spent = time.perf_counter() - began
        title = f"### {name}, {backend}, --sizes {args.sizes} ({stamp}, {spent:.0f} s)"
        print("\n".join([title, *lines]), flush=True)
        growth_output.plot(name, rows, heads, labels, args.out / f"{name}.png")
        notes_path = args.out / "growth.md"
        if not notes_path.exists():
            notes_path.write_text(growth_output.HEADER)
        with notes_path.open("a") as notes:
            notes.write("\n".join(["", title, "", *lines, ""]))


if __name__ == "__main__":
    main()
