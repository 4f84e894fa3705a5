"""How one batch of a rotation is read and written, per database.

Rotation re-wraps only a value's data key: the header, wrap nonce and wrapped key at the front
change, the payload nonce and ciphertext behind them never do. On PostgreSQL, where every byte
crosses a socket, a batch therefore reads only the front of each value (`HEAD_READ` bytes) and
writes only the new front, joined server-side to the value's unchanged rest, in one
`UPDATE … FROM unnest(…)` per batch. SQLite is in-process, so there the whole values are read
and written with one prepared statement run for each row (it already runs at raw `sqlite3` speed).

Both guard each write with what was read (the old front, or the old value): a record the app
rewrote meanwhile is left alone and counted as changed, never overwritten with stale data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, LargeBinary, bindparam, func, select, true, update
from sqlalchemy.orm import Session

from wellbeing.crypto.envelope import NONCE_BYTES, TAG_BYTES, WRAPPED_KEY_BYTES
from wellbeing.sealing.columns import SealedColumnInfo

_WRAP_BYTES = NONCE_BYTES + WRAPPED_KEY_BYTES
# A header with the longest KEK id a keyring accepts (64), the wrap, and the payload nonce and a
# tag's worth of bytes, so `rewrap` sees a value of legal length and re-wraps it as usual.
HEAD_READ = 2 + 64 + _WRAP_BYTES + NONCE_BYTES + TAG_BYTES


class BatchStore:
    """Whole values, read with Core and written by one statement run per row (SQLite)."""

    fronts_only = False  # whether `pending` reads, and `write` takes, only the values' fronts

    def __init__(self, info: SealedColumnInfo) -> None:
        self.info = info
        (self.key,) = info.table.primary_key.columns
        self.blob: Column[Any] = info.table.c[info.column]

    def pending(self, session: Session, after: Any, size: int, header: bytes) -> Sequence[Any]:
        """The next `size` (id, value) rows after id `after` not already under `header`, by id."""
        query = select(self.key, self.blob).where(
            self.blob.is_not(None),
            func.substr(self.blob, 1, len(header), type_=LargeBinary) != header,
            self.key > after if after is not None else true(),
        )
        return session.execute(query.order_by(self.key).limit(size)).all()

    def write(self, session: Session, ids: list[Any], olds: list[bytes], news: list[bytes]) -> int:
        """Store the re-wrapped values; return how many rows still held what was read."""
        statement = (
            update(self.info.table)
            .where(self.key == bindparam("b_id"), self.blob == bindparam("b_old"))
            .values({self.info.column: bindparam("b_new")})
        )
        rows = [
            {"b_id": i, "b_old": old, "b_new": new}
            for i, old, new in zip(ids, olds, news, strict=True)
        ]
        result = session.connection().execute(statement, rows)
        return result.rowcount if result.rowcount >= 0 else len(rows)


class PostgresStore(BatchStore):
    """Fronts only: read `HEAD_READ` bytes per value, write the new fronts in one statement.

    Both statements go straight to the driver's cursor inside the session's transaction: a
    batch is a few hundred rows of two short values, where building result rows costs as much
    as the database's work."""

    fronts_only = True

    def __init__(self, info: SealedColumnInfo, session: Session) -> None:
        super().__init__(info)
        dialect = session.get_bind().dialect
        quote = dialect.identifier_preparer.quote
        table = dialect.identifier_preparer.format_table(info.table)
        column, key = quote(info.column), quote(self.key.name)
        key_type = self.key.type.compile(dialect=dialect)
        select_pending = (
            f"SELECT {key}, substr({column}, 1, {HEAD_READ}) FROM {table} "  # noqa: S608 - names
            f"WHERE {column} IS NOT NULL AND substr({column}, 1, %s) <> %s{{}} "
            f"ORDER BY {key} LIMIT %s"
        )
        self._first = select_pending.format("")
        self._after = select_pending.format(f" AND {key} > %s")
        # The first bytes of the stored value must still be the front that was read; then the
        # new front replaces them and the payload nonce and ciphertext stay where they are.
        self._update = (
            f"UPDATE {table} AS t SET {column} = v.head || substring(t.{column} from "  # noqa: S608
            f"length(v.old) + 1) FROM unnest(%b::{key_type}[], %b::bytea[], %b::bytea[]) "
            f"AS v(id, old, head) WHERE t.{key} = v.id "
            f"AND substring(t.{column} for length(v.old)) = v.old"
        )

    def pending(self, session: Session, after: Any, size: int, header: bytes) -> Sequence[Any]:
        cursor = session.connection().connection.cursor()
        if after is None:
            cursor.execute(self._first, (len(header), header, size))
        else:
            cursor.execute(self._after, (len(header), header, after, size))
        return cursor.fetchall()

    def write(self, session: Session, ids: list[Any], olds: list[bytes], news: list[bytes]) -> int:
        fronts = [old[: 2 + old[1] + _WRAP_BYTES] for old in olds]  # header and wrap read
        cursor = session.connection().connection.cursor()
        cursor.execute(self._update, (ids, fronts, news))
        return int(cursor.rowcount)


def store_for(session: Session, info: SealedColumnInfo) -> BatchStore:
    """The batch store for this session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return PostgresStore(info, session)
    return BatchStore(info)
