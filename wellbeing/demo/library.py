"""The library's demo data: the starter articles, published (idempotent by slug)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from wellbeing.library.starter import load_starter_articles


def create_demo_library(session: Session, _now: datetime) -> bool:
    """Load the starter articles that are not there yet; True when any was added."""
    return load_starter_articles(session) > 0
