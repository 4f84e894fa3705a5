"""`rotate_all` on PostgreSQL against a raw psycopg loop doing the same reads and writes.

The floor walks the table as `rotate_all` does: keyset pages of 500 by id, each reading only the
front of the values not yet under the target KEK (`substr(…, 1, HEAD_READ)`), one AES-GCM unwrap
and wrap per value with cached ciphers and no checks, then one `UPDATE … FROM unnest(…)` writing
the new fronts, and a commit, through a bare psycopg connection. Ours is `rotate_all` as
`wellbeing keys rotate` runs it (a session per batch, counting first for the progress line).
With `naive`, a third loop shows what reading fronts only buys: whole values read and written
back with `UPDATE … FROM (VALUES …)`. Every run moves the whole table to the other KEK; runs
alternate (the order flips each round), each after a VACUUM, timed in wall time (the server's
work is the point); the figure is the median over rounds of floor time / our time.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, MetaData, Table, make_url
from sqlalchemy.orm import Session, sessionmaker

from wellbeing.core.db import make_engine
from wellbeing.crypto import Keyring
from wellbeing.crypto.envelope import _wrap_aad
from wellbeing.sealing.batches import HEAD_READ
from wellbeing.sealing.rotation import rotate_all

BATCH = 500
_SELECT = (
    "SELECT id, substr(payload_sealed, 1, {head}) FROM bench_records "
    "WHERE payload_sealed IS NOT NULL AND substr(payload_sealed, 1, %s) <> %s {after}"
    "ORDER BY id LIMIT {batch}"
)
_UPDATE = (
    "UPDATE bench_records AS t SET payload_sealed = v.head || substring(t.payload_sealed from "
    "length(v.old) + 1) FROM unnest(%b::varchar(32)[], %b::bytea[], %b::bytea[]) AS v(id, old, "
    "head) WHERE t.id = v.id AND substring(t.payload_sealed for length(v.old)) = v.old"
)


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg's connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def floor_loop(connection: psycopg.Connection, old: Keyring, new: Keyring) -> int:
    """Rotate every value from `old`'s primary to `new`'s, the bare way; return the count."""
    old_kek, new_kek = old.primary, new.primary
    unwrap, wrap = AESGCM(old_kek.key).decrypt, AESGCM(new_kek.key).encrypt
    old_aad, new_aad = _wrap_aad(1, old_kek.id), _wrap_aad(1, new_kek.id)
    header = bytes([1, len(new_kek.id)]) + new_kek.id.encode()
    first = _SELECT.format(head=HEAD_READ, after="", batch=BATCH)
    later = _SELECT.format(head=HEAD_READ, after="AND id > %s ", batch=BATCH)
    front = 2 + len(old_kek.id) + 60
    urandom, done, after = os.urandom, 0, None
    cursor = connection.cursor()
    while True:
        params = (len(header), header) if after is None else (len(header), header, after)
        rows = cursor.execute(first if after is None else later, params).fetchall()
        if not rows:
            connection.commit()
            return done
        ids, olds, heads = [], [], []
        for record_id, value in rows:
            data_key = unwrap(value[front - 60 : front - 48], value[front - 48 : front], old_aad)
            nonce = urandom(12)
            ids.append(record_id)
            olds.append(value[:front])
            heads.append(header + nonce + wrap(nonce, data_key, new_aad))
        cursor.execute(_UPDATE, (ids, olds, heads))
        connection.commit()
        done += len(rows)
        after = rows[-1][0]


def naive_loop(connection: psycopg.Connection, old: Keyring, new: Keyring) -> int:
    """Whole values read by id pages and written back with UPDATE … FROM (VALUES …)."""
    old_kek, new_kek = old.primary, new.primary
    unwrap, wrap = AESGCM(old_kek.key).decrypt, AESGCM(new_kek.key).encrypt
    old_aad, new_aad = _wrap_aad(1, old_kek.id), _wrap_aad(1, new_kek.id)
    header = bytes([1, len(new_kek.id)]) + new_kek.id.encode()
    front = 2 + len(old_kek.id) + 60
    select = "SELECT id, payload_sealed FROM bench_records WHERE id > %s ORDER BY id LIMIT %s"
    cursor, done, after = connection.cursor(), 0, ""
    while True:
        rows = cursor.execute(select, (after, BATCH)).fetchall()
        if not rows:
            connection.commit()
            return done
        params: list[object] = []
        for record_id, value in rows:
            data_key = unwrap(value[front - 60 : front - 48], value[front - 48 : front], old_aad)
            nonce = os.urandom(12)
            fresh = header + nonce + wrap(nonce, data_key, new_aad) + value[front:]
            params += (record_id, value, fresh)
        values = ", ".join(["(%s::varchar(32), %s::bytea, %s::bytea)"] * len(rows))
        cursor.execute(
            f"UPDATE bench_records AS t SET payload_sealed = v.new FROM (VALUES {values}) "  # noqa: S608 - placeholders only
            "AS v(id, old, new) WHERE t.id = v.id AND t.payload_sealed = v.old",
            params,
        )
        connection.commit()
        done += len(rows)
        after = rows[-1][0]


def measure_pg_rotation(
    url: str,
    metadata: MetaData,
    fill: Callable[[sessionmaker[Session], int], None],
    first: Keyring,
    records: int,
    rounds: int,
    naive: bool,
) -> list[tuple[str, float, float]]:
    """Return (method, median records/s, median floor time / its time) for each loop."""
    engine = make_engine(url)  # as `wellbeing keys rotate` opens it
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    table = metadata.tables["bench_records"]
    try:
        _recreate(engine, metadata, table)
        fill(factory, records)
        ring = first.with_added_key()
        keyrings = [ring.promote(ring.keys[-1].id), ring.promote(first.primary_id)]
        with psycopg.connect(libpq_url(url)) as connection:
            runs: dict[str, Callable[[Keyring, Keyring], int]] = {
                "floor": lambda old, new: floor_loop(connection, old, new),
                "ours": lambda old, new: rotate_all(factory, new, metadata).rewrapped,
            }
            if naive:
                runs["naive"] = lambda old, new: naive_loop(connection, old, new)
            times = _alternate(engine, runs, keyrings, first, records, rounds)
    finally:
        engine.dispose()
    labels = {
        "floor": "raw psycopg loop, fronts, UPDATE FROM unnest",
        "ours": "rotate_all (keys rotate), fronts",
        "naive": "raw psycopg loop, whole values, VALUES",
    }
    return [
        (
            labels[name],
            records / statistics.median(spent),
            statistics.median(f / t for f, t in zip(times["floor"], spent, strict=True)),
        )
        for name, spent in times.items()
    ]


def _alternate(
    engine: Engine,
    runs: dict[str, Callable[[Keyring, Keyring], int]],
    keyrings: list[Keyring],
    current: Keyring,
    records: int,
    rounds: int,
) -> dict[str, list[float]]:
    """Time every run once per round, the order reversed every other round; each run moves
    all records to the KEK they are not under, after a VACUUM of the table."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(rounds):
        order = list(runs) if index % 2 == 0 else list(reversed(runs))
        for name in order:
            target = keyrings[0] if current.primary_id != keyrings[0].primary_id else keyrings[1]
            _vacuum(engine)
            start = time.perf_counter()
            moved = runs[name](current, target)
            times[name].append(time.perf_counter() - start)
            assert moved == records, (name, moved)
            current = target
    return times


def _recreate(engine: Engine, metadata: MetaData, table: Table) -> None:
    metadata.drop_all(engine, tables=[table])
    metadata.create_all(engine, tables=[table])


def _vacuum(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM bench_records")
