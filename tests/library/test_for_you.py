""" "For you": categories chosen by the band of the officer's own latest results, computed on
their request and never stored; result pages link into the library instead of fixed tips."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.app.schema import Base
from wellbeing.library.categories import GENERAL, categories_for


@pytest.mark.parametrize(
    ("latest", "first"),
    [
        ([("gad7", "mild")], "stress"),
        ([("gad7", "minimal")], GENERAL[0]),
        ([("audit", "hazardous")], "alcohol"),
        ([("isi", "moderate")], "sleep"),
        ([("pcl5", "probable_ptsd")], "trauma"),
        ([("phq9", "moderate"), ("gad7", "mild")], "mood"),
        ([], GENERAL[0]),
        ([("phq9", None)], GENERAL[0]),
    ],
)
def test_categories_follow_the_band(latest: list[tuple[str, str | None]], first: str) -> None:
    assert categories_for(latest)[0] == first


def _rows(db_session: Any) -> dict[str, int]:
    return {
        name: db_session.scalar(select(func.count()).select_from(table))
        for name, table in Base.metadata.tables.items()
    }


def _for_you_ids(page: str) -> list[str]:
    block = page.split('id="for-you"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'data-article="([0-9a-f]{32})"', block)


def test_a_mild_gad7_brings_the_stress_articles_home_and_stores_nothing(
    client: Any, db_session: Any, people: Any, login: Any, make_article: Any, submit: Any
) -> None:
    stress, sleep = make_article("stress"), make_article("sleep")
    make_article("stress", published=False)  # a draft is never offered
    officer = people["officer"]
    submit(officer, "gad7", [1, 1, 1, 1, 1, 1, 0])  # 6: mild
    login(client, "reader")
    before = _rows(db_session)
    page = client.get("/").get_data(as_text=True)
    assert _for_you_ids(page) == [stress.id]
    assert _rows(db_session) == before  # nothing new stored for the officer
    submit(officer, "gad7", [0] * 7)  # the latest result is minimal now: general reading
    page = client.get("/").get_data(as_text=True)
    assert _for_you_ids(page) == [sleep.id]


def test_the_result_page_links_into_the_library_and_keeps_the_station(
    client: Any, db_session: Any, people: Any, login: Any, make_article: Any, submit: Any
) -> None:
    worry = make_article("worry")
    outcome = submit(people["officer"], "gad7", [2, 2, 2, 1, 1, 1, 1])  # 10: moderate
    login(client, "reader")
    page = client.get(f"/results/{outcome.submission.id}").get_data(as_text=True)
    links = page.split('id="self-help"', 1)[1].split("</section>", 1)[0]
    assert f"/library/{worry.id}" in links
    assert 'id="link-library"' in links
    assert 'id="station"' in page  # the station's contact block is still there
