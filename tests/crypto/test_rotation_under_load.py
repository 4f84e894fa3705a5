"""Key rotation a running service survives (issue 20, point 1): a real `wellbeing serve` (two
gunicorn workers and the scheduler) stays up while the operator runs `keys add`, `keys promote`,
`keys rotate` and `keys retire OLD`, and a load generator submits and reads over the API the whole
time: no request fails, no record is unreadable, nothing is restarted."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.instance_cli import WELLBEING, instance_env
from wellbeing.app.schema import Base
from wellbeing.core.clock import utcnow
from wellbeing.crypto import FileKeyProvider
from wellbeing.sealing.columns import set_active_keyring
from wellbeing.sealing.holders import live_holders
from wellbeing.sealing.rotation import count_by_kek

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import loadgen


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(WELLBEING), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@dataclass
class Load:
    """Submits one questionnaire every few hundred milliseconds and reads results in between."""

    port: int
    tokens: dict[int, str]
    attempts: list[loadgen.Attempt]
    outcomes: list[loadgen.Outcome] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    reads: int = 0
    unreadable: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.pending = list(self.attempts)

    def run(self) -> None:
        tokens = list(self.tokens.values())
        next_submit = 0.0
        while not self.stop.is_set():
            if self.pending and time.monotonic() >= next_submit:
                self._submit(self.pending.pop(0))
                next_submit = time.monotonic() + 0.25
            self._read(tokens[self.reads % len(tokens)])
            self.stop.wait(0.05)  # a steady load that leaves the operator's commands some CPU

    def _submit(self, attempt: loadgen.Attempt) -> None:
        token = self.tokens[attempt.seat.user_id]
        reply = loadgen.call(self.port, "POST", "/api/v1/submissions", attempt.body(), token)
        self.outcomes.append(loadgen.Outcome(attempt, reply))
        if reply.status != 201:
            self.failures.append(f"submit {reply.status} {reply.body}")

    def _read(self, token: str) -> None:
        reply = loadgen.call(self.port, "GET", "/api/v1/me/submissions", token=token)
        self.reads += 1
        if reply.status != 200:
            self.failures.append(f"read {reply.status} {reply.body}")
            return
        self.unreadable += sum(1 for row in reply.body if row.get("unreadable"))


def _retire(env: dict[str, str], kek_id: str) -> list[str]:
    """`keys retire`, re-run (with `keys rotate` before it) while a process still seals with the
    key, as the refusal tells the operator; the refusals seen."""
    refusals = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        rotated = _cli(env, "keys", "rotate")
        assert rotated.returncode == 0, rotated.stderr
        retired = _cli(env, "keys", "retire", kek_id)
        if retired.returncode == 0:
            return refusals
        refusals.append(retired.stderr.strip())
        time.sleep(0.5)
    raise AssertionError(f"retire still refused: {refusals[-1]}")


def _all_hold(engine: Engine, primary: str, version: int) -> bool:
    """Web workers and the scheduler report (heartbeats) holding keyring `version`."""
    with Session(engine) as session:
        held = {(h.role, h.primary_kek_id, h.version) for h in live_holders(session, utcnow())}
    return {role for role, _, _ in held} == {"web", "scheduler"} and {
        (p, v) for _, p, v in held
    } == {(primary, version)}


def test_rotation_and_retire_while_the_service_runs_under_load(
    scratch_engine: Engine, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    env = instance_env(
        instance,
        WELLBEING_DATABASE_URL=scratch_engine.url.render_as_string(hide_password=False),
        WELLBEING_SERVE_SCHEDULER="on",
        WELLBEING_KEYRING_RELOAD_SECONDS="1",
    )
    assert _cli(env, "init").returncode == 0
    provider = FileKeyProvider(instance / "keyring.json")
    old = provider.load().primary_id
    set_active_keyring(provider.load())
    seats = loadgen.populate(scratch_engine, 20)  # 40 submissions, one every 0.25 s
    server = loadgen.Server(env, tmp_path / "serve.log", workers=2)
    server.start()
    try:
        workers = sorted(server.worker_pids())  # and the embedded scheduler
        load = Load(server.port, loadgen.sign_in(server.port, seats), loadgen.plan(seats))
        thread = threading.Thread(target=load.run)
        thread.start()
        try:
            assert _cli(env, "keys", "add").returncode == 0
            new = provider.load().ids[-1]
            assert _cli(env, "keys", "promote", new).returncode == 0
            refusals = _retire(env, old)
            loadgen.wait_until(lambda: not load.pending, timeout=30)  # writes after retire too
            loadgen.wait_until(lambda: _all_hold(scratch_engine, new, 3), timeout=10)
        finally:
            load.stop.set()
            thread.join(timeout=30)
        assert server.process is not None
        assert server.process.poll() is None
        assert sorted(server.worker_pids()) == workers  # the same processes: none restarted
        ready = loadgen.call(server.port, "GET", "/readyz")
    finally:
        server.stop()

    assert load.failures == []
    assert load.unreadable == 0
    assert load.reads > 40
    assert len(load.outcomes) == len(load.attempts)  # every submission went through
    assert (ready.status, ready.body["status"]) == (200, "ready")
    final = provider.load()
    assert (old in final.ids, final.primary_id) == (False, new)
    set_active_keyring(final)
    told = loadgen.acknowledged(load.outcomes)
    assert loadgen.check_store(scratch_engine, told, load.attempts) == []
    with Session(scratch_engine) as session:
        assert set(count_by_kek(session, Base.metadata)) == {new}  # nothing left under the old
    print(f"retire refused {len(refusals)} time(s) first; {load.reads} reads")
