"""Where a submission's time goes: statements per request, and the costliest steps, in-process.

Builds the app on a scratch database (as bench/submit.py does), signs in twice --officers officers
and posts the first half's PHQ-9 and GAD-7 bodies to the raw-insert baseline and through
POST /api/v1/submissions, single-threaded through Flask's test client (no HTTP, no gunicorn), then
the second half's through the pipeline under cProfile. Prints both sides' ms per request without
a profiler, the statement count per submission (an engine event), the statements of one plain
submission and of one that opens a referral, and the pipeline's main steps under cProfile, scaled
to the unprofiled time. Run from the repository
root:

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
    """Post `attempts` to both endpoints, then `others` through the pipeline profiled."""

    def post(path: str, attempt: loadgen.Attempt) -> None:
        body = attempt.body()
        auth = {"Authorization": f"Bearer {tokens[attempt.seat.user_id]}"}
        reply = client.post(path, json=body, headers=auth)
        if reply.status_code != 201:
            raise SystemExit(f"{path}: {reply.status_code} {reply.get_json()}")

    started = time.perf_counter()
    for attempt in attempts:
        post("/api/v1/bench/baseline", attempt)
    base_ms = (time.perf_counter() - started) / len(attempts) * 1000
    sent: list[str] = []
    event.listen(Engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    counts: collections.Counter[int] = collections.Counter()
    shown: dict[str, list[str]] = {}
    started = time.perf_counter()
    for attempt in attempts:
        before = len(sent)
        post("/api/v1/submissions", attempt)
        mine = sent[before:]
        counts[len(mine)] += 1
        shown.setdefault("opening a referral" if len(mine) > 8 else "plain", mine)
    full_ms = (time.perf_counter() - started) / len(attempts) * 1000
    print(
        f"{len(attempts)} requests a side: baseline {base_ms:.2f} ms, submission {full_ms:.2f} ms"
    )
    print(f"statements per submission: {dict(sorted(counts.items()))}")
    for name, statements in shown.items():
        print(f"  {name}:")
        for statement in statements:
            print("    " + " ".join(statement.split())[:110])
    profile(others, post, full_ms)


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
