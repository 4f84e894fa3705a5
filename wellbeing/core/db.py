"""Engine, sessions and the one declarative Base (SQLAlchemy 2 typed models).

Sessions write unless told they only read (`set_reading`). On SQLite a writing session's
transactions begin IMMEDIATE (the write lock up front) and a reading one's begin DEFERRED, so
under WAL reads never wait for a writer; on PostgreSQL both begin alike. A writing request
finds its caller in a deferred transaction of its own first (`read_apart`, `read_then_write`),
so on SQLite the write lock is held from its first write, not from its sign-in. A statement
that writes in a reading transaction is caught (`WriteInReadTransaction` in tests, an error log
otherwise).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar, cast

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from wellbeing.core.sqlite_gate import GatedConnection

logger = logging.getLogger("wellbeing.db")
T = TypeVar("T")
GuardMode = Literal["raise", "log"]
BEGIN_OPTION = "wellbeing_sqlite_begin"  # connection execution option: "DEFERRED" or "IMMEDIATE"
_READING = "wellbeing.reading"  # Session.info: the guard mode of a reading session
_GUARD = "wellbeing.read_guard"  # Connection.info: set while a reading session holds it
_GUARDED = "wellbeing.guarded"  # Session.info: (transaction, connection info) to clear at its end
_READS_APART = "wellbeing.reads_apart"  # Session.info: the guard mode of reads done before writing
_READ_WORDS = frozenset(
    {"SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "SHOW"}
)
_LOCKS = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(KEY\s+)?SHARE\b", re.IGNORECASE)
_WRITING_CTE = re.compile(r"\)\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The one declarative base; constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime()}


IntPk = Annotated[int, mapped_column(primary_key=True)]
Code = Annotated[str, mapped_column(String(64))]
Name = Annotated[str, mapped_column(String(200))]


def _tune_sqlite(engine: Engine) -> None:
    """Make pysqlite transactional (savepoints work) and safe for a few concurrent writers."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that read and then
        # writes after another writer committed fails at once with "database is locked"
        # (SQLITE_BUSY_SNAPSHOT under WAL; the busy timeout cannot help it), so concurrent
        # requests would fail instead of wait. Hence only reading sessions begin DEFERRED:
        # under WAL they read a snapshot and never wait for the writer.
        # A writer first waits at the writer gate (wellbeing.core.sqlite_gate), so it starts the
        # moment the writer before it commits instead of after a busy-handler sleep.
        if connection.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE") == "DEFERRED":
            connection.exec_driver_sql("BEGIN")
            return
        gate = cast(GatedConnection, connection.connection.dbapi_connection)  # make_engine's
        gate.take_writer_gate()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.give_back_writer_gate()
            raise


class WriteInReadTransaction(RuntimeError):
    """A statement that writes ran in a reading session's transaction: on SQLite it began
    DEFERRED and would fail with "database is locked" once another writer committed first."""


def statement_writes(statement: str) -> bool:
    """Whether SQL text writes or takes row locks (`… FOR UPDATE`, the PostgreSQL side of the
    IMMEDIATE lock): what a reading transaction must not do."""
    words = statement.lstrip().split(None, 1)
    first = words[0].upper() if words else ""
    if first == "WITH":
        return bool(_WRITING_CTE.search(statement) or _LOCKS.search(statement))
    if first == "SELECT":
        return bool(_LOCKS.search(statement))
    return first not in _READ_WORDS


def _install_read_guard(engine: Engine) -> None:
    """Check every statement on a connection a reading session holds; forget the mark when the
    connection goes back to the pool (before anyone else can check it out)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        mode = conn.info.get(_GUARD)
        if mode is None or not statement_writes(statement):
            return
        message = (
            f"{statement.split(None, 1)[0]} in a transaction begun for reading only: a request "
            "that writes on GET must say so (wellbeing.faces.context.writes)"
        )
        if mode == "raise":
            raise WriteInReadTransaction(message)
        logger.error(message)

    @event.listens_for(engine, "checkin")
    def _forget(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info.pop(_GUARD, None)


def make_engine(url: str) -> Engine:
    """Create the engine for a URL, with the SQLite tuning when it is SQLite."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    connect_args = {"factory": GatedConnection} if is_sqlite else {}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if is_sqlite:
        _tune_sqlite(engine)
    _install_read_guard(engine)
    return engine


def set_reading(session: Session, mode: GuardMode | None) -> None:
    """From the session's next transaction on, read only (`mode`: what a write then does) or,
    with None, write (the default). Refused inside a transaction: its BEGIN was already sent."""
    if session.in_transaction():
        raise RuntimeError(
            "a session changes between reading and writing only between transactions"
        )
    if mode is None:
        session.info.pop(_READING, None)
    else:
        session.info[_READING] = mode
    begin = "IMMEDIATE" if mode is None else "DEFERRED"
    session.execution_options = session.execution_options.union({BEGIN_OPTION: begin})


def is_reading(session: Session) -> bool:
    """Whether the session's transactions read only."""
    return _READING in session.info


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """A block in a transaction of its own that may write, committed at its end (rolled back on
    an error). A reading session first ends its read transaction (it wrote nothing), so the
    block reads afresh under the write lock, and reads again afterwards."""
    mode: GuardMode | None = session.info.get(_READING)
    if mode is not None:
        session.commit()
        set_reading(session, None)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if mode is not None:
            set_reading(session, mode)


def read_then_write(session: Session, work: Callable[[Session], T]) -> T:
    """Run `work`, which mostly only reads but may change ORM objects (a sliding expiry's
    touch), and commit what it changed. In a reading session its changes are not flushed but
    dropped, and `work` runs again inside `writing`: it decides again on what it reads under
    the write lock. A writing request's session on SQLite, not yet begun, does the same, so its
    sign-in takes the write lock only when it changes something (`read_apart`). (Core statements
    that write would trip the read guard: ORM changes only.)"""
    if not is_reading(session):
        mode: GuardMode | None = session.info.get(_READS_APART)
        if mode is None or session.in_transaction():
            result = work(session)
            session.commit()
            return result
        # On SQLite the write lock need not be held while reading what `work` decides on (who
        # is calling): read in a deferred transaction, and take the lock only for a change.
        return _apart(session, mode, lambda reading: read_then_write(reading, work))
    with session.no_autoflush:
        result = work(session)
    if not (session.new or session.deleted or session.dirty):
        return result
    session.rollback()
    with writing(session):
        return work(session)


def read_apart(session: Session, work: Callable[[Session], T]) -> T:
    """Run `work`, which only reads (who is calling). In a writing request's session on SQLite,
    before it has begun, it runs in a deferred transaction of its own, ended at once, so the
    write lock is taken only at the request's first write; elsewhere in the session's
    transaction, uncommitted (on PostgreSQL reads take no lock: no extra round trip)."""
    mode: GuardMode | None = session.info.get(_READS_APART)
    if mode is None or is_reading(session) or session.in_transaction():
        return work(session)
    return _apart(session, mode, work)


def _apart(session: Session, mode: GuardMode, work: Callable[[Session], T]) -> T:
    set_reading(session, mode)
    try:
        result = work(session)
        session.commit()  # ends the read transaction; a change was written by `writing`
    except BaseException:
        session.rollback()  # the error goes on as it is, the session between transactions
        raise
    finally:
        set_reading(session, None)
    return result


def _mark_connection(session: Session, transaction: Any, connection: Any) -> None:
    mode = session.info.get(_READING)
    if mode is not None and _GUARDED not in session.info:
        info = connection.info
        info[_GUARD] = mode
        session.info[_GUARDED] = (transaction, info)


def _unmark_connection(session: Session, transaction: Any) -> None:
    held = session.info.get(_GUARDED)
    if held is not None and held[0] is transaction:
        held[1].pop(_GUARD, None)
        del session.info[_GUARDED]


@dataclass
class Database:
    """The engine and the session factory of one app."""

    engine: Engine
    session_factory: sessionmaker[Session]
    guard: GuardMode = "log"  # what a write in a reading session does ("raise" in tests)
    defer_reads: bool = True  # False: reading sessions write-lock too (bench/reads.py's baseline)

    @classmethod
    def for_engine(cls, engine: Engine, guard: GuardMode = "log") -> Database:
        """Wrap an engine with a session factory whose reading sessions are guarded."""
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        event.listen(factory, "after_begin", _mark_connection)
        event.listen(factory, "after_transaction_end", _unmark_connection)
        return cls(engine, factory, guard)

    def request_session(self, reads_only: bool) -> Session:
        """A new session for a request: reading when it only reads (and reads are deferred)."""
        session = self.session_factory()
        if reads_only and self.defer_reads:
            set_reading(session, self.guard)
        elif self.defer_reads and self.engine.dialect.name == "sqlite":
            session.info[_READS_APART] = self.guard  # finding the caller takes no write lock
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        with self.session_factory() as session, session.begin():
            yield session


def new_id() -> str:
    """Return a random client-side record id (32 hex digits), known before the first flush."""
    return secrets.token_hex(16)
