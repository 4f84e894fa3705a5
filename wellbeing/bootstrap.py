"""`wellbeing init`: everything a fresh instance needs, safe to run again."""

from __future__ import annotations

from wellbeing.config import Settings, load_settings
from wellbeing.db import make_engine
from wellbeing.instance import ensure_instance
from wellbeing.migrate import upgrade_to_head


def initialise(settings: Settings) -> list[str]:
    """Create the instance folder and secret key if absent, then migrate to head."""
    report = ensure_instance(settings)
    settings = load_settings()  # re-read: the secret key may have just been written
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    report.append("database at the newest schema")
    return report
