"""Load benchmark: the full submission pipeline against a raw-insert baseline, same app and DB.

Starts `wellbeing serve` with N gunicorn workers on a scratch database, signs in the officers
(token API, consent given, an open wave assigning PHQ-9 + GAD-7), warms both endpoints up with
2×C officers' submissions (each worker compiles its statements once), then drives C concurrent
clients with the others': the baseline endpoint (the raw body inserted, nothing else; it exists
only with WELLBEING_BENCH_BASELINE=1) and the same bodies through POST /api/v1/submissions
(validation, scoring, sealing, rules, referral, facts, audit, outbox), alternating the two on
--rounds slices of the submissions so both see the same drift of a shared machine. Prints
submissions/s and p50/p95/p99 latency of both, the ratio, the p99 ratio, each round's ratio,
and last `RATIO submit <pipeline/baseline throughput>`. The scheduler's audit sequencer runs
beside the server (every 5 s), and the audit chain is verified after the run. Run from the
repository root:

    .venv/bin/python bench/submit.py [--workers 2] [--threads 1] [--clients 8] [--officers 1500]
                                     [--rounds 6]
    .venv/bin/python bench/submit.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With --database-url (a PostgreSQL server), a scratch database is created beside the one named
and dropped afterwards; the named database itself is never touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen

from wellbeing.api.bench import metadata as baseline_metadata
from wellbeing.audit.jobs import LINK_EVERY
from wellbeing.audit.sequencer import link_committed
from wellbeing.audit.verify import verify_chain
from wellbeing.core.db import Database, make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.referrals.models import Referral


@contextmanager
def sequencer(url: str) -> Iterator[None]:
    """The scheduler's `audit.link` job beside the server (whose scheduler is off), every 5 s, so
    the pipeline's figures include linking its audit entries; at the end everything is linked
    and the chain verified."""
    database = Database.for_engine(make_engine(url))
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(LINK_EVERY.total_seconds()):
            link_committed(database.transaction)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        link_committed(database.transaction)
        with database.transaction() as session:
            report = verify_chain(session)
        database.engine.dispose()
        if not report.ok or report.unlinked:
            raise SystemExit(f"audit chain not intact after the run: {report}")
        print(f"audit chain: {report.entries} entries linked and verified")


@contextmanager
def scratch_database(admin_url: str | None, folder: Path) -> Iterator[str]:
    """A migrated scratch database (SQLite file, or a PostgreSQL database created and dropped)."""
    if admin_url is None:
        url = f"sqlite:///{folder / 'bench.db'}"
        prepare(url)
        yield url
        return
    name = f"wb_bench_{os.getpid()}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        prepare(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Setup:
    """A benchmark's temporary folder, served instance, migrated scratch database and officers."""

    folder: Path
    instance: Path
    url: str
    engine: Engine
    seats: list[loadgen.Seat]


@contextmanager
def populated(database_url: str | None, officers: int, prefix: str) -> Iterator[Setup]:
    """A temporary folder with a served instance, a scratch database (see scratch_database) and
    `officers` officers in it; everything removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"wb-{prefix}-") as folder_name:
        folder = Path(folder_name)
        instance = loadgen.served_instance(folder)
        with scratch_database(database_url, folder) as url:
            engine = make_engine(url)
            try:
                seats = loadgen.populate(engine, officers, prefix=prefix)
                yield Setup(folder, instance, url, engine, seats)
            finally:
                engine.dispose()


def prepare(url: str) -> None:
    """Migrate, and add the baseline's table (outside the app's migrations)."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    baseline_metadata.create_all(engine)
    engine.dispose()


def summary(name: str, outcomes: Sequence[loadgen.Outcome], seconds: float) -> float:
    """Print one line of figures; return submissions per second."""
    statuses = {o.reply.status for o in outcomes}
    if statuses != {201}:
        raise SystemExit(f"{name}: unexpected statuses {statuses}")
    latencies = sorted(o.reply.seconds * 1000 for o in outcomes)
    cuts = statistics.quantiles(latencies, n=100)
    rate = len(outcomes) / seconds
    print(
        f"  {name:<9} {len(outcomes):>5} requests in {seconds:6.2f} s: {rate:7.1f}/s   "
        f"p50 {cuts[49]:6.1f} ms  p95 {cuts[94]:6.1f} ms  p99 {cuts[98]:6.1f} ms"
    )
    return rate


def alternate(
    port: int,
    attempts: Sequence[loadgen.Attempt],
    tokens: dict[int, str],
    clients: int,
    rounds: int,
) -> tuple[list[loadgen.Outcome], float, list[loadgen.Outcome], float, list[float]]:
    """Drive the baseline, then the pipeline, on each of `rounds` slices of the attempts in
    turn, so both see the same drift of a shared machine; return both sides' outcomes and
    seconds, and each round's throughput ratio."""
    size = -(-len(attempts) // rounds)
    base: list[loadgen.Outcome] = []
    full: list[loadgen.Outcome] = []
    base_s = full_s = 0.0
    ratios = []
    for start in range(0, len(attempts), size):
        chunk = attempts[start : start + size]
        raw, raw_s = loadgen.drive(port, chunk, tokens, clients, path="/api/v1/bench/baseline")
        done, done_s = loadgen.drive(port, chunk, tokens, clients)
        base, full = base + raw, full + done
        base_s, full_s = base_s + raw_s, full_s + done_s
        ratios.append(raw_s / done_s)  # equal request counts: the throughput ratio
    return base, base_s, full, full_s, ratios


def run(args: argparse.Namespace) -> None:
    """Set up, drive both endpoints, print the figures."""
    with populated(args.database_url, args.officers, "bench") as setup:
        seats = setup.seats
        env = loadgen.server_env(setup.instance, setup.url, WELLBEING_BENCH_BASELINE="1")
        server = loadgen.Server(env, setup.folder / "serve.log", args.workers, args.threads)
        server.start()
        try:
            with sequencer(setup.url):
                tokens = loadgen.sign_in(server.port, seats)
                # Both endpoints warmed up first, through officers of their own: the
                # pipeline's warm-up submissions are stored (and checked) like the others.
                warm_seats, seats = seats[: 2 * args.clients], seats[2 * args.clients :]
                warm = loadgen.plan(warm_seats, tag="warm")
                warmed, _ = loadgen.drive(server.port, warm, tokens, args.clients)
                loadgen.drive(
                    server.port, warm, tokens, args.clients, path="/api/v1/bench/baseline"
                )
                attempts = loadgen.plan(seats, tag="bench")
                base, base_s, full, full_s, ratios = alternate(
                    server.port, attempts, tokens, args.clients, args.rounds
                )
        finally:
            server.stop()
        told = loadgen.acknowledged(warmed + full)
        problems = loadgen.check_store(setup.engine, told, warm + attempts)
        with setup.engine.connect() as connection:
            referrals = connection.scalar(select(func.count()).select_from(Referral))
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{backend}, {args.workers} workers x {args.threads} threads, {args.clients} clients, "
        f"{len(attempts)} submissions by {len(seats)} officers ({referrals} referrals opened)"
    )
    base_rate = summary("baseline", base, base_s)
    full_rate = summary("pipeline", full, full_s)
    print(f"  ratio     pipeline/baseline throughput = {full_rate / base_rate:.2f}")
    p99 = [statistics.quantiles([o.reply.seconds for o in s], n=100)[98] for s in (full, base)]
    print(f"  p99       pipeline/baseline = {p99[0] / p99[1]:.2f} (aim <= 1.5)")
    each = " ".join(f"{ratio:.2f}" for ratio in ratios)
    print(f"  per round {each} (median {statistics.median(ratios):.2f})")
    if problems:
        raise SystemExit("store check failed: " + "; ".join(problems[:5]))
    print(f"RATIO submit {full_rate / base_rate:.3f}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    # ~6 s a side: with 300 officers (~1.3 s a side) one run's ratio spread 0.59–0.87 and its p99
    # was about the sixth-slowest of 568 requests (docs/deployment.md §11, 2026-12-08).
    parser.add_argument("--officers", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=6, help="baseline/pipeline alternations")
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch DB is made on it)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
