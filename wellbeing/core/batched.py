"""Writes sent together at the end of a block: one round trip on PostgreSQL instead of one each.

A submission ends with writes nothing in its transaction reads back: the assignment's progress,
the draft's deletion, the report fact, the audit entries. Inside `written_last(session)` each
`write_last(session, template, params)` is kept, and when the block ends without an error they are
sent in order — on PostgreSQL as one statement whose data-modifying CTEs run them all
(`WITH w0 AS (UPDATE …), w1 AS (DELETE …), w2 AS (INSERT …) SELECT 1`: each runs exactly once,
to completion, whether or not the main query reads it), elsewhere one by one (SQLite runs in
the process: a round trip costs nothing there). An error inside the block sends nothing.

Only for statements whose effects nothing later in the same block reads: the CTEs of one
statement all see the snapshot from before it, not each other's changes.

Each statement is a *template*: built once, at import (`template_insert`, or any statement whose
values are named `bindparam`s), and sent with its `params`. The merged statement for a given
sequence of templates is built once too (each template's parameters renamed `w<n>_<name>` so two
never clash) and SQLAlchemy's compiled cache then serves it, so a request neither builds nor
compiles SQL — building a statement costs the app more than the database spends running it
(docs/deployment.md §11).

Statements skip SQLAlchemy's execution path too: each (merged) template is compiled once
per dialect into its SQL text, the order of its parameters and their types' bind processors
(`_Prepared`), and sent on the connection's own DBAPI cursor — on SQLite, where statements go
one by one, that path cost ~25 µs a statement, more than SQLite spends running it. What that
path does still happens: the engine's `before_cursor_execute` and `after_cursor_execute`
listeners (the read guard among them) see every statement (their return values are not used:
none of ours is a `retval=True` listener), a DBAPI error is raised as SQLAlchemy's (an
`IntegrityError` stays one, for the callers that replay on it), and a lost connection is
invalidated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Dialect, Table, bindparam, literal, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Insert, UpdateBase
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import Select

_LAST = "wellbeing.core.written_last"  # session.info key of the statements kept for the end

Params = Mapping[str, Any]
Kept = tuple[UpdateBase, Params]  # a template and its parameters


def template_insert(table: Table, keys: Iterable[str] | None = None) -> Insert:
    """`INSERT INTO table (keys…) VALUES (:key…)`: a template whose parameters are the keys
    (every column's, when none are named)."""
    named = [column.key for column in table.columns] if keys is None else keys
    return table.insert().values({key: bindparam(key) for key in named})


@contextmanager
def written_last(session: Session) -> Iterator[list[Kept]]:
    """Keep the block's `write_last` statements and send them when it ends (see the module).

    Yields the list of (statement, params), so a caller may add its own statements last.
    Nested blocks join the outermost one.
    """
    outer = session.info.get(_LAST)
    if outer is not None:
        yield outer
        return
    kept: list[Kept] = []
    session.info[_LAST] = kept
    try:
        yield kept
    finally:
        session.info.pop(_LAST, None)
    send(session, kept)


def write_last(session: Session, template: UpdateBase, params: Params) -> None:
    """Run `template` with `params` now, or at the end of the enclosing `written_last` block."""
    kept = session.info.get(_LAST)
    if kept is None:
        _run(session.connection(), template, params)
    else:
        kept.append((template, params))


def send(session: Session, kept: list[Kept]) -> None:
    """Run the statements in order: merged into one on PostgreSQL, else one by one."""
    connection = session.connection()
    if len(kept) < 2 or connection.dialect.name != "postgresql":
        for statement, params in kept:
            _run(connection, statement, params)
        return
    values = {
        f"w{number}_{key}": value
        for number, (_template, params) in enumerate(kept)
        for key, value in params.items()
    }
    _run(connection, _merged(tuple(template for template, _params in kept)), values)


class _Prepared(NamedTuple):
    """A template compiled for one dialect: its SQL, whether the DBAPI takes the parameters by
    position (else by name), and per parameter in that order its name, its type's bind processor
    and, for a parameter the statement itself fixes (`literal(…)`), its value."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]


Template = UpdateBase | Select[Any]
_NOT_FIXED = object()


@lru_cache(maxsize=256)  # templates are few; merged ones come and go with _merged
def _prepared(statement: Template, dialect: Dialect) -> _Prepared | None:
    """The template compiled for this dialect, or None for one SQLAlchemy must finish at each
    execution (a column default computed in Python, an expanding IN list): that one goes
    SQLAlchemy's own way."""
    compiled = statement.compile(dialect=dialect)
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.post_compile_params
        or compiled.literal_execute_params
    ):
        return None
    order = (compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    binds = []
    for name in order:
        bind = compiled.binds[name]
        fixed = _NOT_FIXED if bind.required else bind.effective_value
        binds.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect), fixed))
    return _Prepared(str(compiled), compiled.positional, tuple(binds))


def _values(prepared: _Prepared, params: Params) -> list[Any] | dict[str, Any] | None:
    """The parameters as the DBAPI takes them (a list by position, else a dict by name),
    processed; None when one is left out."""
    values = []
    for name, process, fixed in prepared.binds:
        if fixed is _NOT_FIXED:
            if name not in params:
                return None
            value = params[name]
        else:
            value = fixed
        values.append(value if process is None else process(value))
    if prepared.positional:
        return values
    return {bind[0]: value for bind, value in zip(prepared.binds, values, strict=True)}


def _run(connection: Connection, statement: Template, params: Params) -> None:
    """Send a template with its parameters on the connection's DBAPI cursor (see the module)."""
    prepared = _prepared(statement, connection.dialect)
    sent = None if prepared is None else _values(prepared, params)
    if prepared is None or sent is None:  # SQLAlchemy's own path (it names what is missing)
        connection.execute(statement, params)
        return
    sql = prepared.sql
    dbapi = connection.dialect.loaded_dbapi
    raw = connection.connection.dbapi_connection
    cursor = None
    try:
        cursor = raw.cursor()  # type: ignore[union-attr]
        for listen in connection.dispatch.before_cursor_execute:
            listen(connection, cursor, sql, sent, None, False)
        cursor.execute(sql, sent)
        for listen in connection.dispatch.after_cursor_execute:
            listen(connection, cursor, sql, sent, None, False)
    except dbapi.Error as error:
        if connection.dialect.is_disconnect(error, raw, cursor):
            connection.invalidate(error)  # as SQLAlchemy's own path does: not back to the pool
        hide = connection.engine.hide_parameters
        raise DBAPIError.instance(sql, sent, error, dbapi.Error, hide) from error
    finally:
        if cursor is not None and not connection.invalidated:
            cursor.close()


@lru_cache(maxsize=64)  # a handful of sequences of templates ever occur
def _merged(statements: tuple[UpdateBase, ...]) -> Select[Any]:
    merged = select(literal(1))
    for number, statement in enumerate(statements):
        merged = merged.add_cte(_renamed(statement, number).cte(f"w{number}"))
    return merged


def _renamed(statement: UpdateBase, number: int) -> UpdateBase:
    """The template with each named parameter `p` renamed `w<number>_p`. An anonymous one (a
    `literal(…)`: it holds its value, and compiling names it uniquely) is kept as it is."""

    def rename(element: Any, **_kw: Any) -> Any:
        if isinstance(element, BindParameter) and not element.unique:
            return bindparam(
                f"w{number}_{element.key}",
                element.value,
                type_=element.type,
                expanding=element.expanding,
                required=element.required,
            )
        return None

    return cast(UpdateBase, visitors.replacement_traverse(statement, {}, rename))
