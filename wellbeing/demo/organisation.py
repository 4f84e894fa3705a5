"""Demo organisation: one bureau, three stations of 54–60 officers, and the staff (counsellors, a
supervisor, leaders, an administrator).

Each station has two teams of ten (社区警务队, 巡逻队) and its own officers attached to the station
itself (duty desk, cases, back office: 34–40). Stations are large enough that a leader's report
shows their bands at the default minimum cell (10); the teams are small enough that theirs stay
hidden, as a real team's would. The team officers keep the numbers of the earlier, smaller demo
(officer01–officer60, which the docs and the browser tests name); the station officers follow
from officer61.

Idempotent: running it again creates nothing new. Passwords are printed for local trial use only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

from wellbeing.auth import passwords
from wellbeing.org import service as org_service
from wellbeing.org.models import Role
from wellbeing.org.service import GrantSpec

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed demo credentials, never production

BUREAU = ("BUR", "示范市公安局", "Demo City Public Security Bureau")
STATIONS = [
    ("ST1", "城东派出所", "Chengdong Police Station"),
    ("ST2", "城西派出所", "Chengxi Police Station"),
    ("ST3", "滨江派出所", "Binjiang Police Station"),
]
TEAMS = [("T1", "社区警务队", "Community Policing Team"), ("T2", "巡逻队", "Patrol Team")]
OFFICERS_PER_TEAM = 10
STATION_OFFICERS = (40, 34, 36)  # attached to each station itself, in the order of STATIONS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
]


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print."""

    role: str
    username: str
    scope: str


def _display_name(index: int) -> str:
    """Distinct for the first 240 numbers (the first 79 as in the earlier demo)."""
    given = (index * 7 + index // 80) % len(GIVEN)
    return SURNAMES[index % len(SURNAMES)] + GIVEN[given]


def officer_numbers() -> list[tuple[str, range]]:
    """Each unit's code and its officers' numbers (officerNN): the teams, then the stations."""
    units: list[tuple[str, range]] = []
    for code, _zh, _en in STATIONS:
        for team, _team_zh, _team_en in TEAMS:
            first = len(units) * OFFICERS_PER_TEAM + 1
            units.append((f"{code}-{team}", range(first, first + OFFICERS_PER_TEAM)))
    first = len(units) * OFFICERS_PER_TEAM + 1
    for (code, _zh, _en), size in zip(STATIONS, STATION_OFFICERS, strict=True):
        units.append((code, range(first, first + size)))
        first += size
    return units


def _ensure_unit(session: Session, code: str, zh: str, en: str, parent: str | None) -> None:
    if org_service.find_unit(session, code) is None:
        org_service.add_unit(session, code, zh, en, parent)


def demo_phone(username: str) -> str:
    """A made-up number, the same on every run, in a form no real line uses (010-5550-xxxx):
    the demo must never ring a real phone."""
    digest = hashlib.sha256(username.encode()).digest()
    return f"010-5550-{int.from_bytes(digest[:4], 'big') % 10**4:04d}"


def demo_category(index: int) -> str:
    """Every third demo officer is an auxiliary officer (辅警), the others police (民警)."""
    return "auxiliary" if index % 3 == 0 else "police"


def _ensure_user(
    session: Session,
    username: str,
    unit: str,
    grants: list[GrantSpec],
    name: str,
    category: str | None = None,
) -> None:
    if org_service.find_user(session, username) is None:
        user = org_service.add_user(
            session,
            username,
            unit_code=unit,
            grants=grants,
            display_name=name,
            phone=demo_phone(username),
            wecom_userid=f"demo.{username}",  # a 企业微信 userid no real corp has
            staff_category=category,
        )
        user.password_hash = _demo_password_hash()


@cache
def _demo_password_hash() -> str:
    """The demo password's argon2 hash, made once for every account: hashing it for each of
    ~170 accounts (tens of milliseconds each, by design) was most of the demo's start-up."""
    return passwords.hash_password(DEMO_PASSWORD)


def create_demo_organisation(session: Session) -> list[DemoLogin]:
    """Create the demo units and accounts if absent; return the logins to print."""
    _ensure_unit(session, *BUREAU, None)
    for code, zh, en in STATIONS:
        _ensure_unit(session, code, zh, en, BUREAU[0])
        for team, team_zh, team_en in TEAMS:
            _ensure_unit(session, f"{code}-{team}", f"{zh}{team_zh}", f"{en} {team_en}", code)
    for unit, numbers in officer_numbers():
        for number in numbers:
            _ensure_user(
                session,
                f"officer{number:02d}",
                unit,
                [GrantSpec(Role.OFFICER, None)],
                _display_name(number),
                demo_category(number),
            )
    staff = [
        ("counsellor1", BUREAU[0], [GrantSpec(Role.COUNSELLOR, BUREAU[0])], "心理咨询师 林晓"),
        ("counsellor2", BUREAU[0], [GrantSpec(Role.COUNSELLOR, BUREAU[0])], "心理咨询师 周宁"),
        ("supervisor", BUREAU[0], [GrantSpec(Role.SUPERVISOR, BUREAU[0])], "督导 陈静"),
        ("leader_bureau", BUREAU[0], [GrantSpec(Role.LEADER, BUREAU[0])], "局领导 高明"),
        ("admin", BUREAU[0], [GrantSpec(Role.ADMIN, None)], "系统管理员"),
    ]
    staff += [
        (f"leader_{code.lower()}", code, [GrantSpec(Role.LEADER, code)], f"所领导 {zh}")
        for code, zh, _en in STATIONS
    ]
    for username, unit, grants, name in staff:
        _ensure_user(session, username, unit, grants, name)
    session.flush()  # the last account's password hash, set after its row was written
    logins = [DemoLogin(g[0].role.value, u, g[0].scope_code or "") for u, _, g, _ in staff]
    return [DemoLogin("officer", "officer01", ""), *logins]
