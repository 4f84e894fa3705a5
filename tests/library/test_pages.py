"""The library's pages: the shelf by category, an article in zh-CN and en, drafts hidden from
readers, and the writers' editor (a refused form is 422 with nothing saved)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests.conftest import csrf_from
from wellbeing.library.models import Article


def test_the_shelf_groups_published_articles_by_category(
    client: Any, people: Any, login: Any, make_article: Any
) -> None:
    sleep, stress = make_article("sleep"), make_article("stress")
    draft = make_article("grief", published=False)
    login(client, "reader")
    page = client.get("/library").get_data(as_text=True)
    assert 'data-category="sleep"' in page
    assert sleep.id in page
    assert stress.id in page
    assert draft.id not in page
    assert 'id="new-article"' not in page
    narrowed = client.get("/library?category=sleep").get_data(as_text=True)
    assert sleep.id in narrowed
    assert stress.id not in narrowed
    assert client.get("/library?category=astrology").status_code == 404
    assert 'id="library-nav-link"' in client.get("/").get_data(as_text=True)


def test_an_article_reads_in_the_users_language_and_drafts_are_404(
    client: Any, people: Any, login: Any, make_article: Any
) -> None:
    article = make_article(zh="## 小标题\n\n中文正文", en="English text")
    draft = make_article(published=False)
    login(client, "reader")
    page = client.get(f"/library/{article.id}").get_data(as_text=True)
    assert "<h2>小标题</h2>" in page
    assert "标题 stress" in page
    assert client.get(f"/library/{draft.id}").status_code == 404
    client.post("/lang", data={"lang": "en", "csrf_token": csrf_from(client, "/library")})
    english = client.get(f"/library/{article.id}").get_data(as_text=True)
    assert "English text" in english
    assert "Title stress" in english


def test_a_writer_drafts_then_publishes_an_article(
    client: Any, db_session: Any, people: Any, login: Any
) -> None:
    login(client, "writer")
    form = {
        "csrf_token": csrf_from(client, "/library/new"),
        "category": "sleep",
        "title_zh": "新文章",
        "title_en": "New article",
        "body_zh": "正文<script>alert(1)</script>",
        "body_en": "Text",
    }
    response = client.post("/library/new", data=form)
    assert response.status_code == 302
    article = db_session.scalars(select(Article)).one()
    assert not article.published
    assert "<script" not in article.html_zh
    assert "&lt;script&gt;" in article.html_zh
    edited = client.post(f"/library/{article.id}/edit", data={**form, "published": "yes"})
    assert edited.status_code == 302
    db_session.refresh(article)
    assert article.published
    assert article.published_at is not None


def test_a_refused_form_comes_back_as_entered_and_saves_nothing(
    client: Any, db_session: Any, people: Any, login: Any
) -> None:
    login(client, "writer")
    form = {
        "csrf_token": csrf_from(client, "/library/new"),
        "category": "sleep",
        "title_zh": "只有中文",
        "title_en": "",
        "body_zh": "正文",
        "body_en": "Text",
    }
    response = client.post("/library/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="form-problem"' in page
    assert "只有中文" in page
    assert db_session.scalar(select(func.count()).select_from(Article)) == 0
