"""Read latency under writers on SQLite: `GET /api/v1/referrals` while officers submit.

Two `wellbeing serve` processes share one scratch SQLite database (WAL): "before" has
WELLBEING_BENCH_IMMEDIATE_READS=1, so every transaction, reads included, begins IMMEDIATE and
waits for the write lock, as all did before issue 20.4; "after" is the service as shipped,
whose GET requests begin DEFERRED and read a snapshot. Rounds alternate between them (same
database, same drift of a shared machine); in each, --writers clients submit back to back
(voluntary PHQ-9 self-checks, so the load never runs out, none opening a referral, so the queue
keeps the --queue referrals opened before measuring) while --readers clients (a counsellor's
token) each read the referral queue --reads times. Prints p50/p95/p99 of the reads and the
submissions/s of each side, then

    RATIO referrals_p99 <before p99 / after p99>     (higher is better)
    RATIO referrals_tail <after p50 / after p99>     (aim >= 0.20: p99 <= 5x p50)

Run from the repository root:

    .venv/bin/python bench/reads.py [--workers 2] [--threads 2] [--rounds 6] [--reads 100]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen

from wellbeing.auth.passwords import hash_password
from wellbeing.core.db import make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.org import service as org_service

COUNSELLOR = "bench-counsellor"
QUEUE = "/api/v1/referrals?status=active"


@dataclass
class Side:
    """One server's figures over all its rounds."""

    name: str
    server: loadgen.Server
    reads: list[float] = field(default_factory=list)  # milliseconds
    writes: int = 0
    write_seconds: float = 0.0
    round_p99: list[float] = field(default_factory=list)


def add_counsellor(engine: Engine, unit: str) -> None:
    """A counsellor whose scope covers the load's unit (the queue's reader)."""
    with Session(engine) as session, session.begin():
        user = org_service.add_user(
            session,
            COUNSELLOR,
            unit_code=unit,
            grants=[org_service.parse_grant(f"counsellor:{unit}")],
        )
        user.password_hash = hash_password(loadgen.PASSWORD)


def counsellor_token(port: int) -> str:
    """Sign the counsellor in (no second factor on the bench's servers)."""
    body = {"username": COUNSELLOR, "password": loadgen.PASSWORD}
    reply = loadgen.call(port, "POST", "/api/v1/auth/token", body)
    if reply.status not in (200, 201):
        raise SystemExit(f"counsellor sign-in failed: {reply.status} {reply.body}")
    return str(reply.body["token"])


Submission = tuple[loadgen.Seat, dict[str, object]]


def self_check(seat: loadgen.Seat, number: int, level: int) -> Submission:
    """A voluntary PHQ-9 self-check: every item at `level`, item 9 (self-harm) at 0."""
    answers = {f"q{item}": level for item in range(1, 9)} | {"q9": 0, "difficulty": min(level, 2)}
    body: dict[str, object] = {"instrument": "phq9", "answers": answers}
    body["idempotency_key"] = f"reads-{number:06d}"
    return seat, body


def low_self_checks(seats: list[loadgen.Seat], start: int) -> Iterator[Submission]:
    """Self-checks by the seats in turn, without end, none opening a referral: the queue the
    readers list keeps its size through the run."""
    for number in itertools.count(start):
        yield self_check(seats[number % len(seats)], number, number % 2)


def one_round(
    side: Side,
    submissions: Iterator[Submission],
    tokens: dict[int, str],
    reader_token: str,
    args: argparse.Namespace,
) -> None:
    """Writers submit until the readers are done; readers read the queue --reads times each."""
    done = threading.Event()
    take = threading.Lock()
    port = side.server.port

    def write() -> tuple[int, float]:
        count, seconds = 0, 0.0
        while not done.is_set():
            with take:
                seat, body = next(submissions)
            reply = loadgen.call(port, "POST", "/api/v1/submissions", body, tokens[seat.user_id])
            if reply.status != 201:
                raise SystemExit(f"submission answered {reply.status}: {reply.body}")
            count, seconds = count + 1, seconds + reply.seconds
        return count, seconds

    def read() -> list[float]:
        times = []
        for _ in range(args.reads):
            reply = loadgen.call(port, "GET", QUEUE, token=reader_token)
            if reply.status != 200:
                raise SystemExit(f"queue answered {reply.status}: {reply.body}")
            times.append(reply.seconds * 1000)
        return times

    with ThreadPoolExecutor(args.writers + args.readers) as pool:
        writers = [pool.submit(write) for _ in range(args.writers)]
        readers = [pool.submit(read) for _ in range(args.readers)]
        times = [t for reader in readers for t in reader.result()]
        done.set()
        for writer in writers:
            count, seconds = writer.result()
            side.writes += count
            side.write_seconds += seconds
    side.reads += times
    side.round_p99.append(statistics.quantiles(times, n=100)[98])


def figures(side: Side, writers: int) -> tuple[float, float]:
    """Print one side's line; return its read p50 and p99 (ms)."""
    cuts = statistics.quantiles(side.reads, n=100)
    p50, p95, p99 = cuts[49], cuts[94], cuts[98]
    rate = side.writes / side.write_seconds * writers if side.write_seconds else 0.0
    rounds = " ".join(f"{value:.0f}" for value in side.round_p99)
    print(
        f"  {side.name:<6} {len(side.reads):>5} reads: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"p99 {p99:7.1f} ms  (p99/p50 {p99 / p50:5.1f})   {side.writes} submissions, "
        f"~{rate:5.1f}/s   p99 per round: {rounds}"
    )
    return p50, p99


def run(args: argparse.Namespace) -> None:
    """Set up the database and both servers, alternate rounds, print the figures."""
    with tempfile.TemporaryDirectory(prefix="wb-reads-") as folder_name:
        folder = Path(folder_name)
        instance = loadgen.served_instance(folder)
        url = f"sqlite:///{folder / 'reads.db'}"
        engine = make_engine(url)
        upgrade_to_head(engine)
        seats = loadgen.populate(engine, args.officers, prefix="reads", open_wave=False)
        add_counsellor(engine, "READS-U")
        engine.dispose()
        common = {"WELLBEING_REQUIRE_MFA": "0"}
        sides = [
            Side(
                "before",
                loadgen.Server(
                    loadgen.server_env(
                        instance, url, WELLBEING_BENCH_IMMEDIATE_READS="1", **common
                    ),
                    folder / "before.log",
                    args.workers,
                    args.threads,
                ),
            ),
            Side(
                "after",
                loadgen.Server(
                    loadgen.server_env(instance, url, **common),
                    folder / "after.log",
                    args.workers,
                    args.threads,
                ),
            ),
        ]
        try:
            for side in sides:
                side.server.start()
            port = sides[1].server.port
            tokens = loadgen.sign_in(port, seats)
            reader = counsellor_token(port)
            for number, seat in enumerate(seats[: args.queue]):  # one referral each to list
                _, body = self_check(seat, number, 3)
                reply = loadgen.call(
                    port, "POST", "/api/v1/submissions", body, tokens[seat.user_id]
                )
                if reply.status != 201:
                    raise SystemExit(f"submission answered {reply.status}: {reply.body}")
            listed = len(loadgen.call(port, "GET", QUEUE, token=reader).body)
            submissions = low_self_checks(seats, args.queue)
            for number in range(args.rounds):
                one_round(sides[number % 2], submissions, tokens, reader, args)
        finally:
            for side in sides:
                side.server.stop()
    print(
        f"SQLite (WAL), 2 servers x {args.workers} workers x {args.threads} threads, "
        f"{args.writers} writers + {args.readers} readers of {QUEUE}, "
        f"{args.rounds} rounds alternated, {args.reads} reads per reader per round, "
        f"{listed} referrals listed"
    )
    _, before_p99 = figures(sides[0], args.writers)
    after_p50, after_p99 = figures(sides[1], args.writers)
    print(f"RATIO referrals_p99 {before_p99 / after_p99:.2f}")
    print(f"RATIO referrals_tail {after_p50 / after_p99:.2f}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--queue", type=int, default=30, help="referrals opened before measuring")
    parser.add_argument("--rounds", type=int, default=6, help="before/after alternations x2")
    parser.add_argument("--reads", type=int, default=100, help="reads per reader per round")
    args = parser.parse_args()
    if args.rounds < 2 or args.rounds % 2:
        parser.error("--rounds must be even and at least 2: each round measures one side")
    run(args)


if __name__ == "__main__":
    main()
