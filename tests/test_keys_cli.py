"""Keys in the running service: fail closed without a keyring, independent of the web secret,
and the `wellbeing keys` commands on real sealed records."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.audit.models import AuditEntry
from wellbeing.cli import cli
from wellbeing.core.config import ConfigError
from wellbeing.core.db import make_engine
from wellbeing.crypto import FileKeyProvider
from wellbeing.screening.models import Draft


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(folder))
    for name in ("WELLBEING_DATABASE_URL", "WELLBEING_SECRET_KEY", "WELLBEING_KEYRING"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def _seed_drafts(instance: Path, count: int) -> None:
    """Sealed records made by the app itself (drafts of one officer)."""
    from wellbeing.org import service as org_service
    from wellbeing.screening.drafts import save_draft

    create_app()  # loads the instance keyring as the process keyring
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        officer = org_service.add_user(
            session, "o1", unit_code="S", grants=[org_service.parse_grant("officer")]
        )
        for index in range(count):
            save_draft(session, officer, f"inst{index}", None, {"q1": index % 4})
    engine.dispose()


def _read_all(instance: Path) -> list[dict[str, int]]:
    create_app()
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    with Session(engine) as session:
        values = [draft.answers for draft in session.scalars(select(Draft))]
    engine.dispose()
    return values


def test_start_up_without_a_keyring_fails_with_how_to_fix(instance: Path) -> None:
    assert _run("init")[0] == 0
    (instance / "keyring.json").unlink()
    with pytest.raises(ConfigError, match="wellbeing init"):
        create_app()


def test_init_creates_a_private_keyring(instance: Path) -> None:
    assert _run("init")[0] == 0
    keyring = instance / "keyring.json"
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    os.chmod(keyring, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        create_app()


def test_changing_the_web_secret_key_leaves_data_readable(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run("init")[0] == 0
    _seed_drafts(instance, 3)
    (instance / "secret_key").write_text("insecure-test-another-secret-key-entirely\n")
    monkeypatch.setenv("WELLBEING_SECRET_KEY", "insecure-test-yet-another-secret")
    assert sorted(d["q1"] for d in _read_all(instance)) == [0, 1, 2]


def test_add_promote_rotate_retire(instance: Path) -> None:
    assert _run("init")[0] == 0
    _seed_drafts(instance, 7)
    provider = FileKeyProvider(instance / "keyring.json")
    old = provider.load().primary_id
    code, out = _run("keys", "add")
    assert code == 0, out
    new = provider.load().ids[-1]
    assert provider.load().primary_id == old
    assert _run("keys", "retire", old)[0] == 2  # primary and in use: refused
    assert _run("keys", "promote", new)[0] == 0
    code, out = _run("keys", "retire", old)
    assert code == 2
    assert "use" in out
    code, out = _run("keys", "rotate", "--batch-size", "3")
    assert code == 0, out
    assert "re-wrapped 7" in out
    code, out = _run("keys", "rotate")
    assert "re-wrapped 0" in out
    code, out = _run("keys", "status")
    assert f"{new} (primary): 7 record(s)" in out
    assert f"{old}: 0 record(s)" in out
    assert _run("keys", "retire", old)[0] == 0
    assert old not in provider.load().ids
    assert sorted(d["q1"] for d in _read_all(instance)) == [0, 0, 1, 1, 2, 2, 3]
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    with Session(engine) as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith("keys."))
            .order_by(AuditEntry.seq)
        ).all()
    engine.dispose()
    assert actions == [
        "keys.added",
        "keys.promoted",
        "keys.rotated",
        "keys.rotated",
        "keys.retired",
    ]
