"""Reads are counted per article, unit and month, with no reader's identity, correctly under
concurrency (an upsert), and the counters can be queried for the activity report."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from wellbeing.core import clock
from wellbeing.library import service
from wellbeing.library.models import Article, ArticleReadCount
from wellbeing.org import service as org_service
from wellbeing.org.models import User


def test_the_counter_table_has_no_column_that_could_name_a_reader(engine: Engine) -> None:
    columns = {column["name"] for column in inspect(engine).get_columns("library_read_counts")}
    assert columns == {"id", "article_id", "unit_id", "month", "n"}


def test_officers_reads_are_counted_per_unit_and_month_and_staff_previews_are_not(
    client: Any, db_session: Any, people: Any, bearer: Any, login: Any, make_article: Any
) -> None:
    article = make_article()
    reader, other = bearer("reader"), bearer("reader2")
    for _ in range(3):
        assert client.get(f"/api/v1/articles/{article.id}", headers=reader).status_code == 200
    client.get(f"/api/v1/articles/{article.id}", headers=other)
    client.get(f"/api/v1/articles/{article.id}", headers=bearer("writer"))  # not an officer
    client.get(f"/api/v1/articles/{article.id}", headers=bearer("boss"))
    login(client, "reader")
    assert client.get(f"/library/{article.id}").status_code == 200  # the page counts too
    month = clock.utcnow().strftime("%Y-%m")
    counts = {(c.unit_code, c.month): c.n for c in service.read_counts(db_session)}
    assert counts == {("ST1-T1", month): 4, ("ST2-T1", month): 1}


def test_drafts_are_not_counted(db_session: Any, people: Any, make_article: Any) -> None:
    draft = make_article(published=False)
    service.count_read(db_session, draft, people["officer"])
    assert service.read_counts(db_session) == []


def test_counts_are_queryable_by_month_range_and_unit(
    db_session: Any, people: Any, make_article: Any, frozen_clock: Any
) -> None:
    article = make_article("sleep")
    frozen_clock.now = datetime(2026, 10, 30, 12, tzinfo=UTC)
    service.count_read(db_session, article, people["officer"])
    frozen_clock.now = datetime(2026, 11, 2, 12, tzinfo=UTC)
    service.count_read(db_session, article, people["officer"])
    service.count_read(db_session, article, people["officer2"])
    november = service.read_counts(db_session, months=("2026-11", "2026-11"))
    assert sorted((c.unit_code, c.n, c.category) for c in november) == [
        ("ST1-T1", 1, "sleep"),
        ("ST2-T1", 1, "sleep"),
    ]
    st1 = service.read_counts(db_session, unit_ids=[people["officer"].unit_id])
    assert [(c.month, c.n) for c in st1] == [("2026-10", 1), ("2026-11", 1)]


def test_twenty_simultaneous_reads_count_twenty(app: Any, scratch_engine: Engine) -> None:
    with Session(scratch_engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        officer = org_service.add_user(
            session, "o1", unit_code="S", grants=[org_service.parse_grant("officer")]
        )
        data = service.parse_article(
            {"title": {"zh-CN": "标题", "en": "Title"}, "body": {"zh-CN": "正文", "en": "Text"},
             "category": "sleep", "published": True}
        )  # fmt: skip
        article_id, officer_id = service.create_article(session, None, data).id, officer.id
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def read() -> None:
        barrier.wait()
        try:
            with Session(scratch_engine) as session, session.begin():
                reader = session.get(User, officer_id)
                found = session.get(Article, article_id)
                assert reader is not None
                assert found is not None
                service.count_read(session, found, reader)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(scratch_engine) as session:
        rows = session.scalars(select(ArticleReadCount)).all()
        assert [(row.article_id, row.n) for row in rows] == [(article_id, 20)]
