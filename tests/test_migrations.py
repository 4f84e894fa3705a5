"""The migrations build exactly the schema the models declare (what `alembic check` checks)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

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
