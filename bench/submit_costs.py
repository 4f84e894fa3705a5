"""Where a submission's time goes: statements per request, and the costliest steps, in-process.

Builds the app on a scratch database (as bench/submit.py does), signs in twice --officers officers
and posts the first half's PHQ-9 and GAD-7 bodies to the raw-insert baseline and through
POST /api/v1/submissions, single-threaded through Flask's test client (no HTTP, no gunicorn), then
the second half's through the pipeline under cProfile. Prints both sides' ms per request without
a profiler, the CPU each side costs per request — the app's (`time.process_time`) and, on a
local PostgreSQL, its backends' (from /proc) — on SQLite how long each side holds the write
lock (the writer gate, which every other writer waits for) a request, the statement count per
submission (an engine event), the statements of one plain submission and of one that opens or
joins a referral, and the pipeline's main steps under cProfile, scaled to the unprofiled time.
Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/submit_costs.py [--officers 150]
    PYTHONPATH=. .venv/bin/python bench/submit_costs.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen
from submit import populated

from wellbeing.app import create_app
from wellbeing.core.sqlite_gate import GatedConnection

WARM_UP = 40  # submissions of the second half sent to both endpoints before measuring
STEPS = (  # (function, file suffix): the pipeline's steps worth naming
    ("create_submission", "api/screening.py"),
    ("load_token", "auth/service.py"),
    ("admission", "screening/admission.py"),
    ("score_answers", "screening/service.py"),
    ("foresee", "screening/consequences.py"),
    ("apply_consequences", "screening/consequences.py"),
    ("_refer", "screening/consequences.py"),
    ("route_urgent", "oncall/routing.py"),
    ("send", "core/batched.py"),
    ("commit", "orm/session.py"),
)


def run(args: argparse.Namespace) -> None:
    """Set up, measure both sides, print the figures."""
    with populated(args.database_url, 2 * args.officers, "cost") as setup:
        env = loadgen.server_env(setup.instance, setup.url, WELLBEING_BENCH_BASELINE="1")
        os.environ.update(env)
        event.listen(Engine, "connect", DATABASE_CPU.note_backend)
        client = create_app().test_client()
        tokens = {}
        for seat in setup.seats:
            body = {"username": seat.username, "password": loadgen.PASSWORD}
            tokens[seat.user_id] = client.post("/api/v1/auth/token", json=body).json["token"]
        attempts = loadgen.plan(setup.seats, tag="cost")
        first = {seat.user_id for seat in setup.seats[: args.officers]}
        measure(
            client,
            [a for a in attempts if a.seat.user_id in first],
            [a for a in attempts if a.seat.user_id not in first],
            tokens,
        )


def measure(
    client: Any,
    attempts: list[loadgen.Attempt],
    others: list[loadgen.Attempt],
    tokens: dict[int, str],
) -> None:
    """Warm both endpoints up with some of `others`, post `attempts` to both, then the rest of
    `others` through the pipeline profiled."""

    def post(path: str, attempt: loadgen.Attempt) -> None:
        body = attempt.body()
        auth = {"Authorization": f"Bearer {tokens[attempt.seat.user_id]}"}
        reply = client.post(path, json=body, headers=auth)
        if reply.status_code != 201:
            raise SystemExit(f"{path}: {reply.status_code} {reply.get_json()}")

    warm, others = others[:WARM_UP], others[WARM_UP:]
    for attempt in warm:  # both endpoints' statements compiled before anything is measured
        post("/api/v1/bench/baseline", attempt)
        post("/api/v1/submissions", attempt)
    started, app, database = time.perf_counter(), time.process_time(), DATABASE_CPU.seconds()
    locked = GATE_HOLD.seconds
    for attempt in attempts:
        post("/api/v1/bench/baseline", attempt)
    base_ms = (time.perf_counter() - started) / len(attempts) * 1000
    base_cpu = _per_request(app, database, len(attempts))
    base_locked = (GATE_HOLD.seconds - locked) / len(attempts) * 1000
    sent: list[str] = []
    event.listen(Engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    counts: collections.Counter[int] = collections.Counter()
    shown: dict[str, list[str]] = {}
    started, app, database = time.perf_counter(), time.process_time(), DATABASE_CPU.seconds()
    locked = GATE_HOLD.seconds
    for attempt in attempts:
        before = len(sent)
        post("/api/v1/submissions", attempt)
        mine = sent[before:]
        counts[len(mine)] += 1
        refers = any("referral_submissions" in statement for statement in mine)
        shown.setdefault("opening or joining a referral" if refers else "plain", mine)
    full_ms = (time.perf_counter() - started) / len(attempts) * 1000
    full_cpu = _per_request(app, database, len(attempts))
    full_locked = (GATE_HOLD.seconds - locked) / len(attempts) * 1000
    print(
        f"{len(attempts)} requests a side: baseline {base_ms:.2f} ms, submission {full_ms:.2f} ms"
    )
    for name, (app_ms, database_ms) in (("baseline", base_cpu), ("submission", full_cpu)):
        shown_db = "n/a" if database_ms is None else f"{database_ms:.2f} ms"
        print(f"  CPU a request, {name:<10}: app {app_ms:.2f} ms, database {shown_db}")
    if base_locked or full_locked:  # SQLite: the part of a request that others wait for
        print(
            f"  write lock held a request: baseline {base_locked:.2f} ms, "
            f"submission {full_locked:.2f} ms"
        )
    if base_cpu[1] is not None and full_cpu[1] is not None:
        ratio = (base_cpu[0] + base_cpu[1]) / (full_cpu[0] + full_cpu[1])
        print(f"  total CPU baseline/submission = {ratio:.2f}")
    print(f"statements per submission: {dict(sorted(counts.items()))}")
    for name, statements in shown.items():
        print(f"  {name}:")
        for statement in statements:
            print("    " + " ".join(statement.split())[:110])
    profile(others, post, full_ms)


class DatabaseCpu:
    """The CPU seconds the PostgreSQL backends of the app's connections have used, read from
    /proc (None when the server is not on this machine, or on SQLite: its work is the app's)."""

    def __init__(self) -> None:
        self.backends: set[int] = set()

    def note_backend(self, dbapi_connection: Any, _record: Any) -> None:
        """Engine "connect" event: remember the backend's process id (PostgreSQL only)."""
        if hasattr(dbapi_connection, "info") and hasattr(dbapi_connection.info, "backend_pid"):
            self.backends.add(dbapi_connection.info.backend_pid)

    def seconds(self) -> float | None:
        if not self.backends:
            return None
        total = 0
        try:
            for pid in self.backends:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        except (FileNotFoundError, PermissionError):
            return None
        return total / os.sysconf("SC_CLK_TCK")


DATABASE_CPU = DatabaseCpu()


class GateHold:
    """How long SQLite's writer gate (held from BEGIN IMMEDIATE to COMMIT: the write lock) is
    held, summed over requests; the two methods of `GatedConnection` are wrapped to time it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._taken_at: float | None = None
        take, give = GatedConnection.take_writer_gate, GatedConnection.give_back_writer_gate

        def timed_take(connection: GatedConnection) -> bool:
            held = take(connection)
            if held and self._taken_at is None:
                self._taken_at = time.perf_counter()
            return held

        def timed_give(connection: GatedConnection) -> None:
            give(connection)
            if self._taken_at is not None:
                self.seconds += time.perf_counter() - self._taken_at
                self._taken_at = None

        GatedConnection.take_writer_gate = timed_take  # type: ignore[method-assign]
        GatedConnection.give_back_writer_gate = timed_give  # type: ignore[method-assign]


GATE_HOLD = GateHold()


def _per_request(
    app_start: float, database_start: float | None, count: int
) -> tuple[float, float | None]:
    """Milliseconds of app and database CPU a request since the given readings."""
    app_ms = (time.process_time() - app_start) / count * 1000
    database_now = DATABASE_CPU.seconds()
    if database_start is None or database_now is None:
        return app_ms, None
    return app_ms, (database_now - database_start) / count * 1000


def profile(attempts: list[loadgen.Attempt], post: Any, full_ms: float) -> None:
    """Other officers' submissions under cProfile; each step's cumulative time scaled to the
    unprofiled time of the first pass."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for attempt in attempts:
        post("/api/v1/submissions", attempt)
    profiler.disable()
    profiled_ms = (time.perf_counter() - started) / len(attempts) * 1000
    scale = full_ms / profiled_ms
    print(f"under cProfile {profiled_ms:.2f} ms a submission; steps scaled by {scale:.2f}:")
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        for name, suffix in STEPS:
            if function == name and file.endswith(suffix):
                label = f"{name} ({suffix})"
                found[label] = max(found.get(label, 0.0), cumulative)
    for label, cumulative in sorted(found.items(), key=lambda item: -item[1]):
        print(f"  {cumulative / len(attempts) * 1000 * scale:6.2f} ms  {label}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=150)
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch DB is made on it)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
