"""The migrations build exactly the schema the models declare (what `alembic check` checks)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from wellbeing.migrate import is_at_head, upgrade_to_head
from wellbeing.models import Base


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

    from wellbeing.migrate import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_assignments_made_before_0100_take_their_officers_unit(tmp_path: Path) -> None:
    from alembic import command

    from wellbeing.db import make_engine
    from wellbeing.migrate import alembic_config

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
