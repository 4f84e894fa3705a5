"""`wellbeing init`: everything a fresh instance needs, safe to run again."""

from __future__ import annotations

import os

from wellbeing.core.config import Settings, load_settings
from wellbeing.core.db import make_engine
from wellbeing.core.instance import ensure_instance
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import FileKeyProvider, new_keyring
from wellbeing.crypto.providers import ENV_VAR


def ensure_keyring(settings: Settings) -> list[str]:
    """Create the keyring file (mode 0600) unless one exists or WELLBEING_KEYRING supplies it."""
    if os.environ.get(ENV_VAR, "").strip():
        return []
    provider = FileKeyProvider(settings.effective_keyring_path)
    if provider.exists():
        return []
    provider.create(new_keyring())
    return [f"keyring {settings.effective_keyring_path} (keep a copy apart from database backups)"]


def initialise(settings: Settings) -> list[str]:
    """Create the instance folder and secret key if absent, then migrate to head."""
    report = ensure_instance(settings)
    report += ensure_keyring(settings)
    settings = load_settings()  # re-read: the secret key may have just been written
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    if settings.sqlite_path.exists() and not settings.database_url:
        settings.sqlite_path.chmod(0o600)  # SQLite gives its -wal/-shm files the same mode
    report.append("database at the newest schema")
    return report
