"""The database side of key rotation: count, re-wrap and retire KEKs across every sealed column.

`wellbeing.crypto` is pure (no database); this walks the registered sealed columns with keyset
pagination, one transaction per batch, so a crashed run can simply be started again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Column, LargeBinary, MetaData, bindparam, func, select, true, update
from sqlalchemy.orm import Session

from wellbeing.crypto import (
    CryptoError,
    KeyInUseError,
    Keyring,
    RotationFailure,
    RotationReport,
    needs_rewrap,
    parse_header,
    rewrap,
)
from wellbeing.sealing.columns import SealedColumnInfo, registered_columns

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
) -> RotationReport:
    """Re-wrap every data key not under the primary KEK, one transaction per batch.

    Online and resumable: rows are walked by id, each batch commits on its own, and rows already
    under the primary are skipped, so a crashed run can simply be started again. `metadata`
    (the declarative Base's) chooses which registered sealed columns to walk.
    """
    infos = registered_columns(metadata)
    report = RotationReport(target_kek_id=keyring.primary_id)
    with session_factory() as session:
        report.total = sum(_count_sealed(session, info) for info in infos)
    for info in infos:
        after: Any = None  # the last primary key done; keyset pagination, never OFFSET
        while True:
            with session_factory() as session, session.begin():
                after = _rotate_batch(session, info, keyring, after, batch_size, report)
            if after is None:
                break
            if progress is not None:
                progress(report)
    return report


def _rotate_batch(
    session: Session,
    info: SealedColumnInfo,
    keyring: Keyring,
    after: Any,
    size: int,
    report: RotationReport,
) -> Any:
    key, blob = _key_and_blob(info)
    query = select(key, blob).where(blob.is_not(None), key > after if after is not None else true())
    rows = session.execute(query.order_by(key).limit(size)).all()
    changes = []
    for record_id, old in rows:
        report.scanned += 1
        new = _rewrap_or_record(info, keyring, str(record_id), bytes(old), report)
        if new is not None:
            changes.append({"b_id": record_id, "b_old": old, "b_new": new})
    if changes:
        _apply(session, info, changes, report)
    return rows[-1][0] if rows else None


def _rewrap_or_record(
    info: SealedColumnInfo, keyring: Keyring, record_id: str, blob: bytes, report: RotationReport
) -> bytes | None:
    try:
        if not needs_rewrap(blob, keyring):
            report.already_current += 1
            return None
        return rewrap(keyring, blob)
    except CryptoError as error:
        report.failures.append(RotationFailure(info.table.name, info.column, record_id, str(error)))
        return None


def _apply(
    session: Session, info: SealedColumnInfo, changes: list[dict[str, Any]], report: RotationReport
) -> None:
    key, blob = _key_and_blob(info)
    # Matching the old blob too means a row rewritten concurrently by the app is left alone.
    statement = (
        update(info.table)
        .where(key == bindparam("b_id"), blob == bindparam("b_old"))
        .values({info.column: bindparam("b_new")})
    )
    result = session.connection().execute(statement, changes)
    updated = result.rowcount if result.rowcount >= 0 else len(changes)
    report.rewrapped += updated
    report.skipped_changed += len(changes) - updated


def _count_sealed(session: Session, info: SealedColumnInfo) -> int:
    _, blob = _key_and_blob(info)
    return (
        session.scalar(select(func.count()).select_from(info.table).where(blob.is_not(None))) or 0
    )


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
