"""Benchmark sealing and opening against their floor, and rotation against a bare loop.

Run from the repository root (a few minutes; `--quick` takes well under a minute):

    PYTHONPATH=. .venv/bin/python bench/crypto.py [--quick] [--payloads N] [--rounds N]
                                                  [--records N] [--database-url URL]

The floor of sealing a ~1 KiB value on this stack is one `os.urandom` call for the data key and
both nonces, a fresh `AESGCM` for the data key, one encryption with the value's associated data
(precomputed) and one wrap under a cached KEK cipher; the floor of opening is the unwrap under a
cached KEK cipher, a fresh `AESGCM` and one decryption of parts split beforehand. Ours is a
sealed column's binder sealing the same bytes for each value's record and owner, and opening them
again. Floor and ours alternate round by round (the order flips each round) in the same process,
timed in process CPU time (other work on a shared machine counts for neither); each figure is
the median over rounds of floor time / our time, so 0.8 means within 1.25x of the floor. The
column rows add the JSON codec to both sides. The output ends with the lines
`RATIO seal_floor <value>` and `RATIO open_floor <value>` (higher is better).

With `--database-url postgresql+psycopg://…/<a bench database>` (its `bench_records` table is
dropped and refilled) it also rotates that many records on PostgreSQL, `rotate_all` against a raw
psycopg loop doing the same reads and batched writes (bench/rotation_pg.py), rounds alternated,
and prints `RATIO rotate_floor <value>` (floor time / our time).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from rotation_pg import measure_pg_rotation  # bench/ is the script's folder
from sqlalchemy import Engine, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from wellbeing.core.db import new_id
from wellbeing.crypto import Binder, Binding, Keyring, new_keyring, rewrap
from wellbeing.crypto.envelope import _parse, _wrap_aad
from wellbeing.sealing.columns import sealed_column, set_active_keyring
from wellbeing.sealing.rotation import count_by_kek, rotate_all


class Base(DeclarativeBase):
    pass


class BenchRecord(Base):
    __tablename__ = "bench_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[str] = mapped_column(String(32))
    payload = sealed_column("bench.payload", owner="officer_id")


def make_payload(rng: random.Random, size: int = 1024) -> dict[str, object]:
    """A JSON-ish screening payload of about `size` bytes once serialised."""
    payload: dict[str, object] = {
        "answers": [rng.randint(0, 3) for _ in range(40)],
        "scores": {"total": rng.randint(0, 120), "band": "moderate", "flags": ["item9"]},
    }
    filler = size - len(json.dumps(payload)) - len(', "note": ""')
    payload["note"] = "x" * max(filler, 0)
    return payload


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """Run `action` `repeats` times and return the median wall time."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


@dataclass
class EnvelopeCase:
    """One set of ~1 KiB values, each with its own record id and owner, and their sealed forms."""

    keyring: Keyring
    binder: Binder
    values: list[dict[str, object]]
    plaintexts: list[bytes]
    places: list[tuple[str, str]]  # (record id, owner) of each value
    aads: list[bytes]  # each value's associated data, precomputed for the floor
    sealed: list[bytes]

    @classmethod
    def build(cls, count: int) -> EnvelopeCase:
        """Make `count` values bound to distinct records of a few hundred owners."""
        rng = random.Random(4)
        keyring = new_keyring()
        binder = Binder("bench.payload", "bench_records", "payload")
        values = [make_payload(rng) for _ in range(count)]
        plaintexts = [compact_json(value) for value in values]
        places = [(new_id(), f"officer-{rng.randrange(300)}") for _ in range(count)]
        aads = [b"\x01" + Binding(*PLACE, r, o).encode() for r, o in places]
        sealed = [
            binder.seal(keyring, p, r, o) for p, (r, o) in zip(plaintexts, places, strict=True)
        ]
        return cls(keyring, binder, values, plaintexts, places, aads, sealed)


PLACE = ("bench.payload", "bench_records", "payload")


def compact_json(value: object) -> bytes:
    """The JSON text sealed columns store (compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def floor_seal(case: EnvelopeCase) -> Callable[[], object]:
    """The floor of sealing: one os.urandom call for the data key and both nonces, a fresh
    AESGCM for the data key, one encryption with the (precomputed) associated data, one wrap
    under a cached KEK cipher."""
    kek = case.keyring.primary
    wrap = AESGCM(kek.key).encrypt
    wrap_aad = _wrap_aad(1, kek.id)
    items = list(zip(case.plaintexts, case.aads, strict=True))
    urandom = os.urandom

    def run() -> object:
        out = []
        append = out.append
        for plaintext, aad in items:
            random_bytes = urandom(56)
            data_key = random_bytes[:32]
            ciphertext = AESGCM(data_key).encrypt(random_bytes[32:44], plaintext, aad)
            append((wrap(random_bytes[44:], data_key, wrap_aad), ciphertext))
        return out

    return run


def ours_seal(case: EnvelopeCase) -> Callable[[], object]:
    """Our sealing of the same bytes, bound to each value's record and owner."""
    keyring, seal_value = case.keyring, case.binder.seal
    items = [(p, r, o) for p, (r, o) in zip(case.plaintexts, case.places, strict=True)]

    def run() -> object:
        out = []
        append = out.append
        for plaintext, record_id, owner in items:
            append(seal_value(keyring, plaintext, record_id, owner))
        return out

    return run


def split(blob: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """The wrap nonce, wrapped key, payload nonce and ciphertext of a format-1 sealed value."""
    start = 2 + blob[1]
    return (
        blob[start : start + 12],
        blob[start + 12 : start + 60],
        blob[start + 60 : start + 72],
        blob[start + 72 :],
    )


def floor_open(case: EnvelopeCase) -> Callable[[], object]:
    """The floor of opening: unwrap under a cached KEK cipher, a fresh AESGCM for the data key,
    one decryption; the parts are split beforehand."""
    kek = case.keyring.primary
    unwrap = AESGCM(kek.key).decrypt
    wrap_aad = _wrap_aad(1, kek.id)
    items = [(*split(blob), aad) for blob, aad in zip(case.sealed, case.aads, strict=True)]

    def run() -> object:
        out = []
        append = out.append
        for wrap_nonce, wrapped, nonce, ciphertext, aad in items:
            data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
            append(AESGCM(data_key).decrypt(nonce, ciphertext, aad))
        return out

    return run


def ours_open(case: EnvelopeCase) -> Callable[[], object]:
    """Our opening of the same sealed values, each with its record id and owner."""
    keyring, open_value = case.keyring, case.binder.open
    items = [(b, r, o) for b, (r, o) in zip(case.sealed, case.places, strict=True)]

    def run() -> object:
        out = []
        append = out.append
        for blob, record_id, owner in items:
            append(open_value(keyring, blob, record_id, owner))
        return out

    return run


def floor_seal_json(case: EnvelopeCase) -> Callable[[], object]:
    """The sealing floor plus the cheapest compact JSON encoding of each value."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    kek = case.keyring.primary
    wrap = AESGCM(kek.key).encrypt
    wrap_aad = _wrap_aad(1, kek.id)
    items = list(zip(case.values, case.aads, strict=True))
    urandom = os.urandom

    def run() -> object:
        out = []
        append = out.append
        for value, aad in items:
            plaintext = encode(value).encode()
            random_bytes = urandom(56)
            data_key = random_bytes[:32]
            ciphertext = AESGCM(data_key).encrypt(random_bytes[32:44], plaintext, aad)
            append((wrap(random_bytes[44:], data_key, wrap_aad), ciphertext))
        return out

    return run


def ours_seal_column(case: EnvelopeCase) -> Callable[[], object]:
    """A sealed column sealing each value for a row written with Core (as facts are)."""
    set_active_keyring(case.keyring)
    column = BenchRecord.payload
    items = list(zip(case.values, case.places, strict=True))

    def run() -> object:
        return [column.seal(v, record_id=r, owner=o) for v, (r, o) in items]

    return run


def floor_open_json(case: EnvelopeCase) -> Callable[[], object]:
    """The opening floor plus decoding each value's JSON."""
    kek = case.keyring.primary
    unwrap = AESGCM(kek.key).decrypt
    wrap_aad = _wrap_aad(1, kek.id)
    items = [(*split(blob), aad) for blob, aad in zip(case.sealed, case.aads, strict=True)]
    decode = json.loads

    def run() -> object:
        out = []
        append = out.append
        for wrap_nonce, wrapped, nonce, ciphertext, aad in items:
            data_key = unwrap(wrap_nonce, wrapped, wrap_aad)
            append(decode(AESGCM(data_key).decrypt(nonce, ciphertext, aad)))
        return out

    return run


def ours_open_column(case: EnvelopeCase) -> Callable[[], object]:
    """A sealed column opening each value of a Core result row."""
    set_active_keyring(case.keyring)
    column = BenchRecord.payload
    rows = [
        SimpleNamespace(id=r, officer_id=o, payload_sealed=b)
        for b, (r, o) in zip(case.sealed, case.places, strict=True)
    ]

    def run() -> object:
        return [column.open(row) for row in rows]

    return run


def alternate(
    floor: Callable[[], object], ours: Callable[[], object], rounds: int
) -> tuple[float, float, float]:
    """Time `floor` and `ours` in alternating rounds (the order flips every round); return the
    median floor time, median our time and the median over rounds of floor/ours. Times are this
    process's CPU time, so other work on a shared machine does not count against either side."""
    floors, ourses, ratios = [], [], []
    floor(), ours()  # warm caches (cipher objects, the keyring's derived state)
    for index in range(rounds):
        pair = (floor, ours) if index % 2 == 0 else (ours, floor)
        timings = {}
        for action in pair:
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                action()
                timings[action] = time.process_time() - start
            finally:
                gc.enable()
        floors.append(timings[floor])
        ourses.append(timings[ours])
        ratios.append(timings[floor] / timings[ours])
    return statistics.median(floors), statistics.median(ourses), statistics.median(ratios)


ENVELOPE_FIGURES = (
    ("seal_floor", "seal, bytes", floor_seal, ours_seal),
    ("open_floor", "open, bytes", floor_open, ours_open),
    ("seal_column", "seal, column (JSON)", floor_seal_json, ours_seal_column),
    ("open_column", "open, column (JSON)", floor_open_json, ours_open_column),
)


def bench_envelope(count: int, rounds: int) -> list[tuple[str, str, float, float, float]]:
    """Return (figure, label, floor µs/op, ours µs/op, floor/ours) for every envelope figure."""
    case = EnvelopeCase.build(count)
    rows = []
    for figure, label, make_floor, make_ours in ENVELOPE_FIGURES:
        floor_time, our_time, ratio = alternate(make_floor(case), make_ours(case), rounds)
        rows.append((figure, label, floor_time / count * 1e6, our_time / count * 1e6, ratio))
    return rows


def ops(count: int, action: Callable[[], object], repeats: int) -> float:
    """Operations per second of `action`, which performs `count` operations."""
    return count / median_seconds(action, repeats)


def fill_database(factory: sessionmaker[Session], records: int) -> None:
    """Insert `records` sealed records through the model, in chunks."""
    rng = random.Random(7)
    template = make_payload(rng)
    for start in range(0, records, 5000):
        with factory.begin() as session:
            for n in range(start, min(start + 5000, records)):
                record = BenchRecord(officer_id=f"officer-{n % 997}")
                record.payload = template
                session.add(record)


def bare_loop(old: Keyring, new: Keyring, blobs: list[bytes]) -> Callable[[], object]:
    """The cryptographic floor: AES-GCM unwrap then wrap of pre-parsed wrapped keys."""
    parts = [_parse(blob) for blob in blobs]
    old_cipher, new_cipher = AESGCM(old.primary.key), AESGCM(new.primary.key)
    old_aad, new_aad = _wrap_aad(1, old.primary_id), _wrap_aad(1, new.primary_id)

    def run() -> object:
        return [
            new_cipher.encrypt(
                os.urandom(12), old_cipher.decrypt(p.wrap_nonce, p.wrapped_key, old_aad), new_aad
            )
            for p in parts
        ]

    return run


def bench_rotation(records: int, repeats: int) -> list[tuple[str, float]]:
    """Return (method, records/s) for rotating `records` records, bare and through SQLite."""
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine(f"sqlite:///{Path(directory) / 'bench.sqlite'}")
        try:
            return measure_rotation(engine, records, repeats)
        finally:
            engine.dispose()


def measure_rotation(engine: Engine, records: int, repeats: int) -> list[tuple[str, float]]:
    """Fill the database, then time the bare loop, in-memory rewrap() and rotate_all."""
    Base.metadata.create_all(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    first = new_keyring()
    set_active_keyring(first)
    fill_database(factory, records)
    ring = first.with_added_key()
    second = ring.promote(ring.keys[-1].id)
    with factory() as session:
        blobs = [bytes(b) for b in session.scalars(select(BenchRecord.payload_sealed))]  # type: ignore[attr-defined]
    rows = [
        (
            "bare unwrap+wrap loop, in memory",
            ops(records, bare_loop(first, second, blobs), repeats),
        ),
        (
            "rewrap() loop, in memory",
            ops(records, lambda: [rewrap(second, b) for b in blobs], repeats),
        ),
    ]
    targets = [second, second.promote(first.primary_id)]  # alternate, so each run moves every row
    timings = []
    for run in range(repeats):
        start = time.perf_counter()
        report = rotate_all(factory, targets[run % 2], Base.metadata, batch_size=500)
        timings.append(time.perf_counter() - start)
        assert report.rewrapped == records, report
    rows.append(("rotate_all, SQLite file, batches of 500", records / statistics.median(timings)))
    check_readable(factory, targets[(repeats - 1) % 2], records)
    return rows


def check_readable(factory: sessionmaker[Session], keyring: Keyring, records: int) -> None:
    """Sanity check: all rows under one KEK and a sample opens through the model."""
    set_active_keyring(keyring)
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {keyring.primary_id: records}
        sample = session.scalars(select(BenchRecord).order_by(func.random()).limit(50))
        assert all(record.payload["answers"] for record in sample)


def bench_pg_rotation(
    url: str, records: int, rounds: int, naive: bool
) -> list[tuple[str, float, float]]:
    """(method, records/s, floor time / its time) of rotating `records` records on PostgreSQL."""
    first = new_keyring()
    set_active_keyring(first)
    rows = measure_pg_rotation(url, Base.metadata, fill_database, first, records, rounds, naive)
    set_active_keyring(None)
    return rows


def print_pg_rotation(rows: list[tuple[str, float, float]], records: int, rounds: int) -> None:
    """The PostgreSQL rotation table."""
    print(f"\nRotation on PostgreSQL, {records:,} records, {rounds} rounds alternated")
    print(f"{'method':<46}{'records/s':>12}{'floor/this':>12}")
    for name, rate, ratio in rows:
        print(f"{name:<46}{rate:>12,.0f}{ratio:>12.2f}")


def print_report(
    envelope: list[tuple[str, str, float, float, float]],
    rotation: list[tuple[str, float]],
    envelope_size: tuple[int, int],
    rotation_size: tuple[int, int],
) -> None:
    """Print both tables and the RATIO lines; the sizes are (operations, rounds/repetitions)."""
    payloads, rounds = envelope_size
    print(
        f"\nEnvelope vs its floor: {payloads:,} values of ~1 KiB JSON, {rounds} rounds alternated"
    )
    print(f"{'operation':<22}{'floor µs':>10}{'ours µs':>10}{'floor/ours':>12}")
    for _, label, floor, ours, ratio in envelope:
        print(f"{label:<22}{floor:>10.2f}{ours:>10.2f}{ratio:>12.2f}")
    bare = rotation[0][1]
    records, repeats = rotation_size
    print(f"\nRotation of {records:,} records, median of {repeats}")
    print(f"{'method':<42}{'records/s':>12}{'bare/this':>11}")
    for name, rate in rotation:
        print(f"{name:<42}{rate:>12,.0f}{bare / rate:>10.2f}x")
    print()
    for figure, _, _, _, ratio in envelope:
        if figure in ("seal_floor", "open_floor"):
            print(f"RATIO {figure} {ratio:.3f}")


def main() -> None:
    """Parse arguments, run both benchmarks and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes: well under a minute")
    parser.add_argument(
        "--records", type=int, help="records to rotate (100,000; quick 5,000, PostgreSQL 20,000)"
    )
    parser.add_argument("--payloads", type=int, help="values per round (20,000; quick 5,000)")
    parser.add_argument("--rounds", type=int, help="alternated rounds (21; quick 9)")
    parser.add_argument("--database-url", help="a PostgreSQL bench database: rotate_floor too")
    args = parser.parse_args()
    payloads = args.payloads or (5_000 if args.quick else 20_000)
    rounds = args.rounds or (9 if args.quick else 21)
    records = args.records or (5_000 if args.quick else 100_000)
    rotation_repeats = 3
    envelope = bench_envelope(payloads, rounds)
    rotation = bench_rotation(records, rotation_repeats)
    print_report(envelope, rotation, (payloads, rounds), (records, rotation_repeats))
    if args.database_url:
        pg_rounds = 3 if args.quick else 5
        pg_records = args.records or (20_000 if args.quick else 100_000)  # past fixed costs
        pg = bench_pg_rotation(args.database_url, pg_records, pg_rounds, naive=not args.quick)
        print_pg_rotation(pg, pg_records, pg_rounds)
        ours = next(ratio for name, _, ratio in pg if name.startswith("rotate_all"))
        print(f"RATIO rotate_floor {ours:.3f}")


if __name__ == "__main__":
    main()
