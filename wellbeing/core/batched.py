"""Writes sent together at the end of a block: one round trip on PostgreSQL instead of one each.

A submission ends with writes nothing in its transaction reads back: the assignment's progress,
the draft's deletion, the report fact, the audit entries. Inside `written_last(session)` each
`write_last(session, statement)` is kept, and when the block ends without an error they are
sent in order — on PostgreSQL as one statement whose data-modifying CTEs run them all
(`WITH w0 AS (UPDATE …), w1 AS (DELETE …), w2 AS (INSERT …) SELECT 1`: each runs exactly once,
to completion, whether or not the main query reads it), elsewhere one by one (SQLite runs in
the process: a round trip costs nothing there). An error inside the block sends nothing.

Only for statements whose effects nothing later in the same block reads: the CTEs of one
statement all see the snapshot from before it, not each other's changes. Statements must carry
their values (`.values(...)`, literals in `where`), not named bind parameters, so that two of
them never clash in the merged statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

_LAST = "wellbeing.core.written_last"  # session.info key of the statements kept for the end


@contextmanager
def written_last(session: Session) -> Iterator[list[UpdateBase]]:
    """Keep the block's `write_last` statements and send them when it ends (see the module).

    Yields the list, so a caller may add its own statements last. Nested blocks join the
    outermost one.
    """
    outer = session.info.get(_LAST)
    if outer is not None:
        yield outer
        return
    kept: list[UpdateBase] = []
    session.info[_LAST] = kept
    try:
        yield kept
    finally:
        session.info.pop(_LAST, None)
    send(session, kept)


def write_last(session: Session, statement: UpdateBase) -> None:
    """Run `statement` now, or at the end of the enclosing `written_last` block."""
    kept = session.info.get(_LAST)
    if kept is None:
        session.connection().execute(statement)
    else:
        kept.append(statement)


def send(session: Session, statements: list[UpdateBase]) -> None:
    """Run the statements in order: merged into one on PostgreSQL, else one by one."""
    connection = session.connection()
    if len(statements) < 2 or connection.dialect.name != "postgresql":
        for statement in statements:
            connection.execute(statement)
        return
    merged = select(literal(1))
    for number, statement in enumerate(statements):
        merged = merged.add_cte(statement.cte(f"w{number}"))
    connection.execute(merged)
