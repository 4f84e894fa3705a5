"""Run the Alembic migrations from code (`wellbeing init`, tests, readiness checks)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

ROOT = Path(__file__).resolve().parents[2]


def alembic_config() -> Config:
    """The project's Alembic configuration (migrations/ beside the package)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every pending migration; running it again changes nothing."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")  # every head, should a branch be open


@cache
def head_revisions() -> frozenset[str]:
    """The newest revision(s) of the migration scripts (read once a process: readiness probes)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_at_head(engine: Engine) -> bool:
    """Whether the database's revision is the newest one."""
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == head_revisions()


def answers_at_head(connection: Connection) -> bool:
    """Whether the database answers (else SQLAlchemyError) and is at the newest revision: the
    readiness probe's question, asked on the caller's connection."""
    connection.execute(text("SELECT 1"))
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current == head_revisions()
