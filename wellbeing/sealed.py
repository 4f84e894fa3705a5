"""Sealed columns: models declare an encrypted JSON attribute in one line; services never see AES.

    class Submission(Base):
        __tablename__ = "submissions"
        id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
        officer_id: Mapped[str] = mapped_column(String(32))
        payload = sealed_column("submission.payload", owner="officer_id")

This adds a `payload_sealed` LargeBinary column. Reading `obj.payload` opens it, assigning seals it,
bound to (purpose, table, attribute, record id, owner); a value copied to another row, column or
owner fails to open. Changing the id or owner of a record after sealing makes the value unreadable.
Mutating a returned dict does not persist: assign a new value. The database side of rotation
(`rotate_all`, `count_by_kek`, `kek_in_use`) lives here too, since `wellbeing.crypto` is pure.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast, overload

from sqlalchemy import Column, LargeBinary, MetaData, Table, bindparam, func, select, true, update
from sqlalchemy.orm import Session, mapped_column

from wellbeing.crypto import (
    Binding,
    CryptoError,
    KeyInUseError,
    Keyring,
    KeyringError,
    RotationFailure,
    RotationReport,
    needs_rewrap,
    open_json,
    parse_header,
    rewrap,
    seal_json,
)
from wellbeing.crypto.errors import UNREADABLE_ERRORS
from wellbeing.crypto.keyring import FIX_HINT

UNREADABLE = "(unreadable header)"
# Version byte, id length byte and the longest id a header can hold.
_HEADER_PREFIX = 2 + 255
_active_keyring: Keyring | None = None


def set_active_keyring(keyring: Keyring | None) -> None:
    """Set (or with None, clear) the keyring every sealed column of this process uses."""
    global _active_keyring  # one keyring per process, set at start-up
    _active_keyring = keyring


def active_keyring() -> Keyring:
    """Return the process keyring, or raise `KeyringError`: without keys nothing is stored."""
    if _active_keyring is None:
        raise KeyringError(
            f"no keyring is loaded, so sealed data cannot be read or written; {FIX_HINT}"
        )
    return _active_keyring


def new_id() -> str:
    """Return a random client-side record id (32 hex digits), known before the first flush."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class SealedColumnInfo:
    """A registry entry: one sealed attribute of one model and the column that stores it."""

    model: type[Any]
    attribute: str
    column: str
    purpose: str
    owner: str | None

    @property
    def table(self) -> Table:
        """The model's table (available once the class is mapped)."""
        return cast(Table, self.model.__table__)


_REGISTRY: list[SealedColumnInfo] = []


def registered_columns(metadata: MetaData | None = None) -> tuple[SealedColumnInfo, ...]:
    """Every sealed column declared so far, optionally only those whose table is in `metadata`."""
    return tuple(i for i in _REGISTRY if metadata is None or i.table.metadata is metadata)


class SealedColumn:
    """Descriptor for an encrypted JSON attribute, stored in the column `<attribute>_sealed`."""

    def __init__(self, purpose: str, owner: str | None, nullable: bool) -> None:
        self.purpose = purpose
        self.owner = owner
        self.nullable = nullable
        self.info: SealedColumnInfo | None = None

    def __set_name__(self, model: type[Any], name: str) -> None:
        # Runs before declarative scans the class, so the added column is mapped like any other.
        column = f"{name}_sealed"
        setattr(model, column, mapped_column(column, LargeBinary, nullable=self.nullable))
        self.info = SealedColumnInfo(model, name, column, self.purpose, self.owner)
        _REGISTRY.append(self.info)

    @overload
    def __get__(self, obj: None, objtype: type[Any] | None = None) -> SealedColumn: ...
    @overload
    def __get__(self, obj: object, objtype: type[Any] | None = None) -> Any: ...
    def __get__(self, obj: object | None, objtype: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        return self.open(obj)

    def open(self, obj: object) -> Any:
        """The opened value of `obj`: a model instance, or any row with the sealed column, the
        id and the owner as attributes (a Core result row, read without loading the model)."""
        info = self._info()
        blob = getattr(obj, info.column)
        if blob is None:
            return None
        binding = self.binding_for(obj)
        try:
            return open_json(active_keyring(), bytes(blob), binding)
        except UNREADABLE_ERRORS as exc:
            exc.table, exc.record_id = binding.table, binding.record_id  # where, never what
            raise

    def __set__(self, obj: object, value: Any) -> None:
        info = self._info()
        keyring = active_keyring()  # fail closed before touching the record
        if getattr(obj, "id", None) is None:
            _require_string_id(info)
            obj.id = new_id()  # type: ignore[attr-defined]
        setattr(obj, info.column, seal_json(keyring, value, self.binding_for(obj)))

    def seal(self, value: Any, *, record_id: str, owner: str | None = None) -> bytes:
        """The sealed form of ``value`` for a row written with Core (the record's id and owner
        given directly); it opens like one assigned through the attribute."""
        info = self._info()
        if (owner is None) != (info.owner is None):
            raise ValueError(f"{info.attribute} is bound to {info.owner or 'no owner'}")
        binding = Binding(info.purpose, info.table.name, info.attribute, record_id, owner)
        return seal_json(active_keyring(), value, binding)

    def binding_for(self, obj: object) -> Binding:
        """The binding of this attribute on `obj`: purpose, table, attribute, id and owner."""
        info = self._info()
        owner = None
        if info.owner is not None:
            owner_value = getattr(obj, info.owner)
            if owner_value is None:
                message = f"set {info.owner} before {info.attribute}: the value is bound to it"
                raise ValueError(message)
            owner = str(owner_value)
        record_id = str(getattr(obj, "id"))  # noqa: B009 - models are untyped here
        return Binding(info.purpose, info.table.name, info.attribute, record_id, owner)

    def _info(self) -> SealedColumnInfo:
        if self.info is None:
            raise TypeError("sealed_column() must be assigned in a class body")
        return self.info


def _require_string_id(info: SealedColumnInfo) -> None:
    # The binding needs the record id before the first flush, so ids are made client-side.
    key = info.table.c.get("id")
    if key is None or not key.primary_key or key.type.python_type is not str:
        raise TypeError(f"{info.model.__name__} needs a string primary key `id` (default=new_id)")


def sealed_column(purpose: str, *, owner: str | None = None, nullable: bool = False) -> Any:
    """Declare an encrypted JSON attribute on a model; `owner` names the attribute bound in."""
    return SealedColumn(purpose, owner, nullable)


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


def find_indexed_sealed_columns(metadata: MetaData) -> list[str]:
    """Name every sealed column that carries an index or unique constraint (there must be none)."""
    problems = []
    for info in registered_columns(metadata):
        column = info.table.c[info.column]
        indexed = any(column in index.columns.values() for index in info.table.indexes)
        if indexed or column.unique or column.index:
            problems.append(f"{info.table.name}.{info.column}")
    return problems
