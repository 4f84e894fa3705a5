"""Attendees' feedback: the questionnaire passes the instrument checks; only attendees answer,
once each; answers become counts with no user id; the summary hides small counts as screening
reports do; the API's shapes and who may call it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, select

from wellbeing.groups import feedback, service
from wellbeing.groups.errors import FeedbackClosed, GroupError
from wellbeing.groups.models import GroupFeedbackCount
from wellbeing.instruments import load_definition


def test_the_questionnaire_passes_the_instrument_checks() -> None:
    definition = load_definition(feedback.FEEDBACK_FILE)
    assert definition.id == "group_feedback"
    assert [item.id for item in definition.items] == ["q1", "q2", "q3"]
    assert all(item.values == (1, 2, 3, 4, 5) for item in definition.items)


def test_the_counts_table_has_no_user_column(engine: Any) -> None:
    columns = {column["name"] for column in inspect(engine).get_columns("group_feedback_counts")}
    assert columns == {"id", "session_id", "item", "value", "count"}


def _attended(db_session: Any, make_group: Any, make_user: Any, staff: Any, count: int) -> Any:
    group = make_group(capacity=count)
    people = [make_user("officer") for _ in range(count)]
    for person in people:
        service.sign_up(db_session, group, person)
    service.record_attendance(db_session, group, staff["c1"], [p.username for p in people])
    return group, people


def test_attendees_answer_once_and_others_not_at_all(
    db_session: Any, make_group: Any, make_user: Any, staff: Any
) -> None:
    group, [person] = _attended(db_session, make_group, make_user, staff, 1)
    assert feedback.may_give_feedback(db_session, group, person)
    feedback.give_feedback(db_session, group, person, {"q1": 5, "q2": 4, "q3": 5})
    assert not feedback.may_give_feedback(db_session, group, person)
    with pytest.raises(FeedbackClosed):
        feedback.give_feedback(db_session, group, person, {"q1": 5, "q2": 4, "q3": 5})
    with pytest.raises(FeedbackClosed):
        feedback.give_feedback(db_session, group, make_user("officer"), {"q1": 1, "q2": 1, "q3": 1})
    rows = db_session.scalars(select(GroupFeedbackCount).order_by(GroupFeedbackCount.item)).all()
    assert [(r.item, r.value, r.count) for r in rows] == [("q1", 5, 1), ("q2", 4, 1), ("q3", 5, 1)]


@pytest.mark.parametrize(
    "answers",
    [{"q1": 5, "q2": 4}, {"q1": 5, "q2": 4, "q3": 6}, {"q1": True, "q2": 4, "q3": 5},
     {"q1": 5, "q2": 4, "q3": 5, "q4": 1}, {"q1": "5", "q2": 4, "q3": 5}],
)  # fmt: skip
def test_bad_answers_are_refused_and_nothing_counted(
    db_session: Any, make_group: Any, make_user: Any, staff: Any, answers: Any
) -> None:
    group, [person] = _attended(db_session, make_group, make_user, staff, 1)
    with pytest.raises(GroupError) as refused:
        feedback.give_feedback(db_session, group, person, answers)
    assert refused.value.field == "answers"
    assert db_session.scalars(select(GroupFeedbackCount)).all() == []
    assert feedback.may_give_feedback(db_session, group, person)


def test_the_summary_hides_small_counts(
    db_session: Any, make_group: Any, make_user: Any, staff: Any
) -> None:
    group, people = _attended(db_session, make_group, make_user, staff, 6)
    for index, person in enumerate(people):
        # q1: everyone 5 (one answer only: hidden); q2: five 4s and one 2; q3: three 4, three 5
        answers = {"q1": 5, "q2": 2 if index == 0 else 4, "q3": 4 if index < 3 else 5}
        feedback.give_feedback(db_session, group, person, answers)
    summary = feedback.feedback_summary(db_session, group, k=5)
    assert summary.n.value == 6
    by_item = {item.item: dict(item.options) for item in summary.items}
    assert all(cell.hidden for cell in by_item["q1"].values())  # one answer would tell everyone's
    assert by_item["q2"][2].hidden  # a single person
    assert by_item["q2"][4].hidden  # else 6 - 1 would give it away
    assert by_item["q3"][4].hidden
    assert by_item["q3"][5].hidden
    assert by_item["q2"][1].value is None or by_item["q2"][1].value == 0
    few = feedback.feedback_summary(db_session, group, k=10)
    assert few.n.hidden


def test_feedback_api(
    client: Any, db_session: Any, make_group: Any, make_user: Any, staff: Any, bearer: Any
) -> None:
    group = make_group()
    make_user("officer", username="o1")
    make_user("officer", username="o2")
    for who in ("o1", "o2"):
        client.post(f"/api/v1/groups/{group.id}/signup", headers=bearer(who))
    client.post(
        f"/api/v1/groups/{group.id}/attendance", json={"present": ["o1"]}, headers=bearer("c1")
    )
    url = f"/api/v1/groups/{group.id}/feedback"
    answers = {"answers": {"q1": 4, "q2": 5, "q3": 4}}
    bad = client.post(url, json={"answers": {"q1": 9}}, headers=bearer("o1"))
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "answers"
    assert client.post(url, json=answers, headers=bearer("o1")).status_code == 201
    assert client.post(url, json=answers, headers=bearer("o1")).status_code == 409
    assert client.post(url, json=answers, headers=bearer("o2")).status_code == 409  # absent
    for who in ("c1", "sup", "adm"):
        body = client.get(url, headers=bearer(who)).get_json()
        assert body["n"] == {"value": None, "suppressed": True}
        assert [item["item"] for item in body["items"]] == ["q1", "q2", "q3"]
        assert body["items"][0]["options"][0] == {"option": 1, "value": None, "suppressed": True}
    assert client.get(url, headers=bearer("other")).status_code == 404
    assert client.get(url, headers=bearer("lead")).status_code == 403
    assert client.get(url, headers=bearer("o1")).status_code == 403
