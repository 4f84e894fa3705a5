"""Alembic environment: batch mode for SQLite, the app's metadata, the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from wellbeing.app.schema import Base
from wellbeing.core.config import load_settings
from wellbeing.core.db import make_engine

target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection handed over by `wellbeing init`/tests, or open one from settings."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = make_engine(url or load_settings().effective_database_url)
    with engine.connect() as conn:
        run_with(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
