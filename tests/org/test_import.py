"""Imports are all or nothing, and every bad row is reported with its line number."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.org import service as org_service
from wellbeing.org.errors import ImportRejected, OrgError
from wellbeing.org.models import Unit, User

UNITS_OK = """code,name_zh,name_en,parent_code
HQ,总局,Headquarters,
D1,一分局,Division 1,HQ
D1-A,一分局甲队,Division 1 Team A,D1
"""


def _count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


def test_units_import_builds_the_tree(db_session: Any) -> None:
    assert org_service.import_units(db_session, UNITS_OK) == 3
    team = org_service.find_unit(db_session, "D1-A")
    assert team is not None
    assert team.parent is not None
    assert team.parent.code == "D1"
    assert team.path.count("/") == 4


def test_units_import_with_bad_rows_imports_nothing(db_session: Any) -> None:
    before = _count(db_session, Unit)
    text = UNITS_OK + "D2,二分局,Division 2,NOPE\nD1,重复,Duplicate,HQ\n,无代码,No code,HQ\n"
    with pytest.raises(ImportRejected) as caught:
        org_service.import_units(db_session, text)
    lines = [line for line, _ in caught.value.problems]
    assert lines == [5, 6, 7]
    assert "NOPE" in caught.value.problems[0][1]
    assert "already exists" in caught.value.problems[1][1]
    assert _count(db_session, Unit) == before


def test_users_import_all_or_nothing_with_line_numbers(db_session: Any, org: Any) -> None:
    before = _count(db_session, User)
    text = (
        "username,display_name,unit_code,roles,locale,phone,email\n"
        "u1,张三,ST1-T1,officer,zh_CN,13800000000,\n"
        "u2,李四,ST1,leader:ST1;officer,en,,\n"
        "u3,王五,ST9,officer,zh_CN,,\n"
        "u4,赵六,ST1,leader,zh_CN,,\n"
        "u5,钱七,ST1,wizard,zh_CN,,\n"
        "u6,孙八,ST1,officer,fr,,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        org_service.import_users(db_session, text)
    problems = dict(caught.value.problems)
    assert sorted(problems) == [4, 5, 6, 7]
    assert "ST9" in problems[4]
    assert "needs a scope" in problems[5]
    assert "wizard" in problems[6]
    assert "locale" in problems[7]
    assert _count(db_session, User) == before


def test_users_import_creates_users_with_roles(db_session: Any, org: Any) -> None:
    text = (
        "username,display_name,unit_code,roles\n"
        "u1,张三,ST1-T1,officer\n"
        "u2,李四,ST1,leader:ST1;officer\n"
    )
    assert org_service.import_users(db_session, text) == 2
    leader = org_service.find_user(db_session, "u2")
    assert leader is not None
    assert {(g.role, g.scope_unit.code if g.scope_unit else None) for g in leader.grants} == {
        ("leader", "ST1"),
        ("officer", None),
    }
    assert leader.password_hash is None  # set later with `wellbeing users set-password`


def test_missing_header_column_is_reported(db_session: Any) -> None:
    with pytest.raises(ImportRejected) as caught:
        org_service.import_units(db_session, "code,name_zh\nA,甲\n")
    assert caught.value.problems[0][0] == 1
    assert "name_en" in caught.value.problems[0][1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("leader", "needs a scope"),
        ("officer:ST1", "takes no scope"),
        ("root", "unknown role"),
    ],
)
def test_parse_grant_errors(text: str, message: str) -> None:
    with pytest.raises(OrgError, match=message):
        org_service.parse_grant(text)


def test_users_import_reads_wecom_userid_and_staff_category(db_session: Any, org: Any) -> None:
    text = (
        "username,unit_code,roles,wecom_userid,staff_category\n"
        "p1,ST1-T1,officer,ZhangSan,police\n"
        "a1,ST1-T1,officer,,auxiliary\n"
        "n1,ST1,officer,,\n"
    )
    assert org_service.import_users(db_session, text) == 3
    police = org_service.find_user(db_session, "p1")
    auxiliary = org_service.find_user(db_session, "a1")
    neither = org_service.find_user(db_session, "n1")
    assert police is not None
    assert auxiliary is not None
    assert neither is not None
    assert (police.wecom_userid, police.staff_category) == ("ZhangSan", "police")
    assert (auxiliary.wecom_userid, auxiliary.staff_category) == (None, "auxiliary")
    assert (neither.wecom_userid, neither.staff_category) == (None, None)


def test_users_import_refuses_a_taken_wecom_userid_and_an_unknown_category(
    db_session: Any, org: Any
) -> None:
    org_service.import_users(
        db_session, "username,unit_code,roles,wecom_userid\np1,ST1-T1,officer,ZhangSan\n"
    )
    before = _count(db_session, User)
    text = (
        "username,unit_code,roles,wecom_userid,staff_category\n"
        "p2,ST1-T1,officer,ZhangSan,police\n"
        "p3,ST1-T1,officer,,civilian\n"
        "p4,ST1-T1,officer,has space,police\n"
    )
    with pytest.raises(ImportRejected) as caught:
        org_service.import_users(db_session, text)
    problems = dict(caught.value.problems)
    assert "already belongs to another user" in problems[2]
    assert "police, auxiliary" in problems[3]
    assert "without spaces" in problems[4]
    assert _count(db_session, User) == before
