"""Sealed columns: models declare an encrypted JSON attribute in one line; services never see AES.

    class Submission(Base):
        __tablename__ = "submissions"
        id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
        officer_id: Mapped[str] = mapped_column(String(32))
        payload = sealed_column("submission.payload", owner="officer_id")

This adds a `payload_sealed` LargeBinary column. Reading `obj.payload` opens it, assigning seals it,
bound to (purpose, table, attribute, record id, owner); a value copied to another row, column or
owner fails to open. Changing the id or owner of a record after sealing makes the value unreadable.
Mutating a returned dict does not persist: assign a new value. Each column's fixed binding fields
are encoded once (a `Binder`), so a value costs little beyond AES-GCM. The database side of
rotation (`rotate_all`, `count_by_kek`, `kek_in_use`) lives beside it in `rotation.py`, since
`wellbeing.crypto` is pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast, overload

from sqlalchemy import LargeBinary, MetaData, Table
from sqlalchemy.orm import mapped_column

from wellbeing.core.db import new_id
from wellbeing.crypto import Binder, Binding, Keyring, KeyringError, encode_json
from wellbeing.crypto.errors import UNREADABLE_ERRORS, KeyMissingError
from wellbeing.crypto.keyring import FIX_HINT
from wellbeing.sealing.live import LiveKeyring

_active_keyring: Keyring | LiveKeyring | None = None


def set_active_keyring(keyring: Keyring | LiveKeyring | None) -> None:
    """Set (or with None, clear) the keyring every sealed column of this process uses: a fixed
    one, or a `LiveKeyring` that follows changes to the keyring without a restart."""
    global _active_keyring  # one keyring per process, set at start-up
    _active_keyring = keyring


def live_keyring() -> LiveKeyring | None:
    """The followed keyring of this process, when it has one (not in tests with a fixed one)."""
    return _active_keyring if isinstance(_active_keyring, LiveKeyring) else None


def active_keyring() -> Keyring:
    """Return the process keyring, or raise `KeyringError`: without keys nothing is stored."""
    if _active_keyring is None:
        raise KeyringError(
            f"no keyring is loaded, so sealed data cannot be read or written; {FIX_HINT}"
        )
    if isinstance(_active_keyring, LiveKeyring):
        return _active_keyring.current
    return _active_keyring


def _open_following(binder: Binder, blob: bytes, record_id: str, owner: str | None) -> bytes:
    """Open with the process keyring; a key it lacks makes a followed keyring reload and the
    value is tried once more (another process may have added and promoted that key)."""
    try:
        return binder.open(active_keyring(), blob, record_id, owner)
    except KeyMissingError as exc:
        live = live_keyring()
        reloaded = live.reload_for_missing(exc.kek_id) if live is not None else None
        if reloaded is None:
            raise
        return binder.open(reloaded, blob, record_id, owner)


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
        self.stored_as = ""  # the LargeBinary column holding the sealed form
        self._binder: Binder | None = None  # built on first use, once the table is mapped

    def __set_name__(self, model: type[Any], name: str) -> None:
        # Runs before declarative scans the class, so the added column is mapped like any other.
        column = self.stored_as = f"{name}_sealed"
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
        binder = self._binder or self._make_binder()
        blob = getattr(obj, self.stored_as)
        if blob is None:
            return None
        record_id, owner = self._place(obj)
        try:
            plaintext = _open_following(binder, bytes(blob), record_id, owner)
        except UNREADABLE_ERRORS as exc:
            exc.table, exc.record_id = binder.table, record_id  # where, never what
            raise
        return json.loads(plaintext.decode("utf-8"))

    def __set__(self, obj: object, value: Any) -> None:
        binder = self._binder or self._make_binder()
        keyring = active_keyring()  # fail closed before touching the record
        if getattr(obj, "id", None) is None:
            _require_string_id(self._info())
            obj.id = new_id()  # type: ignore[attr-defined]
        record_id, owner = self._place(obj)
        sealed = binder.seal(keyring, encode_json(value), record_id, owner)
        setattr(obj, self.stored_as, sealed)

    def seal(self, value: Any, *, record_id: str, owner: str | None = None) -> bytes:
        """The sealed form of ``value`` for a row written with Core (the record's id and owner
        given directly); it opens like one assigned through the attribute."""
        binder = self._binder or self._make_binder()
        if (owner is None) != (self.owner is None):
            raise ValueError(f"{binder.column} is bound to {self.owner or 'no owner'}")
        return binder.seal(active_keyring(), encode_json(value), record_id, owner)

    def binding_for(self, obj: object) -> Binding:
        """The binding of this attribute on `obj`: purpose, table, attribute, id and owner."""
        binder = self._binder or self._make_binder()
        return binder.binding(*self._place(obj))

    def _place(self, obj: object) -> tuple[str, str | None]:
        """The record id and owner `obj`'s value is bound to."""
        owner = None
        if self.owner is not None:
            owner_value = getattr(obj, self.owner)
            if owner_value is None:
                attribute = self._info().attribute
                raise ValueError(f"set {self.owner} before {attribute}: the value is bound to it")
            owner = str(owner_value)
        return str(getattr(obj, "id")), owner  # noqa: B009 - models are untyped here

    def _make_binder(self) -> Binder:
        info = self._info()
        self._binder = Binder(info.purpose, info.table.name, info.attribute)
        return self._binder

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


def find_indexed_sealed_columns(metadata: MetaData) -> list[str]:
    """Name every sealed column that carries an index or unique constraint (there must be none)."""
    problems = []
    for info in registered_columns(metadata):
        column = info.table.c[info.column]
        indexed = any(column in index.columns.values() for index in info.table.indexes)
        if indexed or column.unique or column.index:
            problems.append(f"{info.table.name}.{info.column}")
    return problems
