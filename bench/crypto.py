"""Benchmark the envelope against raw AES-GCM, and rotation against a bare unwrap+wrap loop.

Run from the repository root (a few minutes for the default 100,000 records):

    PYTHONPATH=. .venv/bin/python bench/crypto.py [--records N] [--payloads N]

Prints medians of several repetitions measured with time.perf_counter in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from wellbeing.core.db import new_id
from wellbeing.crypto import Binding, Keyring, new_keyring, open_sealed, rewrap, seal
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


def bench_envelope(count: int, repeats: int) -> list[tuple[str, float, float]]:
    """Return (operation, ours ops/s, raw ops/s) for sealing and opening `count` payloads."""
    rng = random.Random(4)
    keyring = new_keyring()
    payloads = [json.dumps(make_payload(rng)).encode() for _ in range(count)]
    bindings = [Binding("bench.payload", "bench", "payload", new_id(), "o1") for _ in payloads]
    raw = AESGCM(AESGCM.generate_key(bit_length=256))
    nonces = [os.urandom(12) for _ in payloads]
    sealed = [seal(keyring, p, b) for p, b in zip(payloads, bindings, strict=True)]
    raw_sealed = [raw.encrypt(n, p, None) for n, p in zip(nonces, payloads, strict=True)]

    def ours_seal() -> object:
        return [seal(keyring, p, b) for p, b in zip(payloads, bindings, strict=True)]

    def raw_seal() -> object:
        return [raw.encrypt(os.urandom(12), p, None) for p in payloads]

    def ours_open() -> object:
        return [open_sealed(keyring, s, b) for s, b in zip(sealed, bindings, strict=True)]

    def raw_open() -> object:
        return [raw.decrypt(n, c, None) for n, c in zip(nonces, raw_sealed, strict=True)]

    return [
        ("seal / encrypt", ops(count, ours_seal, repeats), ops(count, raw_seal, repeats)),
        ("open / decrypt", ops(count, ours_open, repeats), ops(count, raw_open, repeats)),
    ]


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


def print_report(
    envelope: list[tuple[str, float, float]],
    rotation: list[tuple[str, float]],
    envelope_size: tuple[int, int],
    rotation_size: tuple[int, int],
) -> None:
    """Print both tables; the sizes are (operations, repetitions)."""
    payloads, repeats = envelope_size
    print(f"\nEnvelope vs raw AESGCM: {payloads} payloads of ~1 KiB JSON, median of {repeats}")
    print(f"{'operation':<18}{'ours ops/s':>14}{'raw ops/s':>14}{'raw/ours':>10}")
    for name, ours, raw in envelope:
        print(f"{name:<18}{ours:>14,.0f}{raw:>14,.0f}{raw / ours:>9.2f}x")
    bare = rotation[0][1]
    records, repeats = rotation_size
    print(f"\nRotation of {records:,} records, median of {repeats}")
    print(f"{'method':<42}{'records/s':>12}{'bare/this':>11}")
    for name, rate in rotation:
        print(f"{name:<42}{rate:>12,.0f}{bare / rate:>10.2f}x")


def main() -> None:
    """Parse arguments, run both benchmarks and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000, help="records to rotate")
    parser.add_argument("--payloads", type=int, default=10_000, help="payloads to seal/open")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args()
    envelope = bench_envelope(args.payloads, args.repeats)
    rotation_repeats = max(3, args.repeats // 2 + 1)
    rotation = bench_rotation(args.records, rotation_repeats)
    print_report(
        envelope, rotation, (args.payloads, args.repeats), (args.records, rotation_repeats)
    )


if __name__ == "__main__":
    main()
