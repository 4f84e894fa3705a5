"""`wellbeing reports release-activity|activity-reasons` on a demo instance (real processes, as
an operator runs them): the demo's ended periods are released by `demo`, a period whose release
is gone is released again with progress shown, and reading the reasons is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from tests.instance_cli import run_in_instance
from wellbeing.activity.models import ActivityRelease
from wellbeing.activity.periods import Kind, Period
from wellbeing.audit.models import AuditEntry
from wellbeing.core.db import make_engine
from wellbeing.reports.reasons import Reason, reason_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    instance = tmp_path_factory.mktemp("activity-cli") / "instance"
    done = run_in_instance(instance, "demo")
    assert done.returncode == 0, done.stderr
    return instance


def test_release_activity_and_its_reasons(demo: Path) -> None:
    engine = make_engine(f"sqlite:///{demo / 'wellbeing.db'}")
    try:
        with engine.connect() as connection:
            months = connection.execute(
                select(ActivityRelease.id, ActivityRelease.period_start).where(
                    ActivityRelease.period_kind == Kind.MONTH.value
                )
            ).all()
        assert len(months) >= 3  # the demo's past months, released by `demo`
        done = run_in_instance(demo, "reports", "release-activity")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["0 period(s) to release"]

        newest_id, newest_start = max(months, key=lambda row: row.period_start)
        newest = Period(newest_start, Kind.MONTH)
        with engine.begin() as connection:
            connection.execute(delete(ActivityRelease).where(ActivityRelease.id == newest_id))
        done = run_in_instance(demo, "reports", "release-activity")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            "1 period(s) to release",
            f"[1/1] {newest.key}: released",
        ]

        done = run_in_instance(
            demo, "reports", "activity-reasons", "--period", newest.key, "--lang", "en"
        )
        assert done.returncode == 0, done.stderr
        lines = [line.split("\t") for line in done.stdout.splitlines()]
        assert lines  # k = 10 and teams of about ten: much is hidden
        for _unit, _column, why, text in lines:
            assert text == reason_text(Reason(why), "en")
        with engine.connect() as connection:
            read = select(func.count()).where(AuditEntry.action == "activity.reasons_read")
            assert connection.scalar(read) == 1

        done = run_in_instance(demo, "reports", "activity-reasons", "--period", "1999-01")
        assert done.returncode == 2
        assert "1999-01 has no released activity report" in done.stderr
        done = run_in_instance(demo, "reports", "activity-reasons", "--period", "2026-13")
        assert done.returncode == 2
        assert "is not a period" in done.stderr
    finally:
        engine.dispose()
