"""Keys in the running service: fail closed without a keyring, independent of the web secret,
and the `wellbeing keys` commands on real sealed records."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.audit.models import AuditEntry
from wellbeing.cli import cli
from wellbeing.core.clock import utcnow
from wellbeing.core.config import ConfigError
from wellbeing.core.db import make_engine
from wellbeing.crypto import FileKeyProvider, Keyring
from wellbeing.screening.models import Draft
from wellbeing.sealing.holders import Heartbeat, current_keyring_version, report_holder


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
            .order_by(AuditEntry.id)
        ).all()
    engine.dispose()
    assert actions == [
        "keys.added",
        "keys.promoted",
        "keys.rotated",
        "keys.rotated",
        "keys.retired",
    ]


def _heartbeat(instance: Path, ring: Keyring, *, seconds_ago: int = 0) -> None:
    """A running web worker reports the keyring it holds (30 s reload interval)."""
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    beat = Heartbeat("web-1:4242:ab12", "web-1", 4242, "web", 30)
    with Session(engine) as session, session.begin():
        report_holder(session, beat, ring, None, utcnow() - timedelta(seconds=seconds_ago))
    engine.dispose()


def _promoted_new_key(instance: Path) -> tuple[Keyring, str]:
    """`keys add` and `keys promote`; the keyring before them and the new key's id."""
    provider = FileKeyProvider(instance / "keyring.json")
    before = provider.load()
    assert _run("keys", "add")[0] == 0
    new = provider.load().ids[-1]
    assert _run("keys", "promote", new)[0] == 0
    return before, new


def test_retire_waits_while_a_running_process_still_seals_with_the_key(instance: Path) -> None:
    assert _run("init")[0] == 0
    _seed_drafts(instance, 2)
    before, new = _promoted_new_key(instance)
    _heartbeat(instance, before)  # a worker that has not re-read the keyring yet
    assert _run("keys", "rotate")[0] == 0
    code, out = _run("keys", "status")
    assert f"process web web-1:4242: primary {before.primary_id}" in out
    code, out = _run("keys", "retire", before.primary_id)
    assert code == 2
    assert "1 running process(es) still seal new records with it (web web-1:4242)" in out
    assert before.primary_id in FileKeyProvider(instance / "keyring.json").load().ids
    _heartbeat(instance, FileKeyProvider(instance / "keyring.json").load())  # it moved on
    code, out = _run("keys", "retire", before.primary_id)
    assert code == 0, out
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    with Session(engine) as session:
        row = current_keyring_version(session)
        assert row is not None
        assert (row.version, row.primary_kek_id) == (3, new)  # add, promote, retire
    engine.dispose()


def test_a_stale_heartbeat_does_not_hold_retire_back(instance: Path) -> None:
    assert _run("init")[0] == 0
    before, _new = _promoted_new_key(instance)
    _heartbeat(instance, before, seconds_ago=91)  # silent for over three intervals
    code, out = _run("keys", "retire", before.primary_id)
    assert code == 0, out
