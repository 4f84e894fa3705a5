"""The role × endpoint matrix for every referral route, web and API.

Who is who (the referral's officer is in ST1-T1; a second referral, held by c_in, in ST1-T2):

    officer   the first referral's own officer        c_in     counsellor, scope ST1
    c_out     counsellor, scope ST2                   sup      supervisor, scope ST1
    sup_out   supervisor, scope ST2                   leader   leader, scope ST1
    admin     admin                                   anon     nobody signed in

Expected statuses, as the table below says: 403 for a role the route does not admit; 404 for
staff outside the record's scope; on the web an anonymous GET is sent to sign in (302) and an
anonymous POST gets the sign-in page keeping the form (401); the API answers anonymous calls
401. Successful web POSTs redirect (302). `open` is the open referral, `held` the one c_in
holds, `quiet` a submission that raised no referral, `grant` a break-glass use by another
supervisor (covering BUR), `quiet_officer` the quiet submission's officer.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from flask import Flask

from tests.conftest import TEST_PASSWORD
from wellbeing.auth.passwords import hash_password
from wellbeing.org import service as org_service
from wellbeing.referrals import break_glass, service

ROLES = ("officer", "c_in", "c_out", "sup", "sup_out", "leader", "admin", "anon")
REASON = "A colleague called: he may be at risk tonight."

_ROSTER_POST = (403, 403, 403, 302, 404, 403, 403, 401)  # a bad or empty form is flashed
# (method, path, body, statuses in the order of ROLES)
WEB: list[tuple[str, str, dict[str, str], tuple[int, ...]]] = [
    ("GET", "/referrals", {}, (403, 200, 200, 200, 200, 403, 403, 302)),
    ("POST", "/referrals/claim-next", {}, (403, 302, 302, 302, 302, 403, 403, 401)),
    ("GET", "/referrals/{open}", {}, (403, 200, 404, 200, 404, 403, 403, 302)),
    ("POST", "/referrals/{open}/claim", {}, (403, 302, 404, 302, 404, 403, 403, 401)),
    (
        "POST",
        "/referrals/{held}/contacts",
        {"reached": "yes", "note": "x"},
        (403, 302, 404, 302, 404, 403, 403, 401),
    ),
    ("POST", "/referrals/{held}/notes", {"note": "x"}, (403, 302, 404, 302, 404, 403, 403, 401)),
    (
        "POST",
        "/referrals/{held}/close",
        {"outcome": "declined", "note": "x"},
        (403, 302, 404, 302, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/referrals/{held}/reassign",
        {"counsellor": "c2"},
        (403, 403, 403, 302, 404, 403, 403, 401),
    ),
    ("GET", "/referrals/{held}/book", {}, (403, 200, 404, 200, 404, 403, 403, 302)),
    # booking needs one of the caller's own slots: none is named here (the form again, 422)
    (
        "POST",
        "/referrals/{held}/book",
        {"slot_id": "none"},
        (403, 422, 404, 422, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/referrals/{held}/risk-assessment",
        {"level": "low", "actions": "follow_up_booked"},
        (403, 302, 404, 302, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/referrals/{held}/invite-group",
        {"group_id": "none"},
        (403, 302, 404, 302, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/referrals/{held}/safety-plan",
        {"coping": "Go for a walk."},
        (403, 302, 404, 302, 404, 403, 403, 401),
    ),
    ("GET", "/referrals/supervision", {}, (403, 403, 403, 200, 200, 403, 403, 302)),
    ("GET", "/referrals/supervision/reviews", {}, (403, 403, 403, 200, 200, 403, 403, 302)),
    ("GET", "/referrals/supervision/caseload", {}, (403, 403, 403, 200, 200, 403, 403, 302)),
    (
        "POST",
        "/referrals/{held}/review",
        {"decision": "signed_off", "comment": "x"},
        (403, 403, 403, 302, 404, 403, 403, 401),
    ),
    (
        "GET",
        "/referrals/supervision/roster/{station}",
        {},
        (403, 403, 403, 200, 404, 403, 403, 302),
    ),
    *[
        ("POST", "/referrals/supervision/roster/{station}/" + step, {}, _ROSTER_POST)
        for step in ("entries", "changes", "entries/{zero}/remove", "changes/{zero}/remove")
    ],
    ("GET", "/referrals/break-glass", {}, (403, 403, 403, 200, 200, 403, 403, 302)),
    (
        "GET",
        "/referrals/break-glass?officer={quiet_officer}",
        {},
        (403, 403, 403, 200, 404, 403, 403, 302),
    ),
    (
        "GET",
        "/referrals/break-glass/submissions/{quiet}",
        {},
        (403, 403, 403, 200, 404, 403, 403, 302),
    ),
    (
        "POST",
        "/referrals/break-glass/submissions/{quiet}",
        {"reason": REASON},
        (403, 403, 403, 302, 404, 403, 403, 401),
    ),
    ("GET", "/referrals/break-glass/uses", {}, (403, 403, 403, 200, 200, 403, 403, 302)),
    (
        "POST",
        "/referrals/break-glass/uses/{grant}/review",
        {},
        (403, 403, 403, 302, 404, 403, 403, 401),
    ),
    ("GET", "/talk", {}, (200, 403, 403, 403, 403, 403, 403, 302)),
    ("POST", "/talk", {"message": "x"}, (302, 403, 403, 403, 403, 403, 403, 401)),
    ("GET", "/talk/sent", {}, (200, 403, 403, 403, 403, 403, 403, 302)),
]

API: list[tuple[str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("GET", "/api/v1/referrals", None, (403, 200, 200, 200, 200, 403, 403, 401)),
    (
        "POST",
        "/api/v1/referrals/{held}/review",
        {"decision": "signed_off", "comment": "x"},
        (403, 403, 403, 409, 404, 403, 403, 401),
    ),
    ("GET", "/api/v1/supervision/caseload", None, (403, 403, 403, 200, 200, 403, 403, 401)),
    ("GET", "/api/v1/referrals/{open}", None, (403, 200, 404, 200, 404, 403, 403, 401)),
    ("POST", "/api/v1/referrals/{open}/claim", None, (403, 200, 404, 200, 404, 403, 403, 401)),
    (
        "POST",
        "/api/v1/referrals/{held}/contacts",
        {"reached": True, "note": "x"},
        (403, 200, 404, 200, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/api/v1/referrals/{held}/notes",
        {"note": "x"},
        (403, 200, 404, 200, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/api/v1/referrals/{held}/close",
        {"outcome": "declined", "note": "x"},
        (403, 200, 404, 200, 404, 403, 403, 401),
    ),
    (
        "POST",
        "/api/v1/referrals/{held}/reassign",
        {"counsellor": "c2"},
        (403, 403, 403, 200, 404, 403, 403, 401),
    ),
    ("POST", "/api/v1/me/self-referral", {}, (201, 403, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/v1/me/outreach", None, (200, 403, 403, 403, 403, 403, 403, 401)),
    (
        "POST",
        "/api/v1/me/outreach/{missing}/decline",
        None,
        (404, 403, 403, 403, 403, 403, 403, 401),
    ),
]

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def _shared_hash() -> str:
    return hash_password(TEST_PASSWORD)  # hashed once: argon2 is slow on purpose


@pytest.fixture
def person(db_session: Any, org: Any) -> Any:
    """person(username, unit, *grants) → a user who signs in with the test password."""

    def build(username: str, unit: str, *grants: str) -> Any:
        user = org_service.add_user(
            db_session,
            username,
            unit_code=unit,
            grants=[org_service.parse_grant(g) for g in grants],
        )
        user.password_hash = _shared_hash()
        db_session.flush()
        return user

    return build


@pytest.fixture
def world(db_session: Any, person: Any, submit_phq9: Any, deadlines: Any) -> dict[str, Any]:
    """The users of the matrix and the records the paths name."""
    c1 = person("c1", "ST1", "counsellor:ST1")
    person("c2", "ST1", "counsellor:ST1")
    person("other", "ST2", "counsellor:ST2")
    person("sup", "ST1", "supervisor:ST1")
    sup_bur = person("sup_bur", "BUR", "supervisor:BUR")
    person("sup_st2", "ST2", "supervisor:ST2")
    person("lead", "ST1", "leader:ST1")
    person("adm", "BUR", "admin")
    open_referral = submit_phq9(person("officer_a", "ST1-T1", "officer"), [0] * 8 + [1]).referral
    held_officer = person("officer_h", "ST1-T2", "officer")
    held = service.self_refer(db_session, held_officer, None, deadlines)
    service.claim(db_session, held, c1)
    quiet = submit_phq9(person("quiet_b", "ST1-T1", "officer"), [0] * 9).submission
    grant = break_glass.open_break_glass(db_session, sup_bur, quiet, REASON)
    db_session.flush()
    users = {
        "officer": "officer_a",
        "c_in": "c1",
        "c_out": "other",
        "sup": "sup",
        "sup_out": "sup_st2",
        "leader": "lead",
        "admin": "adm",
    }
    ids = {
        "open": open_referral["id"],
        "held": held.id,
        "quiet": quiet.id,
        "grant": grant.id,
        "quiet_officer": "quiet_b",
        "station": "ST1",
        "zero": 0,  # a roster row that does not exist: the form answers 302 with a notice
        "missing": "no-such-task",
    }
    return {"users": users, "ids": ids}


def _cases(table: list[Any]) -> list[Any]:
    return [
        pytest.param(method, path, body, role, expected[i], id=f"{method} {path} as {role}")
        for method, path, body, expected in table
        for i, role in enumerate(ROLES)
    ]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(WEB))
def test_web_route_as_role(
    app: Flask,
    login: Any,
    world: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, str],
    role: str,
    expected: int,
) -> None:
    client = app.test_client()
    if role != "anon":
        login(client, world["users"][role])
    url = path.format(**world["ids"])
    if method == "GET":
        response = client.get(url)
    else:
        page = client.get("/login" if role == "anon" else "/").get_data(as_text=True)
        match = TOKEN.search(page)
        assert match
        response = client.post(url, data={"csrf_token": match.group(1), **body})
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(API))
def test_api_route_as_role(
    client: Any,
    bearer: Any,
    world: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    role: str,
    expected: int,
) -> None:
    headers = {} if role == "anon" else bearer(world["users"][role])
    url = path.format(**world["ids"])
    if method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, headers=headers, json=body if body is not None else {})
    assert response.status_code == expected, response.get_json()
    if expected in (403, 404):
        assert response.get_json()["error"]["code"] in {"forbidden", "not_found", "not_holder"}


def test_every_referral_route_is_in_the_matrix(app: Flask) -> None:
    covered = {re.sub(r"\{[a-z_]+\}", "<>", p.split("?")[0]) for _m, p, _b, _e in WEB + API}
    routes = {
        re.sub(r"<[^>]+>", "<>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in {"referrals", "talk", "api_referrals", "api_supervision"}
    }
    assert routes <= covered, routes - covered
