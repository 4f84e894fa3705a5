"""After `wellbeing demo`, a dump of the database holds none of the demo's answers, scores,
bands, rule reasons or notes in plaintext next to an identity.

The real command runs in a subprocess against a temp instance. The test first opens every sealed
record through the app's models (keyring from the instance) to learn what must not leak, then
searches the raw SQLite file (after a WAL checkpoint) and a `pg_dump` for tell-tale plaintext.
Report facts are sealed too (issue: facts at rest single a person out), so no row anywhere says
which band or flag one officer's result had: band and flag ids are searched everywhere except in
the stored releases, which hold only protected unit-level counts keyed by band id (what leaders
are shown), and the facts' plain columns are exactly unit, wave and instrument.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from wellbeing.app.schema import Base
from wellbeing.core.db import make_engine
from wellbeing.crypto import FileKeyProvider
from wellbeing.facts.models import Fact
from wellbeing.screening.models import Submission
from wellbeing.sealing.columns import registered_columns, set_active_keyring

WELLBEING = Path(sys.executable).with_name("wellbeing")
RULES = Path(__file__).resolve().parents[2] / "questionnaires" / "rules"
PUBLISHED = "report_releases"  # protected counts keyed by band id: what leaders see
FACT_COLUMNS = {"id", "unit_id", "wave_id", "instrument_id", "result_sealed"}
IDENTITY_COLUMN = re.compile(r"officer|user|person|actor|supervisor|claimed|created_by")
JSON_KEYS = ("answers", "item_scores", "total", "band", "subscales", "flags", "q1", "q9", "exact")
MIN_LEAF = 8  # shorter sealed strings (ids like "q1", "urgent") are checked by pattern instead


@dataclass
class Secrets:
    """What the sealed records hold, learned by opening them through the app."""

    submissions: int = 0
    facts: int = 0  # sealed facts opened, each with a band
    totals: set[str] = field(default_factory=set)
    bands: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)  # reasons, notes: any longer sealed string


def _demo(env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), "demo"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _env(instance: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env["WELLBEING_INSTANCE_PATH"] = str(instance)
    if database_url:
        env["WELLBEING_DATABASE_URL"] = database_url
    return env


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def _is_prose(value: str) -> bool:
    """Words (a reason, a note), not an id or a time that is plaintext elsewhere by design."""
    return len(value) >= MIN_LEAF and (" " in value or not value.isascii())


def _open_everything(engine: Engine, instance: Path) -> Secrets:
    set_active_keyring(FileKeyProvider(instance / "keyring.json").load())
    found = Secrets()
    present = set(inspect(engine).get_table_names())
    with Session(engine) as session:
        for submission in session.scalars(select(Submission)):
            result = submission.opened()["result"]
            found.submissions += 1
            if result.get("total") is not None:
                found.totals.add(json.dumps(result["total"]))
            if result.get("band"):
                found.bands.add(result["band"])
            found.flags.update(result.get("flags", []))
        for fact in session.scalars(select(Fact)):
            found.facts += fact.result["band"] in found.bands
        for info in registered_columns(Base.metadata):
            if info.table.name == "submissions" or info.table.name not in present:
                continue
            blob = info.table.c[info.column]
            for record in session.scalars(select(info.model).where(blob.is_not(None))):
                opened = getattr(record, info.attribute)
                found.texts.update(s for s in _leaves(opened) if _is_prose(s))
    return found


def _rule_texts() -> set[str]:
    """Every reason and description of the rules, in both languages."""
    texts: set[str] = set()
    for path in RULES.glob("*.yaml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            referral = rule.get("actions", {}).get("referral") or {}
            for bilingual in (rule.get("description"), referral.get("reason")):
                texts.update((bilingual or {}).values())
    return {t for t in texts if t}


def _json_fragments(secrets: Secrets) -> list[bytes]:
    """Payload-shaped fragments: `"answers":`, `"total": 11`, `"band": "moderate"`…"""
    fragments = [f'"{key}":'.encode() for key in JSON_KEYS]
    fragments += [f'"{key}": '.encode() for key in JSON_KEYS]
    for total in secrets.totals:
        fragments += [f'"total":{total}'.encode(), f'"total": {total}'.encode()]
    for band in secrets.bands:
        fragments += [f'"band":"{band}"'.encode(), f'"band": "{band}"'.encode()]
    return fragments


def _leaks(haystack: bytes, needles: list[bytes]) -> list[str]:
    return sorted({needle.decode() for needle in needles if needle in haystack})


def _check(raw: bytes, without_releases: bytes, secrets: Secrets) -> None:
    """Nothing payload-shaped anywhere; no band or flag id outside the protected releases."""
    assert secrets.submissions > 100, "the demo should have submitted its waves"
    assert secrets.facts >= secrets.submissions, "every wave submission should leave a fact"
    assert secrets.bands, "the demo should reach severity bands"
    assert secrets.flags, "the demo should raise flags (PHQ-9 item 9)"
    assert secrets.texts, "the demo's referrals should hold sealed reasons"
    # A positive control: the releases key their counts by band id, and the search sees them.
    assert any(f'"{band}"'.encode() in raw for band in secrets.bands)
    texts = _rule_texts() | secrets.texts
    assert _leaks(raw, _json_fragments(secrets)) == []
    assert _leaks(raw, [t.encode() for t in texts]) == []
    ids = [band.encode() for band in secrets.bands] + [flag.encode() for flag in secrets.flags]
    assert _leaks(without_releases, ids) == []


def _facts_are_sealed(engine: Engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("report_facts")}
    assert columns == FACT_COLUMNS  # unit, wave, instrument in plain; the result sealed
    assert [c for c in columns if IDENTITY_COLUMN.search(c)] == []


def test_the_sqlite_file_holds_no_clinical_plaintext(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    _demo(_env(instance))
    database = instance / "wellbeing.db"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        others = [
            line
            for line in connection.iterdump()
            if not re.match(rf'INSERT INTO "?{PUBLISHED}"?', line)
        ]
    connection.close()
    engine = make_engine(f"sqlite:///{database}")
    try:
        secrets = _open_everything(engine, instance)
        _facts_are_sealed(engine)
    finally:
        engine.dispose()
    raw = database.read_bytes()
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    _check(raw, "\n".join(others).encode(), secrets)


@pytest.fixture
def scratch_postgres(database_url: str) -> Iterator[str]:
    """A scratch PostgreSQL database, dropped afterwards (needs a PostgreSQL test database)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("WELLBEING_TEST_DATABASE_URL is not PostgreSQL: no pg_dump to search")
    name = f"wb_dump_test_{os.getpid()}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_dump(url: str, *options: str) -> bytes:
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, (
        "pg_dump is needed to search a PostgreSQL dump (apt-get install postgresql-client)"
    )
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [pg_dump, "--no-owner", *options, libpq], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_a_pg_dump_holds_no_clinical_plaintext(scratch_postgres: str, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    _demo(_env(instance, scratch_postgres))
    engine = make_engine(scratch_postgres)
    try:
        secrets = _open_everything(engine, instance)
        _facts_are_sealed(engine)
    finally:
        engine.dispose()
    whole = _pg_dump(scratch_postgres)
    without_releases = _pg_dump(scratch_postgres, f"--exclude-table-data={PUBLISHED}")
    _check(whole, without_releases, secrets)
