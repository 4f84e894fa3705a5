"""`wellbeing reports release|reasons` on a demo instance (real processes, as an operator runs
them): the demo's closed waves are released, a wave whose releases are gone is released again
with progress shown, and the data protection officer's reading of the reasons is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from tests.instance_cli import run_in_instance
from wellbeing.audit.models import AuditEntry
from wellbeing.core.db import make_engine
from wellbeing.facts.models import ReleaseReasons
from wellbeing.reports.disclosure import Reason
from wellbeing.reports.models import Release
from wellbeing.reports.reasons import reason_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    instance = tmp_path_factory.mktemp("reports-cli") / "instance"
    done = run_in_instance(instance, "demo")
    assert done.returncode == 0, done.stderr
    return instance


def test_release_and_reasons(demo: Path) -> None:
    engine = make_engine(f"sqlite:///{demo / 'wellbeing.db'}")
    try:
        with engine.connect() as connection:
            released = connection.execute(select(Release.wave_id, Release.id)).all()
        waves = sorted({wave for wave, _id in released})
        assert len(waves) == 2  # the demo's two closed waves, released by `demo`
        done = run_in_instance(demo, "reports", "release")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["0 wave(s) to release"]

        first = waves[0]
        with engine.begin() as connection:
            ids = [release_id for wave, release_id in released if wave == first]
            connection.execute(delete(ReleaseReasons).where(ReleaseReasons.release_id.in_(ids)))
            connection.execute(delete(Release).where(Release.id.in_(ids)))
        done = run_in_instance(demo, "reports", "release")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            "1 wave(s) to release",
            f"[1/1] wave {first}: phq9, gad7",
        ]

        args = ("reports", "reasons", "--wave", str(first), "--instrument", "phq9", "--lang", "en")
        done = run_in_instance(demo, *args)
        assert done.returncode == 0, done.stderr
        lines = [line.split("\t") for line in done.stdout.splitlines()]
        assert lines  # k = 10 and teams of about ten: much is hidden
        for _unit, _column, why, text in lines:
            assert text == reason_text(Reason(why), "en")
        with engine.connect() as connection:
            read = select(func.count()).where(AuditEntry.action == "report.reasons_read")
            assert connection.scalar(read) == 1

        done = run_in_instance(demo, "reports", "reasons", "--wave", "999", "--instrument", "phq9")
        assert done.returncode == 2
        assert "wave 999 has no released phq9 report" in done.stderr
    finally:
        engine.dispose()
