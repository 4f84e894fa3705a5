"""A scoped role covers its unit's whole subtree and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from wellbeing.auth.policy import may_view_reports_for, unit_in_scope, units_in_scope_clause
from wellbeing.org.models import Role, Unit


@pytest.mark.parametrize("role", [Role.LEADER, Role.COUNSELLOR, Role.SUPERVISOR])
def test_station_scope_is_its_subtree(role: Role, make_user: Any, org: dict[str, Unit]) -> None:
    user = make_user(role.value, unit="ST1", scope="ST1")
    inside = {code for code, unit in org.items() if unit_in_scope(user, role, unit)}
    assert inside == {"ST1", "ST1-T1", "ST1-T2"}


def test_scope_query_matches_the_subtree(make_user: Any, db_session: Any, org: Any) -> None:
    user = make_user("leader", unit="ST1", scope="ST1")
    codes = db_session.scalars(
        select(Unit.code).where(units_in_scope_clause(user, Role.LEADER))
    ).all()
    assert sorted(codes) == ["ST1", "ST1-T1", "ST1-T2"]


def test_scope_is_per_role(make_user: Any, org: Any) -> None:
    user = make_user("counsellor", unit="ST2", scope="ST2", extra_roles=("leader:ST1",))
    assert unit_in_scope(user, Role.COUNSELLOR, org["ST2-T1"])
    assert not unit_in_scope(user, Role.COUNSELLOR, org["ST1-T1"])
    assert unit_in_scope(user, Role.LEADER, org["ST1-T1"])
    assert not unit_in_scope(user, Role.LEADER, org["ST2"])


def test_unit_path_prefix_does_not_leak_to_a_lookalike_sibling(
    make_user: Any, db_session: Any, org: Any
) -> None:
    from wellbeing.org.service import add_unit

    # ids 1 and 10..19 share a textual prefix; the trailing slash in paths keeps them apart
    siblings = [add_unit(db_session, f"X{i}", f"单位X{i}", f"X{i}", "BUR") for i in range(12)]
    user = make_user("leader", unit="BUR", scope=siblings[0].code)
    assert [u.code for u in siblings if unit_in_scope(user, Role.LEADER, u)] == ["X0"]


def test_bureau_leader_sees_everything_below(make_user: Any, org: Any) -> None:
    user = make_user("leader", unit="BUR", scope="BUR")
    assert all(may_view_reports_for(user, unit) for unit in org.values())
    officer = make_user("officer")
    assert not any(may_view_reports_for(officer, unit) for unit in org.values())


def test_no_grant_means_no_scope(make_user: Any, db_session: Any, org: Any) -> None:
    officer = make_user("officer")
    codes = db_session.scalars(
        select(Unit.code).where(units_in_scope_clause(officer, Role.LEADER))
    ).all()
    assert codes == []
