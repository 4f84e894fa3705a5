"""PostgreSQL stops under load: clients get a clear, localised 503, nothing is half-written,
and the service recovers by itself when the database returns."""

from __future__ import annotations

import threading
from pathlib import Path

import loadgen
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.core.db import make_engine
from wellbeing.screening.models import Submission

pytestmark = pytest.mark.faults
ZH = "服务暂时不可用，请稍后再试。"
EN = "The service is briefly unavailable. Please try again shortly."


def _stored(engine: object) -> int:
    with Session(engine) as session:  # type: ignore[call-overload]
        return int(session.scalar(select(func.count()).select_from(Submission)) or 0)


def test_submissions_survive_a_database_outage(
    cluster: object, fault_db: str, instance: Path, tmp_path: Path
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
            target=lambda: results.extend(loadgen.drive(server.port, attempts, tokens, 6)[0])
        )
        load.start()
        loadgen.wait_until(lambda: _stored(engine) >= 15, timeout=60, every=0.05)
        engine.dispose()
        cluster.stop("immediate")  # type: ignore[attr-defined]
        load.join()

        statuses = {o.reply.status for o in results}
        assert 201 in statuses
        assert statuses <= {201, 503}, statuses  # never a 500, never a dropped connection
        refused = [o.reply for o in results if o.reply.status == 503]
        assert refused
        assert all(r.body["error"]["code"] == "unavailable" for r in refused)
        # the user's language when the user was loaded before the outage hit, else the default
        messages = {r.body["error"]["message"] for r in refused}
        assert messages <= {ZH, EN}, messages
        assert ZH in messages
        token = tokens[seats[0].user_id]
        english = loadgen.call(server.port, "GET", "/api/v1/me/assignments?lang=en", token=token)
        assert english.status == 503
        assert english.body["error"]["message"] == EN
        assert loadgen.call(server.port, "GET", "/readyz").status == 503
        assert loadgen.call(server.port, "GET", "/healthz").status == 200

        cluster.start()  # type: ignore[attr-defined]
        # The same workers recover on their own (pool_pre_ping): no restart.
        loadgen.wait_until(lambda: loadgen.call(server.port, "GET", "/readyz").status == 200, 30)
        retried = [o.attempt for o in results if o.reply.status != 201]
        again, _ = loadgen.drive(server.port, retried, tokens, 6)
        assert {o.reply.status for o in again} <= {200, 201}
        told = loadgen.acknowledged([*results, *again])
        assert len(told) == len(attempts)
        assert loadgen.check_store(engine, told, attempts) == []
    finally:
        server.stop()
        engine.dispose()
