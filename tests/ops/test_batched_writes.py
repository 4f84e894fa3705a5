"""`written_last`: a block's last writes wait for its end, go in order, in one statement on
PostgreSQL, and an error inside the block sends none of them (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    event,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.models import AuditEntry
from wellbeing.core import batched
from wellbeing.core.batched import template_insert, write_last, written_last
from wellbeing.core.db import Database, UtcDateTime, WriteInReadTransaction, make_engine
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


# --- sent on the DBAPI cursor: what SQLAlchemy's own path would store, raise and show ----------

_kinds = MetaData()
_KINDS = Table(
    "batched_kinds",
    _kinds,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("doc", JSON, nullable=False),
    Column("blob", LargeBinary, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("label", String(20), nullable=False),
)
_INSERT_KIND = template_insert(_KINDS, ("id", "at", "doc", "blob", "flag")).values(
    label=literal("fixed")  # a value the statement itself holds
)


@pytest.fixture
def kinds(engine: Engine) -> Iterator[Table]:
    """A table of our own with a column of each kind of value the templates bind."""
    _kinds.create_all(engine)
    yield _KINDS
    _kinds.drop_all(engine)


def test_values_of_every_kind_are_stored_as_sqlalchemy_stores_them(
    engine: Engine, kinds: Table, statements: list[str]
) -> None:
    at = datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=timezone(timedelta(hours=8)))
    row = {"at": at, "doc": {"答": [1, None, "x"]}, "blob": b"\x00\xff", "flag": True}
    with Session(engine) as session, session.begin():
        with written_last(session):
            write_last(session, _INSERT_KIND, {"id": 1, **row})
            write_last(session, _INSERT_KIND, {"id": 2, **row})
        session.connection().execute(_INSERT_KIND, {"id": 3, **row})  # SQLAlchemy's own path
    assert sum("batched_kinds" in statement for statement in statements) == (
        2 if engine.dialect.name == "postgresql" else 3  # the listeners saw every statement
    )
    with engine.connect() as connection:
        typed = connection.execute(select(kinds).order_by(kinds.c.id)).all()
        stored = connection.exec_driver_sql(
            "SELECT id, at, doc, blob, flag, label FROM batched_kinds ORDER BY id"
        ).all()
    assert [tuple(r)[1:] for r in typed] == [(at, row["doc"], b"\x00\xff", True, "fixed")] * 3
    assert stored[0][1:] == stored[2][1:]  # the very values SQLAlchemy's own path stored
    assert stored[1][1:] == stored[2][1:]


def test_a_refused_row_raises_sqlalchemys_integrity_error(engine: Engine, kinds: Table) -> None:
    row = {"at": datetime(2026, 12, 8, tzinfo=UTC), "doc": {}, "blob": b"", "flag": False}
    with Session(engine) as session, session.begin():
        with pytest.raises(IntegrityError) as raised:
            _twice(session, {"id": 7, **row})
        session.rollback()
    assert "INSERT INTO batched_kinds" in str(raised.value)


def _twice(session: Session, row: dict[str, Any]) -> None:
    with written_last(session):
        write_last(session, _INSERT_KIND, row)
        write_last(session, _INSERT_KIND, row)


def test_a_template_whose_parameter_is_missing_is_named_by_sqlalchemy(
    db_session: Session,
) -> None:
    db_session.flush()
    with pytest.raises(StatementError, match="name_en"):
        _twice_without_name(db_session)


def _twice_without_name(session: Session) -> None:
    with written_last(session):
        write_last(session, _ADD, {"code": "LW-X", "name_zh": "x", "path": "/"})
        write_last(session, _ADD, {"code": "LW-Y", "name_zh": "y", "path": "/"})


def test_a_reading_transaction_still_refuses_the_writes(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'guard.db'}")
    _kinds.create_all(sqlite)
    database = Database.for_engine(sqlite, guard="raise")
    row = {"at": datetime(2026, 12, 8, tzinfo=UTC), "doc": {}, "blob": b"", "flag": False}
    with (
        database.request_session(reads_only=True) as session,
        pytest.raises(WriteInReadTransaction, match="INSERT"),
    ):
        _twice(session, {"id": 1, **row})
    with sqlite.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(_KINDS)) == 0
    sqlite.dispose()


def test_a_lost_connection_is_invalidated_not_pooled(engine: Engine, kinds: Table) -> None:
    row = {"at": datetime(2026, 12, 8, tzinfo=UTC), "doc": {}, "blob": b"", "flag": False}
    with Session(engine) as session:
        connection = session.connection()
        connection.connection.dbapi_connection.close()  # type: ignore[union-attr]
        with pytest.raises(DBAPIError) as raised:
            _twice(session, {"id": 9, **row})
        assert raised.value.connection_invalidated or connection.invalidated
        session.rollback()
    with engine.connect() as fresh:  # the pool hands out a working connection
        assert fresh.scalar(select(func.count()).select_from(_KINDS)) == 0
