"""`written_last`: a block's last writes wait for its end, go in order, in one statement on
PostgreSQL, and an error inside the block sends none of them (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from sqlalchemy import Engine, Table, bindparam, delete, event, func, select, update
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.models import AuditEntry
from wellbeing.core import batched
from wellbeing.core.batched import template_insert, write_last, written_last
from wellbeing.org.models import Unit


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database while the test runs."""
    sent: list[str] = []

    def listen(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", listen)
    yield sent
    event.remove(engine, "before_cursor_execute", listen)


_ADD = template_insert(cast(Table, Unit.__table__), ("code", "name_zh", "name_en", "path"))
_RENAME = update(Unit).where(Unit.code == bindparam("which")).values(name_en=bindparam("name"))
_REMOVE = delete(Unit).where(Unit.code == bindparam("which"))


def _add(session: Session, code: str) -> None:
    write_last(session, _ADD, {"code": code, "name_zh": code, "name_en": code, "path": "/"})


def _codes(session: Session) -> list[str]:
    return sorted(session.scalars(select(Unit.code).where(Unit.code.like("LW-%"))))


def test_the_writes_wait_for_the_end_and_go_in_order(
    db_session: Session, statements: list[str]
) -> None:
    db_session.flush()
    with audit.appended_last(db_session):  # a written_last block whose audit entries go last
        _add(db_session, "LW-A")
        _add(db_session, "LW-B")
        write_last(db_session, _RENAME, {"which": "LW-NONE", "name": "x"})
        write_last(db_session, _REMOVE, {"which": "LW-NONE"})
        audit.record(db_session, actor=None, action="test.last", target_type="t", target_id=1)
        assert _codes(db_session) == []  # nothing sent yet
        before = len(statements)
    sent = statements[before:]
    assert _codes(db_session) == ["LW-A", "LW-B"]
    entries = select(func.count()).where(AuditEntry.action == "test.last")
    assert db_session.scalar(entries) == 1
    if db_session.get_bind().dialect.name == "postgresql":
        assert len(sent) == 1  # one round trip: WITH w0 AS (INSERT …), … SELECT 1
        merged = " ".join(sent[0].split())
        assert merged.startswith("WITH w0 AS (INSERT INTO units")
        assert "w4 AS (INSERT INTO audit_entries" in merged
    else:
        assert [statement.split()[0] for statement in sent] == [
            "INSERT", "INSERT", "UPDATE", "DELETE", "INSERT"
        ]  # fmt: skip


def test_an_error_inside_the_block_sends_nothing(db_session: Session) -> None:
    db_session.flush()
    with pytest.raises(RuntimeError, match="refused"):
        _refused_block(db_session)
    assert _codes(db_session) == []
    _add(db_session, "LW-D")  # outside a block: at once
    assert _codes(db_session) == ["LW-D"]


def _refused_block(session: Session) -> None:
    with written_last(session):
        _add(session, "LW-C")
        raise RuntimeError("refused")


def test_a_nested_block_joins_the_outer_one(db_session: Session) -> None:
    db_session.flush()
    with written_last(db_session):
        with written_last(db_session):
            _add(db_session, "LW-E")
        assert _codes(db_session) == []
    assert _codes(db_session) == ["LW-E"]


def test_templates_go_as_one_statement_built_once(
    db_session: Session, statements: list[str]
) -> None:
    """Two blocks of the same templates: each template's parameters are its own (both name
    theirs `code`), and the second block reuses the merged statement the first built."""
    db_session.flush()
    db_session.connection()  # the test's savepoint is not one of the block's statements
    sent, hits = [], batched._merged.cache_info().hits
    for suffix in ("1", "2"):
        before = len(statements)
        with written_last(db_session):
            _add(db_session, f"LW-T{suffix}")
            write_last(db_session, _RENAME, {"which": f"LW-T{suffix}", "name": f"renamed {suffix}"})
        sent.append(statements[before:])
    names = select(Unit.name_en).where(Unit.code.like("LW-T%")).order_by(Unit.code)
    if db_session.get_bind().dialect.name == "postgresql":
        # one statement: the UPDATE's CTE saw the snapshot from before the INSERT's
        assert list(db_session.scalars(names)) == ["LW-T1", "LW-T2"]
        assert [len(s) for s in sent] == [1, 1]
        assert sent[0] == sent[1]
        assert batched._merged.cache_info().hits > hits  # built by the first block, reused
        assert "w0_code" in sent[0][0]
        assert "w1_which" in sent[0][0]
    else:  # one by one, in order
        assert list(db_session.scalars(names)) == ["renamed 1", "renamed 2"]
        assert [len(s) for s in sent] == [2, 2]


def test_a_later_block_sees_an_earlier_blocks_rows(db_session: Session) -> None:
    db_session.flush()
    with written_last(db_session):
        _add(db_session, "LW-M1")
        _add(db_session, "LW-M2")
        _add(db_session, "LW-M3")
    assert [c for c in _codes(db_session) if c.startswith("LW-M")] == ["LW-M1", "LW-M2", "LW-M3"]
    with written_last(db_session):  # a later block sees the rows: the rename finds them
        write_last(db_session, _RENAME, {"which": "LW-M1", "name": "one"})
        write_last(db_session, _RENAME, {"which": "LW-M2", "name": "two"})
    renamed = select(Unit.name_en).where(Unit.code.in_(["LW-M1", "LW-M2"])).order_by(Unit.code)
    assert list(db_session.scalars(renamed)) == ["one", "two"]
