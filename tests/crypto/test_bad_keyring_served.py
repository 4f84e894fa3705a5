"""A botched keyring edit under a running `wellbeing serve` is an alarm, not an outage (issue 20,
point 1): the worker keeps its last good keyring, `/readyz` says degraded with a reason, a worker
restarted meanwhile boots with the master's last good keyring (no crash loop), and a repaired
file is picked up without a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from tests.instance_cli import WELLBEING, instance_env

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import loadgen


def _ready(port: int) -> tuple[int, dict[str, object]]:
    reply = loadgen.call(port, "GET", "/readyz", timeout=5)
    return reply.status, reply.body if isinstance(reply.body, dict) else {}


def test_a_broken_keyring_degrades_the_service_without_stopping_it(
    scratch_engine: Engine, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    env = instance_env(
        instance,
        WELLBEING_DATABASE_URL=scratch_engine.url.render_as_string(hide_password=False),
        WELLBEING_SERVE_SCHEDULER="off",
        WELLBEING_KEYRING_RELOAD_SECONDS="1",
    )
    init = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(WELLBEING), "init"], env=env, capture_output=True, timeout=120, check=False
    )
    assert init.returncode == 0
    keyring_file = instance / "keyring.json"
    good = keyring_file.read_text(encoding="utf-8")
    server = loadgen.Server(env, tmp_path / "serve.log", workers=1)
    server.start()
    try:
        assert _ready(server.port)[0] == 200
        keyring_file.write_text(good[: len(good) // 2], encoding="utf-8")  # a botched edit
        loadgen.wait_until(lambda: _ready(server.port)[1].get("status") == "degraded", 10)
        [worker] = server.worker_pids()
        os.kill(worker, signal.SIGKILL)  # gunicorn forks a new worker while the file is broken
        loadgen.wait_until(lambda: server.worker_pids() not in ([], [worker]), 30)
        loadgen.wait_until(lambda: _ready(server.port)[0] == 200, 30)
        status, body = _ready(server.port)
        assert (status, body["status"], body["reasons"]) == (
            200,
            "degraded",
            {"keyring": "reload_failed"},
        )
        keyring_file.write_text(good, encoding="utf-8")  # repaired
        loadgen.wait_until(lambda: _ready(server.port)[1].get("status") == "ready", 10)
        assert server.process is not None
        assert server.process.poll() is None
    finally:
        server.stop()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "keyring failed to load in a new worker" in log
    assert "still using the last good keyring" in log
