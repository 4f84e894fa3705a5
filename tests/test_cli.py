"""The `wellbeing` command on a throwaway embedded instance."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from wellbeing.cli import cli
from wellbeing.core.db import make_engine
from wellbeing.core.migrate import is_at_head
from wellbeing.org.models import Unit, User


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("WELLBEING_DATABASE_URL", raising=False)
    monkeypatch.delenv("WELLBEING_SECRET_KEY", raising=False)
    return tmp_path / "instance"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def _count(instance: Path, model: type) -> int:
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(model)))
    finally:
        engine.dispose()


def test_init_creates_a_private_secret_key_and_is_idempotent(instance: Path) -> None:
    code, out = _run("init")
    assert code == 0, out
    key = instance / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    code, out = _run("init")
    assert code == 0, out
    assert key.read_text() == first
    engine = make_engine(f"sqlite:///{instance / 'wellbeing.db'}")
    assert is_at_head(engine)
    engine.dispose()


def test_units_and_users_commands(instance: Path, tmp_path: Path) -> None:
    assert _run("init")[0] == 0
    assert _run("units", "add", "BUR", "--name-zh", "局", "--name-en", "Bureau")[0] == 0
    code, out = _run(
        "units", "add", "ST1", "--name-zh", "所", "--name-en", "Station", "--parent", "BUR"
    )
    assert code == 0, out
    code, out = _run(
        "users",
        "add",
        "lee",
        "--unit",
        "ST1",
        "--role",
        "leader:ST1",
        "--role",
        "officer",
        "--wecom-userid",
        "LiSi",
        "--staff-category",
        "police",
        "--password-stdin",
        stdin="insecure-test-password\n",
    )
    assert code == 0, out
    code, out = _run(
        "users", "add", "x", "--unit", "ST1", "--role", "officer", "--staff-category", "cook"
    )
    assert code == 2
    assert "police" in out
    code, out = _run("users", "add", "bad", "--unit", "ST1", "--role", "leader")
    assert code == 2
    assert "needs a scope" in out
    assert _run("users", "deactivate", "lee")[0] == 0
    assert _run("users", "deactivate", "ghost")[0] == 2
    assert _count(instance, User) == 1


def test_import_command_reports_lines_and_imports_nothing(instance: Path, tmp_path: Path) -> None:
    assert _run("init")[0] == 0
    csv_file = tmp_path / "units.csv"
    csv_file.write_text("code,name_zh,name_en,parent_code\nA,甲,A,\nB,乙,B,Z\n", encoding="utf-8")
    code, out = _run("units", "import", str(csv_file))
    assert code == 2
    assert "line 3" in out
    assert "nothing was imported" in out
    assert _count(instance, Unit) == 0


def test_serve_refuses_to_start_without_a_secret_key(instance: Path) -> None:
    from wellbeing.app import create_app
    from wellbeing.core.config import ConfigError

    with pytest.raises(ConfigError, match="wellbeing init"):
        create_app()
    assert not os.path.exists(instance / "secret_key")
