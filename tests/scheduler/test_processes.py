"""Two real `wellbeing scheduler` processes: one runs the jobs, the other takes over if it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import pytest
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.core.db import make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import FileKeyProvider, new_keyring
from wellbeing.scheduler.lease import lease_holder

START = "from wellbeing.cli import main; main()"


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    engine = make_engine(f"sqlite:///{tmp_path / 'wellbeing.db'}")
    upgrade_to_head(engine)
    engine.dispose()
    FileKeyProvider(tmp_path / "keyring.json").create(new_keyring())  # jobs fail closed without
    return tmp_path


def _holder(instance: Path) -> str | None:
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    try:
        with Session(engine) as session:
            return lease_holder(session, "jobs", utcnow())
    finally:
        engine.dispose()


def _wait_for(check: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def start(instance: Path) -> Iterator[Callable[[], Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    env = {
        **os.environ,
        "WELLBEING_INSTANCE_PATH": str(instance),
        "WELLBEING_SECRET_KEY": "insecure-test-secret-key-0123456789",
        "WELLBEING_SCHEDULER_LEASE_SECONDS": "2",
    }
    env.pop("WELLBEING_DATABASE_URL", None)

    def launch() -> subprocess.Popen[str]:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [sys.executable, "-c", START, "scheduler"],
            env=env,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield launch
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def _active_and_standby(instance: Path, start: Any) -> tuple[Popen[str], Popen[str]]:
    """Start two schedulers at once; return them as (holder of the lease, standby)."""
    both = [start(), start()]
    _wait_for(lambda: _holder(instance) is not None)
    holder = _holder(instance) or ""
    active = [process for process in both if f":{process.pid}:" in holder]
    assert len(active) == 1, holder
    standby = next(process for process in both if process is not active[0])
    return active[0], standby


def test_the_standby_takes_over_when_the_active_scheduler_is_killed(
    instance: Path, start: Any
) -> None:
    active, standby = _active_and_standby(instance, start)
    holder = _holder(instance)
    time.sleep(2.5)  # longer than the lease: the active one renews, the standby keeps waiting
    assert _holder(instance) == holder
    assert standby.poll() is None

    active.send_signal(signal.SIGKILL)
    active.wait()
    _wait_for(lambda: f":{standby.pid}:" in (_holder(instance) or ""))

    # A clean stop (SIGTERM) releases the lease at once rather than letting it run out.
    standby.send_signal(signal.SIGTERM)
    assert standby.wait(timeout=10) == 0
    assert _holder(instance) is None
