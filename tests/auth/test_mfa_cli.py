"""`wellbeing mfa reset` on a throwaway embedded instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.app import init_crypto
from wellbeing.audit.models import AuditEntry
from wellbeing.auth import mfa
from wellbeing.cli import cli
from wellbeing.core.config import load_settings
from wellbeing.core.db import make_engine
from wellbeing.org import service as org_service
from wellbeing.org.models import User


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("WELLBEING_DATABASE_URL", raising=False)
    monkeypatch.delenv("WELLBEING_SECRET_KEY", raising=False)
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    return tmp_path / "instance"


def test_reset_removes_the_factor_and_is_audited(instance: Path) -> None:
    init_crypto(load_settings())
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    with engine.begin() as connection:
        session = Session(bind=connection)
        org_service.add_unit(session, "ST1", "一所", "Station 1", None)
        user = org_service.add_user(
            session, "c1", unit_code="ST1", grants=[org_service.parse_grant("counsellor:ST1")]
        )
        session.flush()
        mfa.start_enrolment(session, user, "Station")
        session.commit()
    result = CliRunner().invoke(cli, ["mfa", "reset", "c1"])
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        session = Session(bind=connection)
        user = session.scalars(select(User).where(User.username == "c1")).one()
        assert mfa.credential_of(session, user) is None
        actions = list(session.scalars(select(AuditEntry.action)))
        assert "auth.mfa_reset" in actions
    engine.dispose()
    unknown = CliRunner().invoke(cli, ["mfa", "reset", "nobody"])
    assert unknown.exit_code == 2
