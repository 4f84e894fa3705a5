"""Database backups and restores: SQLite's online backup API, or pg_dump/pg_restore.

Backups hold sealed (encrypted) columns as they are; the keyring is backed up apart
(`wellbeing keys backup`), so a stolen database backup reveals nothing clinical on its own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from wellbeing.core.db import make_engine


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def backup_database(url: str, path: Path) -> None:
    """Write a consistent backup of the database at `url` to `path` (which must not exist)."""
    if path.exists():
        raise BackupError(f"{path} exists; choose a new file name")
    if make_url(url).get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_file(url), path)
    else:
        _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={path}"])
    path.chmod(0o600)


def restore_database(url: str, path: Path, *, force: bool = False) -> None:
    """Replace the database at `url` with the backup at `path`.

    Refuses a database that holds any table unless `force`: a restore overwrites everything.
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a backup file")
    if not force and not database_is_empty(url):
        raise BackupError("the database is not empty; use --force to replace everything in it")
    if make_url(url).get_backend_name() == "sqlite":
        _copy_sqlite(path, _sqlite_file(url))
    else:
        options = ["--no-owner", "--no-privileges", "--single-transaction", str(path)]
        if force:
            options = ["--clean", "--if-exists", *options]
        _run_pg("pg_restore", url, options)


def database_is_empty(url: str) -> bool:
    """Whether the database holds no table at all (a fresh, never-migrated database)."""
    engine: Engine = make_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Page-by-page copy that is consistent while writers run (sqlite3 backup API)."""
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_connection = sqlite3.connect(target)
    try:
        with target_connection:
            source_connection.backup(target_connection, pages=1024)
    finally:
        source_connection.close()
        target_connection.close()


def _run_pg(program: str, url: str, options: list[str]) -> None:
    """Run a PostgreSQL client with the URL's connection (password through the environment)."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} was not found; install the PostgreSQL client tools")
    parsed = make_url(url)
    args = [executable, f"--dbname={parsed.database}"]
    if parsed.host:
        args.append(f"--host={parsed.host}")
    if parsed.port:
        args.append(f"--port={parsed.port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)  # not on the command line, where ps shows it
    done = subprocess.run(  # noqa: S603 - a fixed program and options, no shell
        [*args, *options], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{program} failed: {last}")
