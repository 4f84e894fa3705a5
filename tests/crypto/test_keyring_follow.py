"""A running process follows its keyring (issue 20, point 1): it reloads when a record names a key
it lacks and on an interval, keeps the last good keyring when a reload fails (log line, /readyz
degraded) and reports the keyring it holds in a heartbeat row."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.crypto import (
    FileKeyProvider,
    KeyMissingError,
    Keyring,
    KeyringError,
    MemoryKeyProvider,
)
from wellbeing.crypto import new_keyring as make_keyring
from wellbeing.screening.models import Draft
from wellbeing.sealing.columns import active_keyring, set_active_keyring
from wellbeing.sealing.follow import KeyringFollower
from wellbeing.sealing.holders import record_keyring_change
from wellbeing.sealing.live import (
    BEHIND,
    RELOAD_FAILED,
    LiveKeyring,
    keyring_fingerprint,
    start_live_keyring,
)
from wellbeing.sealing.models import KeyringHolder


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _rotated(ring: Keyring) -> Keyring:
    """`keys add` then `keys promote`: the same keyring with a new primary."""
    added = ring.with_added_key()
    return added.promote(added.ids[-1])


def _draft_sealed_with(ring: Keyring, answers: dict[str, int]) -> Draft:
    """A draft sealed by another process whose keyring is `ring` (no database needed)."""
    set_active_keyring(ring)
    draft = Draft(officer_id=7, form_key="f", instrument_id="phq9")
    draft.answers = answers
    return draft


def test_a_record_under_an_unknown_key_makes_the_keyring_reload_and_opens() -> None:
    old = make_keyring()
    provider = MemoryKeyProvider(old)
    live = LiveKeyring(provider, clock=Clock())
    new = _rotated(old)
    draft = _draft_sealed_with(new, {"q1": 2})  # another process already writes under the new key
    provider.save(new)
    set_active_keyring(live)
    assert live.current == old
    assert draft.answers == {"q1": 2}
    assert live.current == new
    assert active_keyring().primary_id == new.primary_id


def test_a_truly_missing_key_still_fails_and_reloads_at_most_once_a_second() -> None:
    clock = Clock()
    ring = make_keyring()
    provider = MemoryKeyProvider(ring)
    live = LiveKeyring(provider, clock=clock)
    draft = _draft_sealed_with(make_keyring(), {"q1": 1})  # a key nobody has
    set_active_keyring(live)
    with pytest.raises(KeyMissingError):
        _ = draft.answers
    provider.keyring = None  # a second reload would now fail and mark the process degraded
    with pytest.raises(KeyMissingError):
        _ = draft.answers
    assert live.problem == ""  # no second reload within the second
    clock.now += 1.5
    with pytest.raises(KeyMissingError):
        _ = draft.answers
    assert live.problem == RELOAD_FAILED
    assert live.current == ring


def test_the_follower_reloads_on_its_interval_and_reports_a_heartbeat(
    app: Flask, db_session: Session
) -> None:
    clock = Clock()
    old = make_keyring()
    provider = MemoryKeyProvider(old)
    live = LiveKeyring(provider)
    follower = KeyringFollower(live, app.extensions["wellbeing.db"], 30, "web", clock=clock)
    follower.check_if_due()
    new = _rotated(old)
    provider.save(new)
    clock.now += 29
    follower.check_if_due()
    assert live.current == old  # not yet due
    clock.now += 1
    follower.check_if_due()
    assert live.current == new
    beat = db_session.scalars(
        select(KeyringHolder).where(KeyringHolder.holder == follower.holder)
    ).one()
    assert (beat.role, beat.primary_kek_id, beat.version) == ("web", new.primary_id, None)
    assert beat.fingerprint == keyring_fingerprint(new)
    record_keyring_change(db_session, new, utcnow())  # what `keys promote` writes
    clock.now += 30
    follower.check_if_due()
    db_session.refresh(beat)
    assert beat.version == 1


def test_a_keyring_behind_the_database_is_reported(app: Flask, db_session: Session) -> None:
    ring = make_keyring()
    live = LiveKeyring(MemoryKeyProvider(ring))
    follower = KeyringFollower(live, app.extensions["wellbeing.db"], 30, "scheduler")
    record_keyring_change(db_session, _rotated(ring), utcnow())  # another host promoted a key
    follower.check()
    assert live.problem == BEHIND
    record_keyring_change(db_session, ring, utcnow())
    follower.check()
    assert live.problem == ""


def _followed_app(make_app: Any, keyring_file: Path) -> Flask:
    return make_app(
        keyring=None, keyring_provider=FileKeyProvider(keyring_file), keyring_reload_seconds=0
    )


def test_a_broken_keyring_keeps_the_last_good_one_and_readyz_says_degraded(
    make_app: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keyring_file = tmp_path / "keyring.json"
    provider = FileKeyProvider(keyring_file)
    good = make_keyring()
    provider.create(good)
    app = _followed_app(make_app, keyring_file)
    client = app.test_client()
    assert client.get("/readyz").get_json()["status"] == "ready"
    draft = _draft_sealed_with(good, {"q1": 3})
    keyring_file.write_text('{"version": 1, "primary": ', encoding="utf-8")  # a botched edit
    set_active_keyring(app.extensions["wellbeing.keyring_follower"].live)
    with caplog.at_level(logging.ERROR, logger="wellbeing.keys"):
        ready = client.get("/readyz")
    assert ready.status_code == 200  # still serving: a load balancer keeps the worker
    body = ready.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["keyring"] == "degraded"
    assert body["reasons"] == {"keyring": RELOAD_FAILED}
    assert set(body) == {"status", "checks", "reasons"}  # a reason code, never the error text
    assert any("last good keyring" in r.getMessage() for r in caplog.records)
    assert active_keyring() == good
    assert draft.answers == {"q1": 3}
    provider.save(good)
    body = client.get("/readyz").get_json()
    assert (body["status"], "reasons" in body) == ("ready", False)


def test_heartbeats_are_forgotten_after_a_day(app: Flask, db_session: Session) -> None:
    ring = make_keyring()
    database = app.extensions["wellbeing.db"]
    gone = KeyringFollower(LiveKeyring(MemoryKeyProvider(ring)), database, 30, "web")
    gone._wall_clock = lambda: utcnow() - timedelta(days=2)  # a process long stopped
    gone.check()
    KeyringFollower(LiveKeyring(MemoryKeyProvider(ring)), database, 30, "web").check()
    holders = db_session.scalars(select(KeyringHolder.holder)).all()
    assert gone.holder not in holders
    assert len(holders) == 1


def test_a_reload_for_a_missing_key_is_reported_at_once(app: Flask, db_session: Session) -> None:
    clock = Clock()
    old = make_keyring()
    provider = MemoryKeyProvider(old)
    live = LiveKeyring(provider, clock=clock)
    follower = KeyringFollower(live, app.extensions["wellbeing.db"], 3600, "web", clock=clock)
    follower.check_if_due()
    new = _rotated(old)
    provider.save(new)
    assert live.reload_for_missing(new.primary_id) == new  # a record under the new key was read
    follower.check_if_due()  # the interval is an hour, yet `keys retire` learns of it now
    beat = db_session.get(KeyringHolder, follower.holder)
    assert beat is not None
    assert beat.primary_kek_id == new.primary_id


def test_a_forked_worker_starts_with_its_parents_keyring_when_the_file_is_broken(
    tmp_path: Path,
) -> None:
    keyring_file = tmp_path / "keyring.json"
    provider = FileKeyProvider(keyring_file)
    good = make_keyring()
    provider.create(good)
    parent = LiveKeyring(provider)
    keyring_file.write_text("{}", encoding="utf-8")
    with pytest.raises(KeyringError):  # in the process that loaded it: start-up stops
        start_live_keyring(provider, parent)
    with pytest.raises(KeyringError):  # and with nothing to inherit
        start_live_keyring(provider, None)
    parent.pid = -1  # as a gunicorn worker sees the master's keyring after the fork
    child = start_live_keyring(provider, parent)
    assert (child.current, child.problem) == (good, RELOAD_FAILED)
    provider.save(good)
    child.reload()
    assert child.problem == ""
