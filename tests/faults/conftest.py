"""Fault tests start real processes against a PRIVATE PostgreSQL cluster (never the shared
server, which other tests use): initdb into a temporary folder, pg_ctl on a free port.

Run them with `pytest -m faults tests/faults` (CI does, as its own step).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from wellbeing.core.db import make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import FileKeyProvider, Keyring, new_keyring
from wellbeing.sealing.columns import set_active_keyring

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import loadgen


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class PrivateCluster:
    """A throwaway PostgreSQL cluster owned by the `postgres` user (when we are root)."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True)  # noqa: S603

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=60 -c client_connection_check_interval=200"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture(scope="session")
def cluster() -> Iterator[PrivateCluster]:
    """One private cluster for the fault tests (skipped where PostgreSQL is not installed)."""
    pg_bin = _pg_bin()
    if pg_bin is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL server binaries are not installed")
    root = Path(tempfile.mkdtemp(prefix="wb-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    private = PrivateCluster(pg_bin, root, loadgen.free_port())
    private.init()
    private.start()
    try:
        yield private
    finally:
        if private.running():
            private.stop("fast")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fault_db(cluster: PrivateCluster) -> Iterator[str]:
    """A fresh, migrated database in the private cluster; its URL."""
    if not cluster.running():
        cluster.start()
    name = f"faults_{os.getpid()}_{id(object()) % 10_000}"
    admin = make_engine(cluster.url()).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(cluster.url(name))
    upgrade_to_head(engine)
    engine.dispose()
    try:
        yield cluster.url(name)
    finally:
        if not cluster.running():
            cluster.start()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    """The instance's keyring file (tmp_path/instance/keyring.json), also active in this process."""
    ring = new_keyring()
    FileKeyProvider(tmp_path / "instance" / "keyring.json").create(ring)
    set_active_keyring(ring)
    return ring


@pytest.fixture
def instance(tmp_path: Path, keyring: Keyring) -> Path:
    """The instance folder of the served processes."""
    return tmp_path / "instance"
