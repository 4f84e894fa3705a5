"""`keys rotate` on a real database (SQLite, or PostgreSQL with WELLBEING_TEST_DATABASE_URL):
killed with SIGKILL part way it leaves every record readable, and run again it re-wraps exactly
the rest; a record the app rewrites during a batch is never overwritten with stale bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.instance_cli import WELLBEING, instance_env
from wellbeing.app.schema import Base
from wellbeing.crypto import FileKeyProvider, Keyring, new_keyring
from wellbeing.org import service as org_service
from wellbeing.screening.models import Draft
from wellbeing.sealing.batches import store_for
from wellbeing.sealing.columns import registered_columns, set_active_keyring
from wellbeing.sealing.rewrapping import Rewrapper
from wellbeing.sealing.rotation import count_by_kek, rotate_all

RECORDS = 1500


def _seed(engine: Engine, count: int) -> None:
    """`count` drafts of one officer, sealed under the process keyring."""
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "R", "所", "Station")
        officer = org_service.add_user(
            session, "r1", unit_code="R", grants=[org_service.parse_grant("officer")]
        )
        session.flush()
        for index in range(count):
            draft = Draft(officer_id=officer.id, form_key=f"f{index}", instrument_id="phq9")
            draft.answers = {"q1": index}
            session.add(draft)


def _answers(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return sorted(d.answers["q1"] for d in session.scalars(select(Draft)))


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return count_by_kek(session, Base.metadata)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(WELLBEING), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_rotate_killed_with_sigkill_then_run_again(scratch_engine: Engine, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    url = scratch_engine.url.render_as_string(hide_password=False)
    env = instance_env(instance, WELLBEING_DATABASE_URL=url)
    assert _cli(env, "init").returncode == 0
    provider = FileKeyProvider(instance / "keyring.json")
    old = provider.load().primary_id
    set_active_keyring(provider.load())
    _seed(scratch_engine, RECORDS)
    assert _cli(env, "keys", "add").returncode == 0
    new = provider.load().ids[-1]
    assert _cli(env, "keys", "promote", new).returncode == 0
    set_active_keyring(provider.load())

    rotating = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(WELLBEING), "keys", "rotate", "--batch-size", "50", "--max-rate", "300"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _counts(scratch_engine).get(new, 0) < 200:  # four batches committed
            assert rotating.poll() is None, "rotation ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(rotating.pid, signal.SIGKILL)
    finally:
        rotating.wait(timeout=30)
    assert rotating.returncode == -signal.SIGKILL

    part = _counts(scratch_engine)
    assert set(part) == {old, new}
    assert sum(part.values()) == RECORDS
    assert _answers(scratch_engine) == list(range(RECORDS))  # readable in between

    again = _cli(env, "keys", "rotate", "--batch-size", "50")
    assert again.returncode == 0, again.stderr
    assert f"re-wrapped {part[old]}, already current {part[new]}, failed 0" in again.stdout
    assert "100.0%" in again.stderr  # the final progress line
    assert _counts(scratch_engine) == {new: RECORDS}
    set_active_keyring(provider.load().without_key(old))
    assert _answers(scratch_engine) == list(range(RECORDS))


def _promote_new(keyring: Keyring) -> Keyring:
    ring = keyring.with_added_key()
    return ring.promote(ring.keys[-1].id)


def test_a_record_rewritten_during_a_batch_keeps_the_apps_value(scratch_engine: Engine) -> None:
    first = new_keyring()
    set_active_keyring(first)
    _seed(scratch_engine, 5)
    second = _promote_new(first)
    (info,) = [i for i in registered_columns(Base.metadata) if i.table.name == "drafts"]
    with Session(scratch_engine) as session:
        store = store_for(session, info)
        rewrap = Rewrapper(second, fronts_only=store.fronts_only)
        rows = store.pending(session, None, 10, rewrap.header)
    ids, olds = [row[0] for row in rows], [row[1] for row in rows]
    news = [new for new in map(rewrap, olds) if new is not None]
    assert len(news) == 5
    with Session(scratch_engine) as app, app.begin():  # the app saves one draft again
        app.get_one(Draft, rows[2][0]).answers = {"q1": 99}
    with Session(scratch_engine) as session, session.begin():
        assert store.write(session, ids, olds, news) == 4  # (SQLite's write lock keeps this apart)
    set_active_keyring(second)
    assert 99 in _answers(scratch_engine)
    assert _counts(scratch_engine) == {second.primary_id: 4, first.primary_id: 1}


def test_broken_records_are_reported_and_the_rest_rotated(scratch_engine: Engine) -> None:
    first = new_keyring()
    set_active_keyring(first)
    _seed(scratch_engine, 6)
    with Session(scratch_engine) as session, session.begin():
        drafts = session.scalars(select(Draft).order_by(Draft.id)).all()
        kept = sorted(d.answers["q1"] for d in drafts[2:])
        drafts[0].answers_sealed = b"\x09garbage"  # type: ignore[attr-defined]
        set_active_keyring(new_keyring())  # a record sealed under a keyring since lost
        drafts[1].answers = {"q1": 7}
        broken = {drafts[0].id, drafts[1].id}
    second = _promote_new(first)
    report = rotate_all(
        lambda: Session(scratch_engine), second, Base.metadata, batch_size=2, max_rate=None
    )
    assert report.failed == 2
    assert {f.record_id for f in report.failures} == broken
    assert report.rewrapped == 4
    set_active_keyring(second)
    with Session(scratch_engine) as session:
        rest = session.scalars(select(Draft).where(Draft.id.not_in(broken)))
        assert sorted(d.answers["q1"] for d in rest) == kept
