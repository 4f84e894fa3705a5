"""Forwarded headers count only behind a configured proxy: a real `wellbeing serve` (gunicorn)
on loopback, asked with a forged X-Forwarded-Proto (issue 21, point 3)."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.instance_cli import instance_env, run_in_instance

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import loadgen

FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


def _headers(port: int, headers: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        return dict(response.headers)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[int], int]]:
    """serve(proxy_count) starts `wellbeing serve` on the instance; returns its port."""
    assert run_in_instance(tmp_path, "init").returncode == 0
    started: list[loadgen.Server] = []

    def start(proxy_count: int) -> int:
        env = instance_env(tmp_path, WELLBEING_PROXY_COUNT=str(proxy_count))
        server = loadgen.Server(env, tmp_path / "serve.log", workers=1)
        started.append(server)
        server.start()
        return server.port

    yield start
    for server in started:
        server.stop()


def test_a_forged_forwarded_proto_changes_nothing_without_a_proxy(
    serve: Callable[[int], int],
) -> None:
    assert "Strict-Transport-Security" not in _headers(serve(0), FORGED)


def test_behind_one_proxy_its_forwarded_proto_counts(serve: Callable[[int], int]) -> None:
    port = serve(1)
    assert "Strict-Transport-Security" in _headers(port, FORGED)
    assert "Strict-Transport-Security" not in _headers(port, {})
