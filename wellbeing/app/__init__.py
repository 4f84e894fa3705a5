"""The application factory: a short, ordered list of init steps. Beside it, the two modules that
know every domain: `jobs.py` (every scheduled job) and `schema.py` (every model, for Alembic)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from wellbeing.core.config import ConfigError, Settings, load_settings, require_secret_key
from wellbeing.core.db import Database, make_engine
from wellbeing.crypto import KeyProvider, Keyring, KeyringError, select_provider
from wellbeing.instruments import CatalogueError
from wellbeing.oncall.policy import policy_from as oncall_policy_from
from wellbeing.rules import RuleSetError
from wellbeing.screening.policy import load_policy
from wellbeing.sealing.columns import live_keyring, set_active_keyring
from wellbeing.sealing.follow import KeyringFollower
from wellbeing.sealing.live import LiveKeyring, start_live_keyring

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # templates and static files live in web/


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment plus `config` overrides (lower-case names).

    Tests may pass `engine` (an existing SQLAlchemy engine) to share one schema and `keyring`
    (a Keyring, kept fixed) or `keyring_provider` (followed like the file) instead of the file.
    """
    overrides = dict(config or {})
    engine = overrides.pop("engine", None)
    keyring = overrides.pop("keyring", None)
    provider = overrides.pop("keyring_provider", None)
    settings = load_settings(overrides)
    require_secret_key(settings)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        root_path=str(PACKAGE_ROOT),
        template_folder="web/templates",
        static_folder="web/static",
    )
    init_settings(app, settings)
    init_database(app, settings, engine)
    init_keyring_follower(app, settings, init_crypto(settings, keyring, provider))
    init_instruments(app, settings)
    init_web(app)
    return app


def init_settings(app: Flask, settings: Settings) -> None:
    """Put the settings object and Flask's own keys on the app."""
    app.extensions["wellbeing.settings"] = settings
    app.extensions["wellbeing.oncall"] = oncall_policy_from(settings)  # bad office hours: stop
    app.config.update(
        SECRET_KEY=settings.secret_key or "insecure-test-only-secret",
        TESTING=settings.testing,
        SESSION_COOKIE_NAME="wellbeing_session",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_absolute_hours),
        WTF_CSRF_TIME_LIMIT=None,  # the session's own lifetime bounds the token
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )


def init_database(app: Flask, settings: Settings, engine: Any = None) -> None:
    """Create the engine (or adopt the one given) and the session factory."""
    database = Database.for_engine(
        engine or make_engine(settings.effective_database_url),
        guard="raise" if settings.testing else "log",  # a GET that writes undeclared: tests fail
    )
    database.defer_reads = not settings.bench_immediate_reads
    app.extensions["wellbeing.db"] = database


def init_crypto(
    settings: Settings, keyring: Keyring | None = None, provider: KeyProvider | None = None
) -> LiveKeyring | None:
    """Load the keyring (file or WELLBEING_KEYRING) to be followed as it changes; without one
    the service does not start. A given `keyring` stays fixed (tests): None is returned."""
    if keyring is not None:
        set_active_keyring(keyring)
        return None
    try:
        provider = provider or select_provider(settings.effective_keyring_path)
        live = start_live_keyring(provider, live_keyring())  # inherited from the master
    except KeyringError as exc:
        raise ConfigError(str(exc)) from exc
    set_active_keyring(live)
    return live


def init_keyring_follower(app: Flask, settings: Settings, live: LiveKeyring | None) -> None:
    """Before a request, when the interval has passed, re-read the keyring and report it."""
    if live is None:
        return
    database = app.extensions["wellbeing.db"]
    follower = KeyringFollower(live, database, settings.keyring_reload_seconds, "web")
    app.extensions["wellbeing.keyring_follower"] = follower
    app.before_request(follower.check_if_due)


def init_instruments(app: Flask, settings: Settings) -> None:
    """Load and validate every questionnaire and rule file (a bad file stops start-up)."""
    try:
        policy = load_policy(settings)
    except (CatalogueError, RuleSetError) as exc:
        raise ConfigError(str(exc)) from exc
    app.extensions["wellbeing.catalogue"] = policy.catalogue
    app.extensions["wellbeing.policy"] = policy


def init_web(app: Flask) -> None:
    """Security, i18n, error pages, the web blueprints and the API."""
    from wellbeing.api import init_api
    from wellbeing.web import init_web_layer

    init_web_layer(app)
    init_api(app)
