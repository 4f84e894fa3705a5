"""The starter articles shipped with the service (`starter/*.yaml`), loaded idempotently: an
article whose slug is already in the library is left as the station has it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.library.models import Article
from wellbeing.library.service import create_article, parse_article

STARTER_DIR = Path(__file__).with_name("starter")


def starter_files(folder: Path = STARTER_DIR) -> list[Path]:
    """The starter article files, in name order."""
    return sorted(folder.glob("*.yaml"))


def load_starter_articles(session: Session, folder: Path = STARTER_DIR) -> int:
    """Add the starter articles that are not there yet (published); how many were added."""
    known = set(session.scalars(select(Article.slug).where(Article.slug.is_not(None))))
    added = 0
    for path in starter_files(folder):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        slug = str(data["slug"])
        if slug in known:
            continue
        create_article(session, None, parse_article({**data, "published": True}), slug=slug)
        known.add(slug)
        added += 1
    return added
