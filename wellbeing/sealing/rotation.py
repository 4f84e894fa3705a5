"""The database side of key rotation: count, re-wrap and retire KEKs across every sealed column.

`wellbeing.crypto` is pure (no database); this walks the registered sealed columns with keyset
pagination, one transaction per batch, so a crashed run can simply be started again. How a batch
is read and written on each database is in `batches.py`; the progress line and pacing in
`progress.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Column, LargeBinary, MetaData, func, select
from sqlalchemy.orm import Session

from wellbeing.crypto import (
    CryptoError,
    KeyInUseError,
    Keyring,
    RotationFailure,
    RotationReport,
    parse_header,
)
from wellbeing.crypto.envelope import keyring_state
from wellbeing.sealing.batches import BatchStore, store_for
from wellbeing.sealing.columns import SealedColumnInfo, registered_columns
from wellbeing.sealing.progress import Pacer
from wellbeing.sealing.rewrapping import Rewrapper

UNREADABLE = "(unreadable header)"
# Version byte, id length byte and the longest id a header can hold.
_HEADER_PREFIX = 2 + 255


def count_by_kek(session: Session, metadata: MetaData) -> dict[str, int]:
    """Count sealed values per KEK id (reading only headers); `UNREADABLE` counts broken ones."""
    counts: dict[str, int] = {}
    for prefix in _iter_prefixes(session, metadata):
        kek_id = _kek_id_or_unreadable(prefix)
        counts[kek_id] = counts.get(kek_id, 0) + 1
    return counts


def kek_in_use(session: Session, metadata: MetaData, kek_id: str) -> bool:
    """Tell whether any sealed value (or one with an unreadable header) may need `kek_id`."""
    return any(
        _kek_id_or_unreadable(p) in (kek_id, UNREADABLE) for p in _iter_prefixes(session, metadata)
    )


def retire_kek(session: Session, metadata: MetaData, keyring: Keyring, kek_id: str) -> Keyring:
    """Return the keyring without `kek_id`, refusing while any record may still need it."""
    if kek_in_use(session, metadata, kek_id):
        raise KeyInUseError(kek_id, "records still use it; run `wellbeing keys rotate` first")
    return keyring.without_key(kek_id)


def rotate_all(
    session_factory: Callable[[], Session],
    keyring: Keyring,
    metadata: MetaData,
    *,
    batch_size: int = 500,
    progress: Callable[[RotationReport], None] | None = None,
    max_rate: float | None = None,
) -> RotationReport:
    """Re-wrap every data key not under the primary KEK, one transaction per batch.

    Online and resumable: each batch commits on its own and only values not yet under the
    primary are read (the database compares their headers), so a run stopped at any point, even
    by SIGKILL, is finished by running it again. `metadata` (the declarative Base's) chooses
    which registered sealed columns to walk; `max_rate` (values/s) paces the batches so a live
    service keeps its latency.
    """
    infos = registered_columns(metadata)
    header = keyring_state(keyring).primary.header
    report = RotationReport(target_kek_id=keyring.primary_id)
    with session_factory() as session:
        stores = [store_for(session, info) for info in infos]
        for info in infos:
            total, pending = _count_sealed(session, info, header)
            report.total += total
            report.already_current += total - pending
    report.scanned = report.already_current
    pace = Pacer(max_rate)
    with session_factory() as session:  # one connection, one transaction per batch
        for store in stores:
            rewrap = Rewrapper(keyring, fronts_only=store.fronts_only)
            after: Any = None  # the last primary key done; keyset pagination, never OFFSET
            while True:
                with session.begin():
                    after, done = _rotate_batch(session, store, rewrap, after, batch_size, report)
                if after is None:
                    break
                if progress is not None:
                    progress(report)
                pace.wait(done)
    return report


def _rotate_batch(
    session: Session,
    store: BatchStore,
    rewrap: Rewrapper,
    after: Any,
    size: int,
    report: RotationReport,
) -> tuple[Any, int]:
    """Rotate the next batch after id `after`; return the last id read (None when the column
    is done) and how many values were read."""
    info = store.info
    rows = store.pending(session, after, size, rewrap.header)
    ids, olds, news = [], [], []
    for record_id, old in rows:
        try:
            new = rewrap(old)
        except CryptoError as error:
            failure = RotationFailure(info.table.name, info.column, str(record_id), str(error))
            report.failures.append(failure)
            continue
        if new is None:
            report.already_current += 1  # re-wrapped by the app since the count
        else:
            ids.append(record_id)
            olds.append(old)
            news.append(new)
    report.scanned += len(rows)
    if ids:
        updated = store.write(session, ids, olds, news)
        report.rewrapped += updated
        report.skipped_changed += len(ids) - updated
    return (rows[-1][0] if rows else None), len(rows)


def _count_sealed(session: Session, info: SealedColumnInfo, header: bytes) -> tuple[int, int]:
    """How many values the column holds, and how many of them are not under `header`."""
    _, blob = _key_and_blob(info)
    other = func.substr(blob, 1, len(header), type_=LargeBinary) != header
    query = select(func.count(), func.count().filter(other)).where(blob.is_not(None))
    total, pending = session.execute(query.select_from(info.table)).one()
    return total, pending


def _iter_prefixes(session: Session, metadata: MetaData) -> Iterator[bytes]:
    for info in registered_columns(metadata):
        _, blob = _key_and_blob(info)
        prefix = func.substr(blob, 1, _HEADER_PREFIX, type_=LargeBinary)
        query = select(prefix).where(blob.is_not(None)).execution_options(yield_per=1000)
        for (value,) in session.execute(query):
            yield bytes(value)


def _kek_id_or_unreadable(prefix: bytes) -> str:
    try:
        return parse_header(prefix).kek_id
    except CryptoError:
        return UNREADABLE


def _key_and_blob(info: SealedColumnInfo) -> tuple[Column[Any], Column[Any]]:
    table = info.table
    (key,) = table.primary_key.columns
    return key, table.c[info.column]
