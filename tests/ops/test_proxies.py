"""Forwarded headers count only behind a configured proxy: a real `wellbeing serve` (gunicorn)
on loopback, asked with a forged X-Forwarded-Proto (issue 21, point 3)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.instance_cli import WELLBEING, run_in_instance


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, headers: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        return dict(response.headers)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    assert run_in_instance(tmp_path, "init").returncode == 0
    started: list[subprocess.Popen[bytes]] = []

    def start(proxy_count: int) -> int:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
        env["WELLBEING_INSTANCE_PATH"] = str(tmp_path)
        env["WELLBEING_PROXY_COUNT"] = str(proxy_count)
        process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [str(WELLBEING), "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                _get(port, {})
                return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not answer")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


def test_a_forged_forwarded_proto_changes_nothing_without_a_proxy(serve: object) -> None:
    port = serve(0)  # type: ignore[operator]
    assert "Strict-Transport-Security" not in _get(port, FORGED)


def test_behind_one_proxy_its_forwarded_proto_counts(serve: object) -> None:
    port = serve(1)  # type: ignore[operator]
    assert "Strict-Transport-Security" in _get(port, FORGED)
    assert "Strict-Transport-Security" not in _get(port, {})
