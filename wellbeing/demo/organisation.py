"""Demo organisation: one bureau, three stations with two teams each, ~60 officers and staff.

Idempotent: running it again creates nothing new. Passwords are printed for local trial use only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

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
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


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
        org_service.add_user(
            session,
            username,
            unit_code=unit,
            grants=grants,
            display_name=name,
            password=DEMO_PASSWORD,
            phone=demo_phone(username),
            wecom_userid=f"demo.{username}",  # a 企业微信 userid no real corp has
            staff_category=category,
        )


def create_demo_organisation(session: Session) -> list[DemoLogin]:
    """Create the demo units and accounts if absent; return the logins to print."""
    _ensure_unit(session, *BUREAU, None)
    index = 0
    for code, zh, en in STATIONS:
        _ensure_unit(session, code, zh, en, BUREAU[0])
        for team, team_zh, team_en in TEAMS:
            _ensure_unit(session, f"{code}-{team}", f"{zh}{team_zh}", f"{en} {team_en}", code)
            for _ in range(OFFICERS_PER_TEAM):
                index += 1
                _ensure_user(
                    session,
                    f"officer{index:02d}",
                    f"{code}-{team}",
                    [GrantSpec(Role.OFFICER, None)],
                    _display_name(index),
                    demo_category(index),
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
    logins = [DemoLogin(g[0].role.value, u, g[0].scope_code or "") for u, _, g, _ in staff]
    return [DemoLogin("officer", "officer01", ""), *logins]
