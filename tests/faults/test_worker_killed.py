"""A gunicorn worker is SIGKILLed in the middle of submissions: nothing acknowledged is lost,
nothing is stored twice, and clients retrying with their idempotency keys complete the rest."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import loadgen
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from wellbeing.core.db import make_engine
from wellbeing.screening.models import Submission

pytestmark = pytest.mark.faults


def _stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Submission)) or 0)


def test_a_killed_worker_loses_nothing_acknowledged(
    fault_db: str, instance: Path, tmp_path: Path
) -> None:
    engine = make_engine(fault_db)
    seats = loadgen.populate(engine, 40)
    server = loadgen.Server(loadgen.server_env(instance, fault_db), tmp_path / "serve.log")
    server.start()
    try:
        tokens = loadgen.sign_in(server.port, seats)
        attempts = loadgen.plan(seats)
        results: list[loadgen.Outcome] = []
        load = threading.Thread(
            target=lambda: results.extend(loadgen.drive(server.port, attempts, tokens, 8)[0])
        )
        load.start()
        for threshold in (8, 30, 55):  # three kills while every worker is busy
            loadgen.wait_until(lambda t=threshold: _stored(engine) >= t, timeout=60, every=0.02)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
        load.join()

        cut = [o for o in results if o.reply.status == 0]
        assert cut, "no request was cut: the kills missed the load"
        assert {o.reply.status for o in results} <= {0, 201}
        # Before any retry: everything acknowledged is there; extra rows only for cut requests.
        told = loadgen.acknowledged(results)
        assert (
            loadgen.check_store(
                engine, told, [o.attempt for o in [*cut]] + [a for (a, _) in told.values()]
            )
            == []
        )

        server.stop()
        server.start()  # a restart of the whole service
        again, _ = loadgen.drive(server.port, [o.attempt for o in cut], tokens, 4)
        assert {o.reply.status for o in again} <= {200, 201}
        told = loadgen.acknowledged([*results, *again])
        assert len(told) == len(attempts)
        assert loadgen.check_store(engine, told, attempts) == []
        assert _stored(engine) == len(attempts)
    finally:
        server.stop()
        engine.dispose()
