"""The roster API: GET and PUT round trip, validation (422 naming the field, nothing written),
audit, 403 for every role but supervisor, 404 outside the supervisor's scope."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry
from wellbeing.oncall.models import RosterChange, RosterEntry

START, END = "2026-12-12T22:00:00+08:00", "2026-12-13T08:00:00+08:00"


def entry(**changed: Any) -> dict[str, Any]:
    """A weekly entry, with fields changed."""
    return {"username": "c1", "weekday": 5, "from": "22:00", "to": "08:00", **changed}


def change(**changed: Any) -> dict[str, Any]:
    """A one-off change, with fields changed."""
    return {"username": "c2", "starts_at": START, "ends_at": END, **changed}


ROSTER = {
    "entries": [entry(), entry(username="sup", weekday=6, **{"from": "00:00", "to": "00:00"})],
    "changes": [change()],
}


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_put_then_get_round_trip(
    client: Any, db_session: Session, people: Any, bearer: Any
) -> None:
    auth = bearer("sup")
    empty = client.get("/api/v1/rosters/ST1", headers=auth)
    assert empty.status_code == 200
    assert empty.get_json() == {"entries": [], "changes": []}
    put = client.put("/api/v1/rosters/ST1", json=ROSTER, headers=auth)
    assert put.status_code == 200, put.get_json()
    assert put.get_json() == ROSTER
    assert client.get("/api/v1/rosters/ST1", headers=auth).get_json() == ROSTER
    # a change sent in UTC is answered on the station's clock
    body = {**ROSTER, "changes": [{**ROSTER["changes"][0], "starts_at": "2026-12-12T14:00:00Z"}]}
    answer = client.put("/api/v1/rosters/ST1", json=body, headers=auth).get_json()
    assert answer["changes"][0]["starts_at"] == "2026-12-12T22:00:00+08:00"
    assert _count(db_session, RosterEntry) == 2
    actions = list(
        db_session.scalars(select(AuditEntry.action).where(AuditEntry.action == "roster.replaced"))
    )
    assert len(actions) == 2
    # a supervisor of the whole bureau may manage the station's roster too
    assert client.get("/api/v1/rosters/ST1", headers=bearer("sup2")).get_json() == answer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"entries": [entry(username="nobody")]}, "entries[0].username"),
        ({"entries": [entry(username="other")]}, "entries[0].username"),  # another station
        ({"entries": [entry(username="lead")]}, "entries[0].username"),  # not staff
        ({"entries": [entry(), entry(weekday=7)]}, "entries[1].weekday"),
        ({"entries": [entry(weekday=True)]}, "entries[0].weekday"),
        ({"entries": [entry(**{"from": "8am"})]}, "entries[0].from"),
        ({"entries": [entry(to="24:00")]}, "entries[0].to"),
        ({"changes": [change(ends_at=START)]}, "changes[0].ends_at"),
        ({"changes": [change(starts_at="2026-12-12T22:00:00")]}, "changes[0].starts_at"),
        ({"changes": [change(starts_at="soon")]}, "changes[0].starts_at"),
        ({"changes": [change(username="")]}, "changes[0].username"),
        ({"entries": "c1"}, "entries"),
    ],
)
def test_put_refuses_bad_fields_and_writes_nothing(
    client: Any, db_session: Session, people: Any, bearer: Any, change: dict[str, Any], field: str
) -> None:
    auth = bearer("sup")
    assert client.put("/api/v1/rosters/ST1", json=ROSTER, headers=auth).status_code == 200
    body = {**ROSTER, **change}
    answer = client.put("/api/v1/rosters/ST1", json=body, headers=auth)
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["field"] == field
    assert field in error["message"]
    assert client.get("/api/v1/rosters/ST1", headers=auth).get_json() == ROSTER


@pytest.mark.parametrize("username", ["o1", "c1", "lead", "adm"])
def test_every_other_role_is_refused(client: Any, people: Any, bearer: Any, username: str) -> None:
    auth = bearer(username)
    assert client.get("/api/v1/rosters/ST1", headers=auth).status_code == 403
    assert client.put("/api/v1/rosters/ST1", json=ROSTER, headers=auth).status_code == 403


def test_a_unit_outside_the_scope_does_not_exist(
    client: Any, db_session: Session, people: Any, bearer: Any
) -> None:
    auth = bearer("sup")
    assert client.get("/api/v1/rosters/ST2", headers=auth).status_code == 404
    assert client.put("/api/v1/rosters/ST2", json=ROSTER, headers=auth).status_code == 404
    assert client.get("/api/v1/rosters/NOPE", headers=auth).status_code == 404
    assert client.get("/api/v1/rosters/BUR", headers=auth).status_code == 404  # above the scope
    assert _count(db_session, RosterChange) == 0


def test_anonymous_callers_are_refused(client: Any, people: Any) -> None:
    assert client.get("/api/v1/rosters/ST1").status_code == 401
