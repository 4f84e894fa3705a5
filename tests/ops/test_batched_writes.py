"""`written_last`: a block's last writes wait for its end, go in order, in one statement on
PostgreSQL, and an error inside the block sends none of them (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.models import AuditEntry
from wellbeing.core.batched import write_last, written_last
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


def _unit(code: str) -> Any:
    return insert(Unit).values(code=code, name_zh=code, name_en=code, path="/")


def _codes(session: Session) -> list[str]:
    return sorted(session.scalars(select(Unit.code).where(Unit.code.like("LW-%"))))


def test_the_writes_wait_for_the_end_and_go_in_order(
    db_session: Session, statements: list[str]
) -> None:
    db_session.flush()
    with audit.appended_last(db_session):  # a written_last block whose audit entries go last
        write_last(db_session, _unit("LW-A"))
        write_last(db_session, _unit("LW-B"))
        write_last(db_session, update(Unit).where(Unit.code == "LW-NONE").values(name_en="x"))
        write_last(db_session, delete(Unit).where(Unit.code == "LW-NONE"))
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
    write_last(db_session, _unit("LW-D"))  # outside a block: at once
    assert _codes(db_session) == ["LW-D"]


def _refused_block(session: Session) -> None:
    with written_last(session):
        write_last(session, _unit("LW-C"))
        raise RuntimeError("refused")


def test_a_nested_block_joins_the_outer_one(db_session: Session) -> None:
    db_session.flush()
    with written_last(db_session):
        with written_last(db_session):
            write_last(db_session, _unit("LW-E"))
        assert _codes(db_session) == []
    assert _codes(db_session) == ["LW-E"]
