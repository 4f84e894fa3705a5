"""Shared fixtures: one schema per test session (built by the migrations), each test inside a
transaction that is rolled back, and small factories for units and users.

WELLBEING_TEST_DATABASE_URL selects PostgreSQL; otherwise a temporary SQLite file is used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.auth import passwords
from wellbeing.core import clock
from wellbeing.core.db import make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import new_keyring
from wellbeing.org import service as org_service
from wellbeing.org.models import Role, User
from wellbeing.referrals import service as referral_service
from wellbeing.referrals.models import Referral
from wellbeing.rules import Priority

TEST_PASSWORD = "insecure-test-password"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
TEST_SECRET = "insecure-test-secret-key-0123456789"


def reset_database(engine: Engine) -> None:
    """Start PostgreSQL from an empty schema so the migrations build everything."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database: PostgreSQL when configured, else a fresh SQLite file.

    Under pytest-xdist each worker gets a database of its own beside the configured one
    (`test_gw0`, `test_gw1`, …), dropped at the end.
    """
    configured = os.environ.get("WELLBEING_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not configured:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif not worker:
        yield configured
    else:
        base, name = configured.rsplit("/", 1)
        own = f"{name}_{worker}"
        admin = make_engine(configured).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{own}"'))
        try:
            yield f"{base}/{own}"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The session-wide engine, schema built once by running the migrations."""
    built = make_engine(database_url)
    reset_database(built)
    upgrade_to_head(built)
    yield built
    built.dispose()


@pytest.fixture(scope="session")
def app_config(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The settings every test app starts from."""
    return {
        "testing": True,
        "secret_key": TEST_SECRET,
        "engine": engine,
        "cookie_secure": False,  # the test client speaks plain HTTP
        "require_mfa": False,  # MFA tests build their own app: make_app(require_mfa=True)
        "instance_path": str(tmp_path_factory.mktemp("instance")),
        "keyring": new_keyring(),
    }


@pytest.fixture(scope="session")
def app(app_config: dict[str, Any]) -> Flask:
    """The app under test."""
    return create_app(app_config)


@pytest.fixture
def make_app(app_config: dict[str, Any], db_session: Session) -> Callable[..., Flask]:
    """Build another app with some settings changed, joined to the test's transaction."""

    def build(**overrides: Any) -> Flask:
        built = create_app({**app_config, **overrides})
        _join(built, db_session.get_bind())  # type: ignore[arg-type]
        return built

    return build


def _join(flask_app: Flask, connection: Any) -> None:
    flask_app.extensions["wellbeing.db"].session_factory.configure(
        bind=connection, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def db_session(app: Flask, engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; the app joins it."""
    connection = engine.connect()
    outer = connection.begin()
    factory = app.extensions["wellbeing.db"].session_factory
    unjoined = dict(factory.kw)  # restored afterwards: the app's own bind and join mode
    _join(app, connection)
    session = factory()
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
        factory.kw.clear()
        factory.kw.update(unjoined)


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    """A test client whose requests run inside the test's transaction."""
    return app.test_client()


@pytest.fixture
def org(db_session: Session) -> dict[str, Any]:
    """A small tree: BUR → ST1 → ST1-T1, ST1-T2; BUR → ST2 → ST2-T1."""
    units = {}
    for code, parent in [
        ("BUR", None),
        ("ST1", "BUR"),
        ("ST1-T1", "ST1"),
        ("ST1-T2", "ST1"),
        ("ST2", "BUR"),
        ("ST2-T1", "ST2"),
    ]:
        units[code] = org_service.add_unit(db_session, code, f"单位{code}", f"Unit {code}", parent)
    db_session.flush()
    return units


@pytest.fixture
def make_user(db_session: Session, org: dict[str, Any]) -> Callable[..., User]:
    """Create a user: make_user(role="leader", unit="ST1", scope="ST1", locale="en")."""
    counter = iter(range(1, 10_000))

    def build(
        role: str = "officer",
        unit: str = "ST1-T1",
        scope: str | None = None,
        *,
        username: str | None = None,
        password: str = TEST_PASSWORD,
        locale: str = "zh_CN",
        extra_roles: tuple[str, ...] = (),
    ) -> User:
        if Role(role).needs_scope and scope is None:
            scope = unit
        specs = [f"{role}:{scope}" if scope else role, *extra_roles]
        grants = [org_service.parse_grant(spec) for spec in specs]
        user = org_service.add_user(
            db_session,
            username or f"{role}{next(counter)}",
            unit_code=unit,
            grants=grants,
            password=password,
            locale=locale,
            display_name=f"Test {role}",
        )
        db_session.flush()
        return user

    return build


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client: FlaskClient, path: str = "/login") -> str:
    """Fetch a page and return its CSRF token."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def login() -> Callable[..., Any]:
    """Sign a test client in through the real login form."""

    def sign_in(client: FlaskClient, username: str, password: str = TEST_PASSWORD) -> Any:
        token = csrf_from(client)
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    return sign_in


@pytest.fixture
def csrf() -> Callable[[FlaskClient, str], str]:
    """csrf(client, path): the CSRF token from a page."""
    return csrf_from


class ControlledClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


@pytest.fixture
def frozen_clock() -> Iterator[ControlledClock]:
    """Replace the service's clock for one test."""
    controlled = ControlledClock()
    clock.set_clock(lambda: controlled.now)
    yield controlled
    clock.set_clock(None)


@pytest.fixture
def repo_root() -> Path:
    """The repository's top folder."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def scratch_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A separate, migrated database whose rows really commit (concurrency tests); dropped after.

    On PostgreSQL a fresh database beside the test one; otherwise a SQLite file.
    """
    if not database_url.startswith("postgresql"):
        built = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        upgrade_to_head(built)
        yield built
        built.dispose()
        return
    name = f"wb_scratch_{os.getpid()}_{id(tmp_path) % 100000}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    built = make_engine(database_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade_to_head(built)
        yield built
    finally:
        built.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    """argon2id at its cheapest inside this process (t=1, m=8 KiB: ~0.1 ms against ~25 ms), as
    Django's testing guide advises for its hashers: thousands of test users and sign-ins would
    otherwise spend minutes of CPU on a cost that is there to slow attackers. The production
    parameters are asserted in tests/auth/test_passwords.py, marked `real_password_cost`; served
    processes (faults, browser tests, fuzzing, CLI subprocesses) keep them."""
    if request.node.get_closest_marker("real_password_cost"):
        yield
        return
    real = passwords._hasher
    passwords._hasher = CHEAP_HASHER
    yield
    passwords._hasher = real


@pytest.fixture(autouse=True)
def _keep_process_keyring() -> Iterator[None]:
    """Tests that swap or clear the process keyring get the previous one back afterwards."""
    from wellbeing.sealing import columns as sealed

    previous = sealed._active_keyring
    yield
    sealed.set_active_keyring(previous)


@pytest.fixture
def submit_phq9(app: Any, db_session: Any) -> Callable[..., Any]:
    """submit_phq9(officer, [q1..q9]) through the real pipeline (consent given first)."""
    import uuid

    from wellbeing.screening import service as screening
    from wellbeing.screening.consent import current_consent, give_consent

    def run(officer: User, values: list[int]) -> Any:
        if current_consent(db_session, officer) is None:
            give_consent(db_session, officer)
        outcome = screening.submit(
            db_session,
            app.extensions["wellbeing.policy"],
            officer,
            instrument_id="phq9",
            answers={f"q{i}": v for i, v in enumerate(values, start=1)},
            idempotency_key=uuid.uuid4().hex,
        )
        db_session.flush()
        return outcome

    return run


@pytest.fixture
def bearer(client: Any) -> Callable[[str], dict[str, str]]:
    """bearer(username) → the Authorization header of a fresh API token."""

    def issue(username: str) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": "insecure-test-password"},
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return issue


@pytest.fixture
def refer(db_session: Session) -> Callable[..., Referral]:
    """refer(officer, priority="routine") → a referral opened through the referral service
    (default deadlines; tests/referrals has its own with the deadlines it tests)."""

    def build(officer: User, priority: str = "routine") -> Referral:
        return referral_service.open_or_join(
            db_session,
            officer,
            priority=Priority(priority),
            reasons=[referral_service.Reason("rule", "原因", "reason")],
            crisis=False,
            deadlines=referral_service.Deadlines(),
        )

    return build


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that reach the test database.

    CI runs the suite on SQLite and again on PostgreSQL. A test that never asks for the
    `database_url` fixture (directly or through `engine`, `db_session`, `client`, …) cannot
    behave differently on the second run: scoring, disclosure algorithms, parsers and tests
    that build their own SQLite file ran on the first. They are deselected (and counted as
    such in pytest's summary), which keeps CI inside its time budget.
    """
    if not os.environ.get("WELLBEING_TEST_DATABASE_URL"):
        return
    keep, drop = [], []
    for item in items:
        (keep if "database_url" in getattr(item, "fixturenames", ()) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
