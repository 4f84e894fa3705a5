"""The starter articles: 10–15, both languages, a source in every footer, safe HTML, loaded
once however often the demo runs."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import func, select

from wellbeing.demo.library import create_demo_library
from wellbeing.library.categories import CATEGORIES
from wellbeing.library.models import Article
from wellbeing.library.starter import load_starter_articles, starter_files


def test_there_are_ten_to_fifteen_starter_articles_with_sources() -> None:
    files = starter_files()
    assert 10 <= len(files) <= 15
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["category"] in CATEGORIES, path.name
        for lang, word in (("zh-CN", "来源"), ("en", "Sources")):
            assert data["title"][lang], (path.name, lang)
            assert data["summary"][lang], (path.name, lang)
            footer = data["body"][lang].rsplit("---", 1)[-1]
            assert word in footer
            assert "WHO" in footer or "世界卫生组织" in footer or "NHS" in footer


def test_loading_is_idempotent_and_publishes_them(db_session: Any, frozen_clock: Any) -> None:
    assert create_demo_library(db_session, frozen_clock.now) is True
    assert create_demo_library(db_session, frozen_clock.now) is False
    assert load_starter_articles(db_session) == 0
    articles = db_session.scalars(select(Article)).all()
    assert len(articles) == len(starter_files())
    assert all(a.published and a.slug for a in articles)
    assert all("<script" not in a.html_zh and "<h2>" in a.html_en for a in articles)
    categories = {a.category for a in articles}
    assert {"sleep", "stress", "alcohol", "trauma", "family"} <= categories
    assert db_session.scalar(select(func.count()).select_from(Article)) == len(articles)
