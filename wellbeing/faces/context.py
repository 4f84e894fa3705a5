"""Per-request helpers shared by the web pages and the API: settings, database session, user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from wellbeing.auth import service as auth_service
from wellbeing.auth.throttle import name_key_from
from wellbeing.core.config import Settings
from wellbeing.core.db import Database
from wellbeing.instruments import Catalogue
from wellbeing.org.models import User
from wellbeing.referrals.review import ReviewPolicy, review_policy_from
from wellbeing.screening.policy import ScreeningPolicy

F = TypeVar("F", bound=Callable[..., object])
WRITES_ATTRIBUTE = "__writes_on_read__"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def settings() -> Settings:
    """The app's settings."""
    value: Settings = current_app.extensions["wellbeing.settings"]
    return value


def catalogue() -> Catalogue:
    """The loaded questionnaire definitions."""
    value: Catalogue = current_app.extensions["wellbeing.catalogue"]
    return value


def screening_policy() -> ScreeningPolicy:
    """Instruments, rules and deadlines in force."""
    value: ScreeningPolicy = current_app.extensions["wellbeing.policy"]
    return value


def review_policy() -> ReviewPolicy:
    """Which closed cases land in the supervisors' review list (shares and seed from settings)."""
    current = settings()
    return review_policy_from(
        current.review_seed,
        current.secret_key,
        current.review_share_urgent,
        current.review_share_other,
    )


def database() -> Database:
    """The app's database."""
    value: Database = current_app.extensions["wellbeing.db"]
    return value


def db() -> Session:
    """The request's database session, opened on first use and closed at teardown. A GET, HEAD
    or OPTIONS request's session only reads (on SQLite without the write lock) unless its view
    is marked `writes`."""
    if "db_session" not in g:
        g.db_session = database().request_session(reads_only=_reads_only())
    session: Session = g.db_session
    return session


def writes(view: F) -> F:
    """Mark a view that writes even on GET (an audit entry for what was shown, a read mark):
    its transactions begin IMMEDIATE on SQLite like any POST's, so it never meets "database is
    locked" after reading."""
    setattr(view, WRITES_ATTRIBUTE, True)
    return view


def _reads_only() -> bool:
    if not has_request_context() or request.method not in READ_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, WRITES_ATTRIBUTE, False)


def current_user() -> User | None:
    """The signed-in user of this request, if any."""
    user: User | None = g.get("user")
    return user


def client_address() -> str:
    """The client's address; proxies' X-Forwarded-For is honoured only via ProxyFix when set."""
    return request.remote_addr or "unknown"


def is_api_request() -> bool:
    """Whether this request is for the JSON API."""
    return request.path.startswith("/api/")


def init_request_session(app: Flask) -> None:
    """Close (and roll back anything uncommitted in) the request's session at teardown."""

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def session_policy() -> auth_service.SessionPolicy:
    """Idle and absolute session lifetimes from the settings."""
    current = settings()
    return auth_service.SessionPolicy(
        idle=timedelta(minutes=current.session_idle_minutes),
        absolute=timedelta(hours=current.session_absolute_hours),
    )


def throttle_policy() -> auth_service.ThrottlePolicy:
    """Sign-in throttling limits from the settings."""
    current = settings()
    return auth_service.ThrottlePolicy(
        window=timedelta(minutes=current.throttle_window_minutes),
        account_failures=current.throttle_account_failures,
        address_failures=current.throttle_address_failures,
        name_key=name_key_from(str(current_app.config["SECRET_KEY"])),  # issue 21.5
    )
