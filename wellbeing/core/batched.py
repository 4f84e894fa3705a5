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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, literal, select
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
        session.connection().execute(template, params)
    else:
        kept.append((template, params))


def send(session: Session, kept: list[Kept]) -> None:
    """Run the statements in order: merged into one on PostgreSQL, else one by one."""
    connection = session.connection()
    if len(kept) < 2 or connection.dialect.name != "postgresql":
        for statement, params in kept:
            connection.execute(statement, params)
        return
    values = {
        f"w{number}_{key}": value
        for number, (_template, params) in enumerate(kept)
        for key, value in params.items()
    }
    connection.execute(_merged(tuple(template for template, _params in kept)), values)


@lru_cache(maxsize=64)  # a handful of sequences of templates ever occur
def _merged(statements: tuple[UpdateBase, ...]) -> Select[Any]:
    merged = select(literal(1))
    for number, statement in enumerate(statements):
        merged = merged.add_cte(_renamed(statement, number).cte(f"w{number}"))
    return merged


def _renamed(statement: UpdateBase, number: int) -> UpdateBase:
    """The template with each named parameter `p` renamed `w<number>_p`."""

    def rename(element: Any, **_kw: Any) -> Any:
        if isinstance(element, BindParameter):
            renamed = f"w{number}_{element.key}"
            return bindparam(renamed, type_=element.type, expanding=element.expanding)
        return None

    return cast(UpdateBase, visitors.replacement_traverse(statement, {}, rename))
