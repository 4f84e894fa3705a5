"""The benchmark's raw-insert baseline exists only when WELLBEING_BENCH_BASELINE is on."""

from __future__ import annotations

from typing import Any

from flask import Flask

from wellbeing.auth.access import rule_of


def _has_baseline(app: Flask) -> bool:
    return any(rule.rule == "/api/v1/bench/baseline" for rule in app.url_map.iter_rules())


def test_the_baseline_route_is_off_by_default(app: Flask) -> None:
    assert not _has_baseline(app)


def test_the_baseline_route_declares_an_access_rule_when_on(make_app: Any) -> None:
    app = make_app(bench_baseline=True)
    assert _has_baseline(app)
    view = app.view_functions["api_bench.store_raw_body"]
    rule = rule_of(view)
    assert rule is not None
    assert rule.kind == "roles"
    assert app.test_client().post("/api/v1/bench/baseline", data=b"{}").status_code == 401
