"""The scheduler process dies in the middle of `screening.advance`: after a restart the wave's
effects exist exactly once (one assignment and one opening notice per officer).

The test makes "the middle" certain: it holds a lock on the table the job writes next, waits
until the job's process is blocked on it, kills the process (SIGKILL), then releases the lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import loadgen
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from wellbeing.core.db import make_engine
from wellbeing.notify.models import OutboxMessage
from wellbeing.screening.models import Assignment, Wave

pytestmark = pytest.mark.faults
OFFICERS = 30


def _job(instance: Path, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = loadgen.server_env(instance, url)
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "wellbeing", "scheduler", "--run", "screening.advance"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return int(connection.scalar(query) or 0)


def _effects(engine: Engine) -> tuple[list[str], dict[int, int], dict[int, int]]:
    """(wave states, assignments per officer, opening notices per officer)."""
    with Session(engine) as session:
        states = list(session.scalars(select(Wave.state)))
        assigned = dict(
            session.execute(
                select(Assignment.officer_id, func.count()).group_by(Assignment.officer_id)
            ).all()
        )
        notices = dict(
            session.execute(
                select(OutboxMessage.recipient_user_id, func.count())
                .where(OutboxMessage.kind == "screening.opened")
                .group_by(OutboxMessage.recipient_user_id)
            ).all()
        )
    return states, assigned, notices


@pytest.mark.parametrize("blocked", ["assignments", "outbox_messages"])
def test_a_scheduler_killed_mid_job_applies_it_once_after_restart(
    fault_db: str, instance: Path, tmp_path: Path, blocked: str
) -> None:
    engine = make_engine(fault_db)
    seats = loadgen.populate(engine, OFFICERS, open_wave=False)
    log = tmp_path / "scheduler.log"
    locker = engine.connect()
    transaction = locker.begin()
    locker.execute(text(f"LOCK TABLE {blocked} IN ACCESS EXCLUSIVE MODE"))
    try:
        job = _job(instance, fault_db, log)
        loadgen.wait_until(lambda: _waiting_on_locks(engine) >= 1, timeout=60, every=0.05)
        os.kill(job.pid, signal.SIGKILL)
        assert job.wait(timeout=10) == -signal.SIGKILL
        # the server drops the dead client's session (client_connection_check_interval)
        loadgen.wait_until(lambda: _waiting_on_locks(engine) == 0, timeout=30)
    finally:
        transaction.rollback()
        locker.close()

    states, assigned, notices = _effects(engine)
    if blocked == "assignments":  # killed while opening the wave: nothing of it committed
        assert states == ["scheduled"]
        assert assigned == {}
    else:  # killed while opening assignments: the wave's assignments exist, no notice yet
        assert states == ["open"]
        assert assigned == {seat.user_id: 1 for seat in seats}
    assert notices == {}

    for _ in range(2):  # the restart, and once more: still exactly once
        restarted = _job(instance, fault_db, log)
        assert restarted.wait(timeout=60) == 0, log.read_text()[-2000:]
        states, assigned, notices = _effects(engine)
        assert states == ["open"]
        assert assigned == {seat.user_id: 1 for seat in seats}
        assert notices == {seat.user_id: 1 for seat in seats}
    with Session(engine) as session:
        statuses = set(session.scalars(select(Assignment.status)))
    assert statuses == {"pending"}
    engine.dispose()
