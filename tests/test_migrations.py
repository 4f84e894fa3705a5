"""The migrations build exactly the schema the models declare (what `alembic check` checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from wellbeing.app.schema import Base
from wellbeing.core.migrate import is_at_head, upgrade_to_head


def test_database_is_at_head_and_matches_models(engine: Engine) -> None:
    assert is_at_head(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_again_is_a_no_op(engine: Engine) -> None:
    upgrade_to_head(engine)
    assert is_at_head(engine)


def test_the_migrations_have_a_single_head() -> None:
    # CI runs `alembic upgrade head`, which refuses a history with several heads
    from alembic.script import ScriptDirectory

    from wellbeing.core.migrate import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_assignments_made_before_0100_take_their_officers_unit(tmp_path: Path) -> None:
    from alembic import command

    from wellbeing.core.db import make_engine
    from wellbeing.core.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0090_merge")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO units (id, code, name_zh, name_en, path)"
                " VALUES (7, 'U7', 'u', 'u', '/7/')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, unit_id, locale, active,"
                " created_at) VALUES (3, 'o3', 'o3', 7, 'zh_CN', 1, '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO assignments (id, officer_id, instruments, done, opens_at, closes_at,"
                " status, notices_sent) VALUES (5, 3, '[\"phq9\"]', '[]', '2026-01-01 00:00:00',"
                " '2026-01-08 00:00:00', 'pending', 0)"
            )
        )
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT unit_id FROM assignments WHERE id = 5")).scalar() == 7
        )
    engine.dispose()


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_facts_made_before_0110_are_sealed_and_releases_lose_their_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from alembic import command

    from wellbeing.core.db import make_engine
    from wellbeing.core.migrate import alembic_config
    from wellbeing.crypto import FileKeyProvider, new_keyring, open_json
    from wellbeing.facts.models import Fact

    keyring_path = tmp_path / "keyring.json"
    FileKeyProvider(keyring_path).create(new_keyring())
    monkeypatch.setenv("WELLBEING_KEYRING_PATH", str(keyring_path))
    monkeypatch.delenv("WELLBEING_KEYRING", raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0100_assignment_unit")
    old_cells = {
        "k": 10,
        "band_ids": ["minimal", "mild"],
        "rounds": 1,
        "rows": [
            {
                "unit": "U7",
                "parent": None,
                "n": [12, None],
                "bands": {"minimal": [12, None], "mild": [None, "too_few"]},
                "mean": [None, "one_band"],
            }
        ],
    }
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO units (id, code, name_zh, name_en, path)"
            " VALUES (7, 'U7', 'u', 'u', '/7/')",
            "INSERT INTO campaigns (id, name, unit_id, instruments, opens_at, closes_at, closed,"
            " created_at) VALUES (1, 'c', 7, '[\"phq9\"]', '2026-01-01 00:00:00',"
            " '2026-01-08 00:00:00', 0, '2026-01-01 00:00:00')",
            "INSERT INTO waves (id, campaign_id, seq, name, opens_at, closes_at, state) VALUES"
            " (1, 1, 1, 'w', '2026-01-01 00:00:00', '2026-01-08 00:00:00', 'closed')",
            "INSERT INTO report_facts (id, unit_id, wave_id, instrument_id, band, total, flags)"
            " VALUES ('f1', 7, 1, 'phq9', 'mild', 7.0, '[\"suicidal_ideation\"]')",
            "INSERT INTO report_fact_shuffles (wave_id, facts, shuffled_at)"
            " VALUES (1, 1, '2026-01-09 00:00:00')",
        ):
            connection.execute(text(statement))
        connection.execute(
            text(
                "INSERT INTO report_releases (id, wave_id, instrument_id, k, kind, tree_hash,"
                " cells, created_at) VALUES (1, 1, 'phq9', 10, 'exact', 'x', :cells,"
                " '2026-01-09 00:00:00')"
            ),
            {"cells": json.dumps(old_cells)},
        )
    upgrade_to_head(engine)
    columns = [row[1] for row in _rows(engine, "PRAGMA table_info(report_facts)")]
    assert columns == ["id", "unit_id", "wave_id", "instrument_id", "result_sealed"]
    [(sealed,)] = _rows(engine, "SELECT result_sealed FROM report_facts")
    assert b"mild" not in sealed
    assert b"suicidal" not in sealed
    keyring = FileKeyProvider(keyring_path).load()
    binding = Fact.result.binding_for(Fact(id="f1"))  # as the model opens it
    assert open_json(keyring, bytes(sealed), binding) == {"band": "mild", "total": 7.0}
    [(cells,)] = _rows(engine, "SELECT cells FROM report_releases")
    row = json.loads(cells)["rows"][0]
    assert row == {
        "unit": "U7",
        "parent": None,
        "n": 12,
        "bands": {"minimal": 12, "mild": None},
        "mean": None,
    }
    assert "report_fact_shuffles" not in {
        r[0] for r in _rows(engine, "SELECT name FROM sqlite_master")
    }
    engine.dispose()
