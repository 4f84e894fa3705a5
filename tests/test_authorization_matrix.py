"""The global authorisation matrix: every route of the URL map × every role × object relation.

The expected statuses live in tests/authorization_matrix.yaml (its header explains the format).
Cases are generated from the URL map of a real app, so a route added without a row in the table
is a failing case, and a row for a route that no longer exists fails too.

The callers: one user per role, in unit ST1-T1 (counsellor, supervisor and leader scoped to ST1;
the admin unscoped). Objects are made per case, for the relation the case asks about:

    own    the caller's own record (their own referral, submission) or their own unit
    same   an officer's record in ST1-T2 (inside the caller's scope), or unit ST1-T2
    other  an officer's record in ST2-T1 (outside it), or unit ST2

Besides the table, responses are checked for what must never leak: a leader's 2xx answer holds
no officer's name, no referral or submission id; an admin's holds no questionnaire item text
(no answers). The invariant tests below read the verified table: leaders reach no route that
returns individual data, admins no route that returns answers, counsellors outside their scope
get 404.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import TEST_PASSWORD, TEST_SECRET
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import publish_period
from wellbeing.app import create_app
from wellbeing.auth import service as auth_service
from wellbeing.auth.passwords import hash_password
from wellbeing.core.clock import utcnow
from wellbeing.core.db import make_engine
from wellbeing.crypto import new_keyring
from wellbeing.org import service as org_service
from wellbeing.org.models import Role, User
from wellbeing.referrals import break_glass
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import Referral
from wellbeing.referrals.service import Deadlines
from wellbeing.web.security import SESSION_KEY

TABLE_FILE = Path(__file__).with_name("authorization_matrix.yaml")
ROLES = ("anonymous", "officer", "counsellor", "supervisor", "leader", "admin")
# Object kinds a route parameter can take, with the relations each is tried in.
RELATIONS: dict[str, tuple[str, ...]] = {
    "referral": ("own", "same", "other"),  # an open referral
    "held_referral": ("own", "same", "other"),  # claimed (by the caller when they may claim)
    "submission": ("own", "same", "other"),  # a submission that raised no referral
    "grant": ("same", "other"),  # a break-glass use by another supervisor (scope BUR)
    "unit": ("own", "same", "other"),
    "campaign": ("any",),
    "article": ("any",),  # a published library article
    "draft_article": ("any",),  # a library article not yet published
    "attachment": ("any",),  # a PDF attached to a published article
    "appointment": ("own", "same", "other"),  # own: the caller's booking, or on the caller's slot
    "open_slot": ("same", "other"),  # an open slot at ST1 (covers the caller) or at ST2
    "group": ("own", "same", "other"),  # a group session for that unit, another officer signed up
    "signed_group": ("own", "same", "other"),  # the same, the caller signed up too when an officer
    "attended_group": ("own", "same", "other"),  # the same, the caller present when an officer
}
UNIT_OF = {"own": "ST1-T1", "same": "ST1-T2", "other": "ST2-T1"}
SCOPE_OF = {"counsellor": "ST1", "supervisor": "ST1", "leader": "ST1"}
BREAK_GLASS_REASON = "A colleague called: he may be at risk tonight."
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ARGUMENT = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@cache
def shared_hash() -> str:
    """The test password's hash, made once: argon2 is slow on purpose."""
    return hash_password(TEST_PASSWORD)


@cache
def table() -> dict[str, Any]:
    """The expected statuses, by "METHOD rule"."""
    rows: dict[str, Any] = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))["routes"]
    return rows


@cache
def url_map_routes() -> tuple[str, ...]:
    """Every "METHOD rule" of a freshly built app (built at collection, no database touched)."""
    app = create_app(
        {
            "testing": True,
            "secret_key": TEST_SECRET,
            "engine": make_engine("sqlite://"),
            "keyring": new_keyring(),
            "instance_path": tempfile.mkdtemp(prefix="wellbeing-matrix-"),
            "require_mfa": False,
            "cookie_secure": False,
        }
    )
    return tuple(sorted(route_keys(app)))


def route_keys(app: Flask) -> set[str]:
    """ "METHOD rule" for every route but static files."""
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in _methods(rule)
    }


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def relations_of(row: dict[str, Any] | None) -> tuple[str, ...]:
    """The relations a route is tried in: those of its object parameter, else just one."""
    kinds = list((row or {}).get("objects", {}).values())
    return RELATIONS[kinds[0]] if kinds else ("-",)


def expected(row: dict[str, Any], role: str, relation: str) -> int | None:
    """The table's status for a role (and relation), or None when the table lacks it."""
    cell = row.get("expect", {}).get(role)
    if isinstance(cell, dict):
        value = cell.get(relation)
        return value if isinstance(value, int) else None
    return cell if isinstance(cell, int) else None


def cases() -> list[Any]:
    """One case per route × role × relation; a route without a row is one failing case."""
    params = []
    for key in url_map_routes():
        row = table().get(key)
        for role in ROLES:
            for relation in relations_of(row):
                case_id = f"{key} as {role}" + ("" if relation == "-" else f" ({relation})")
                params.append(pytest.param(key, role, relation, id=case_id))
    return params


# --- the world each case runs in -----------------------------------------------------------


@dataclass
class World:
    """The caller, the officers around them and the records a case names."""

    app: Flask
    session: Any
    role: str
    caller: User | None = None
    people: dict[str, User] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)  # what a leader must never be shown
    placeholders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.role != "anonymous":
            scope = SCOPE_OF.get(self.role)
            self.caller = self.person(
                "caller", "ST1-T1", f"{self.role}:{scope}" if scope else self.role
            )
            if self.role == "officer":
                from wellbeing.screening.consent import give_consent

                give_consent(self.session, self.caller)
        self.person("peer_counsellor", "ST1", "counsellor:ST1")
        self.person("other_counsellor", "ST2", "counsellor:ST2")
        self.person("bureau_supervisor", "BUR", "supervisor:BUR")
        if self.role in {"leader", "admin"}:  # records in scope that must not reach them
            self.submission("same")
            self.referral("same")

    def person(self, username: str, unit: str, *grants: str) -> User:
        """A user who signs in with the test password (hashed once for the whole module)."""
        user = org_service.add_user(
            self.session,
            username,
            unit_code=unit,
            grants=[org_service.parse_grant(grant) for grant in grants],
            display_name=f"Person {username}",
        )
        user.password_hash = shared_hash()
        self.session.flush()
        self.people[username] = user
        return user

    def officer(self, relation: str, tag: str) -> User:
        """The officer a record of this relation belongs to (own: the caller)."""
        if relation == "own" and self.caller is not None:
            return self.caller
        name = f"{relation}_{tag}_officer"
        if name not in self.people:
            user = self.person(name, UNIT_OF["same" if relation == "own" else relation], "officer")
            self.markers |= {name, user.display_name}
        return self.people[name]

    # records, made on demand for the relation a case asks about

    def referral(self, relation: str) -> str:
        record = referrals.self_refer(
            self.session, self.officer(relation, "open"), None, Deadlines()
        )
        return self._mark(record.id)

    def held_referral(self, relation: str) -> str:
        record = referrals.self_refer(
            self.session, self.officer(relation, "held"), None, Deadlines()
        )
        referrals.claim(self.session, record, self._holder(record))
        return self._mark(record.id)

    def _holder(self, record: Referral) -> User:
        """The caller when they may claim it, else a counsellor covering its unit."""
        from wellbeing.referrals.permissions import may_see

        staff = self.role in {"counsellor", "supervisor"}
        if self.caller is not None and staff and may_see(self.caller, record):
            return self.caller
        in_st2 = record.unit.code.startswith("ST2")
        return self.people["other_counsellor" if in_st2 else "peer_counsellor"]

    def submission(self, relation: str) -> str:
        return self._mark(self._quiet_submission(self.officer(relation, "quiet")).id)

    def _quiet_submission(self, officer: User) -> Any:
        from wellbeing.screening import service as screening
        from wellbeing.screening.consent import current_consent, give_consent

        if current_consent(self.session, officer) is None:
            give_consent(self.session, officer)
        outcome = screening.submit(
            self.session,
            self.app.extensions["wellbeing.policy"],
            officer,
            instrument_id="phq9",
            answers={f"q{i}": 0 for i in range(1, 10)},
            idempotency_key=uuid.uuid4().hex,
        )
        self.session.flush()
        return outcome.submission

    def grant(self, relation: str) -> str:
        submission = self._quiet_submission(self.officer(relation, "grant"))
        self._mark(submission.id)
        supervisor = self.people["bureau_supervisor"]
        used = break_glass.open_break_glass(
            self.session, supervisor, submission, BREAK_GLASS_REASON
        )
        return str(used.id)

    def unit(self, relation: str) -> str:
        return {"own": "ST1-T1", "same": "ST1-T2", "other": "ST2"}[relation]

    def campaign(self, _relation: str) -> str:
        return str(self.values()["campaign"])

    def article(self, _relation: str, published: bool = True) -> str:
        from wellbeing.library import service as library

        data = library.parse_article(
            {"title": {"zh-CN": "睡眠", "en": "Sleep"}, "body": {"zh-CN": "正文", "en": "Text"},
             "category": "sleep", "published": published}
        )  # fmt: skip
        return library.create_article(self.session, self.people["peer_counsellor"], data).id

    def draft_article(self, _relation: str) -> str:
        return self.article(_relation, published=False)

    def attachment(self, _relation: str) -> str:
        from wellbeing.library import service as library
        from wellbeing.library.models import Article

        article = self.session.get(Article, self.article(_relation))
        writer = self.people["peer_counsellor"]
        return library.attach_file(self.session, writer, article, "a.pdf", b"%PDF-1.4\n%%EOF").id

    def group(self, relation: str, *, with_caller: bool = False, present: bool = False) -> str:
        from wellbeing.groups import service as groups
        from wellbeing.groups.input import parse_group

        unit = UNIT_OF[relation] if relation != "own" else "ST1-T1"
        creator = self.people["other_counsellor" if unit.startswith("ST2") else "peer_counsellor"]
        body = {"title": {"zh-CN": "团辅", "en": "Group"}, "place": "Room 1", "capacity": 5,
                "unit": unit, "starts_at": (utcnow() + timedelta(days=2)).isoformat()}  # fmt: skip
        group = groups.create_group(self.session, creator, parse_group(body, utcnow()))
        attendee = self.person(f"{relation}_group_officer", unit, "officer")
        self.markers |= {attendee.username, attendee.display_name}
        groups.sign_up(self.session, group, attendee)
        if with_caller and self.role == "officer" and self.caller is not None and relation == "own":
            groups.sign_up(self.session, group, self.caller)
            if present:
                names = [attendee.username, self.caller.username]
                groups.record_attendance(self.session, group, creator, names)
        return str(group.id)

    def signed_group(self, relation: str) -> str:
        return self.group(relation, with_caller=True)

    def attended_group(self, relation: str) -> str:
        return self.group(relation, with_caller=True, present=True)

    def open_slot(self, relation: str) -> str:
        holder = self.people["other_counsellor" if relation == "other" else "peer_counsellor"]
        return self._slot(holder)

    def _slot(self, holder: User) -> str:
        from wellbeing.appointments import service as appointments
        from wellbeing.appointments.input import SlotRequest
        from wellbeing.appointments.models import Mode

        start = utcnow() + timedelta(days=2)
        request = SlotRequest(start, 50, Mode.IN_PERSON, None, 1, None)
        return appointments.publish_slots(self.session, holder, request)[0].id

    def appointment(self, relation: str) -> str:
        """own: the caller's booking (officer) or one on the caller's slot (staff)."""
        from wellbeing.appointments import booking
        from wellbeing.appointments.models import Slot

        staff = self.role in {"counsellor", "supervisor"}
        holder = self.people["other_counsellor" if relation == "other" else "peer_counsellor"]
        if relation == "own" and staff and self.caller is not None:
            holder = self.caller
        if relation == "own":  # staff: an officer in scope books the caller's slot
            officer = self.officer("own" if self.role == "officer" else "same", "appt")
        else:
            officer = self.officer(relation, "appt")
        slot = self.session.get(Slot, self._slot(holder))
        return self._mark(booking.book(self.session, officer, slot).id)

    def _mark(self, record_id: str) -> str:
        self.markers.add(record_id)
        return record_id

    def values(self) -> dict[str, Any]:
        """Placeholders for queries and bodies: a campaign with an open wave on BUR, people."""
        from wellbeing.screening import campaigns

        if self.placeholders:
            return self.placeholders
        now, catalogue = utcnow(), self.app.extensions["wellbeing.policy"].catalogue
        past, current = (
            campaigns.create_campaign(
                self.session,
                catalogue,
                name=f"Matrix campaign {days}",
                unit_code="BUR",
                instruments=["phq9"],
                opens_at=now - timedelta(days=days),
                closes_at=now - timedelta(days=days) + timedelta(days=14),
            )
            for days in (30, 1)
        )
        campaigns.open_due_waves(self.session, now)
        campaigns.expire_and_close(self.session, now)  # the past campaign's wave closes
        k = self.app.extensions["wellbeing.settings"].report_min_cell
        publish_period(self.session, ACTIVITY_MONTH, k)  # a released month of activity
        self.session.flush()
        self.placeholders = {
            "activity": f"from={ACTIVITY_MONTH.start}&to={ACTIVITY_MONTH.end}",
            "campaign": current.id,
            "past_campaign": past.id,
            "wave": past.waves[0].id,
            "peer_counsellor": "peer_counsellor",
            "caller": "caller",
            "open_slot": self.open_slot("same"),
            "slot_start": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        }
        return self.placeholders

    def fill(self, text: str) -> str:
        """A query or body text with {placeholders} filled."""
        return text.format(**self.values()) if "{" in text else text


ACTIVITY_MONTH = Period(date(2026, 1, 1), Kind.MONTH)


def sign_in(world: World, client: FlaskClient, api: bool) -> dict[str, str]:
    """Sign the caller in (a web session cookie, or a bearer token); the API headers."""
    if world.caller is None:
        return {}
    if api:
        raw, _expires = auth_service.issue_token(world.session, world.caller, timedelta(hours=1))
        world.session.flush()
        return {"Authorization": f"Bearer {raw}"}
    sid = auth_service.start_web_session(world.session, world.caller)
    world.session.flush()
    with client.session_transaction() as cookie_session:
        cookie_session[SESSION_KEY] = sid
    return {}


def csrf_token(client: FlaskClient, signed_in: bool) -> str:
    page = client.get("/" if signed_in else "/login").get_data(as_text=True)
    match = CSRF.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def call(world: World, client: FlaskClient, key: str, row: dict[str, Any], relation: str) -> Any:
    """Make the request a case describes."""
    method, rule = key.split(" ", 1)
    objects = row.get("objects", {})
    fixed = row.get("values", {})

    def argument(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in objects:
            return str(getattr(world, objects[name])(relation))
        return str(fixed[name])

    url = ARGUMENT.sub(argument, rule)
    if "query" in row:
        url += "?" + world.fill(row["query"])
    api = rule.startswith("/api/")
    headers = sign_in(world, client, api)
    body = {k: world.fill(v) if isinstance(v, str) else v for k, v in row.get("body", {}).items()}
    if method == "GET":
        return client.get(url, headers=headers)
    if api:
        return client.open(url, method=method, headers=headers, json=body)
    form = {"csrf_token": csrf_token(client, world.caller is not None), **body}
    return client.open(url, method=method, data=form)


@pytest.fixture
def answer_texts(app: Flask) -> set[str]:
    """PHQ-9 item texts in both languages: an admin is never shown any."""
    definition = app.extensions["wellbeing.policy"].catalogue.get("phq9")
    return {text for item in definition.items for text in (item.text or {}).values() if text}


@pytest.mark.parametrize(("key", "role", "relation"), cases())
def test_route_as_role(
    app: Flask,
    client: FlaskClient,
    db_session: Any,
    org: Any,
    answer_texts: set[str],
    key: str,
    role: str,
    relation: str,
) -> None:
    row = table().get(key)
    assert row is not None, f"{key} has no row in {TABLE_FILE.name}: add one"
    want = expected(row, role, relation)
    world = World(app, db_session, role)
    response = call(world, client, key, row, relation)
    got = response.status_code
    assert want is not None, f"no expected status for {role} ({relation}); observed {got}"
    assert got == want, response.get_data(as_text=True)[:400]
    if got < 300 and role in {"leader", "admin"}:
        text = response.get_data().decode("utf-8", "replace")  # PDFs too
        forbidden = world.markers if role == "leader" else answer_texts
        assert not [m for m in forbidden if m in text], f"{role} was shown individual data"


# --- the table itself ----------------------------------------------------------------------


def test_every_row_is_a_route() -> None:
    assert set(table()) - set(url_map_routes()) == set(), "rows for routes that do not exist"


def test_every_row_says_what_each_role_gets() -> None:
    for key, row in table().items():
        for role in ROLES:
            for relation in relations_of(row):
                assert expected(row, role, relation) is not None, (key, role, relation)


def _successes(row: dict[str, Any], role: str) -> list[int]:
    return [
        status
        for relation in relations_of(row)
        if (status := expected(row, role, relation)) is not None and status < 300
    ]


def test_leaders_reach_no_route_that_returns_individual_data() -> None:
    individual = [k for k, row in table().items() if row.get("individual") or row.get("answers")]
    assert len(individual) >= 10  # the flags are in use
    assert [k for k in individual if _successes(table()[k], "leader")] == []


def test_admins_reach_no_route_that_returns_answers() -> None:
    answers = [k for k, row in table().items() if row.get("answers")]
    assert len(answers) >= 5
    assert [k for k in answers if _successes(table()[k], "admin")] == []


def test_counsellors_outside_their_scope_get_404() -> None:
    checked = 0
    for key, row in table().items():
        kinds = set(row.get("objects", {}).values())
        if not kinds & {"referral", "held_referral", "submission", "grant"}:
            continue
        cell = row["expect"]["counsellor"]
        if cell == 403:  # the route is not for counsellors at all
            continue
        assert cell["other"] == 404, key
        checked += 1
    assert checked >= 5


def test_anonymous_callers_reach_only_public_routes(app: Flask) -> None:
    from wellbeing.auth.access import rule_of

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = rule_of(app.view_functions[rule.endpoint])
        for method in _methods(rule):
            row = table()[f"{method} {rule.rule}"]
            if access is not None and access.kind != "public":
                assert _successes(row, "anonymous") == [], f"{method} {rule.rule}"


def test_routes_for_no_role_of_a_kind_refuse_it_by_the_route_rule(app: Flask) -> None:
    """Where a role is not admitted by the route's rule, the table says 403 (401 anonymous)."""
    from wellbeing.auth.access import rule_of

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = rule_of(app.view_functions[rule.endpoint])
        assert access is not None
        for method in _methods(rule):
            row = table()[f"{method} {rule.rule}"]
            for role in ROLES[1:]:
                if access.kind == "roles" and Role(role) not in access.roles:
                    assert row["expect"][role] == 403, (method, rule.rule, role)
