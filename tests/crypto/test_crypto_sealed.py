"""Sealed columns on a throwaway model in in-memory SQLite: binding, fail-closed, rotation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, Index, String, create_engine, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from wellbeing.core.db import new_id
from wellbeing.crypto import (
    KeyInUseError,
    KeyMissingError,
    Keyring,
    KeyringError,
    TamperedError,
    new_keyring,
)
from wellbeing.sealing import columns as sealed
from wellbeing.sealing import rotation
from wellbeing.sealing.columns import (
    find_indexed_sealed_columns,
    registered_columns,
    sealed_column,
    set_active_keyring,
)
from wellbeing.sealing.rewrapping import Rewrapper
from wellbeing.sealing.rotation import UNREADABLE, count_by_kek, kek_in_use, retire_kek, rotate_all


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "crypto_test_notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[str | None] = mapped_column(String(32))
    payload = sealed_column("test.payload", owner="officer_id")
    remark = sealed_column("test.remark", nullable=True)


class OtherBase(DeclarativeBase):
    pass


class BadlyIndexed(OtherBase):
    __tablename__ = "crypto_test_bad"
    __table_args__ = (Index("ix_bad_payload", "payload_sealed"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload = sealed_column("test.bad")


@pytest.fixture
def keyring() -> Iterator[Keyring]:
    ring = new_keyring()
    set_active_keyring(ring)
    yield ring
    set_active_keyring(None)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def add_notes(factory: sessionmaker[Session], count: int) -> list[str]:
    with factory.begin() as session:
        notes = [Note(officer_id=f"officer-{n % 7}") for n in range(count)]
        for n, note in enumerate(notes):
            note.payload = {"n": n, "answers": [n % 4] * 9}
            if n % 3 == 0:
                note.remark = f"remark {n}"
        session.add_all(notes)
    return [note.id for note in notes]


def read_all(factory: sessionmaker[Session]) -> dict[str, Any]:
    with factory() as session:
        return {note.id: (note.payload, note.remark) for note in session.scalars(select(Note))}


def raw_blob(session: Session, note_id: str, column: str = "payload_sealed") -> bytes:
    query = text(f"SELECT {column} FROM crypto_test_notes WHERE id = :id")  # noqa: S608
    return bytes(session.execute(query, {"id": note_id}).scalar_one())


def test_round_trip_through_the_database(keyring: Keyring, factory: sessionmaker[Session]) -> None:
    (note_id,) = add_notes(factory, 1)
    with factory() as session:
        note = session.get_one(Note, note_id)
        assert note.payload == {"n": 0, "answers": [0] * 9}
        assert note.remark == "remark 0"
        assert b"answers" not in raw_blob(session, note_id)
        assert b"remark" not in raw_blob(session, note_id, "remark_sealed")


def test_id_is_assigned_before_sealing(keyring: Keyring) -> None:
    note = Note(officer_id="o1")
    assert note.id is None
    note.payload = [1, 2]
    assert len(note.id) == 32
    assert note.payload == [1, 2]


def test_constructor_keywords_seal_in_order(keyring: Keyring) -> None:
    note = Note(officer_id="o1", payload={"gad7": 3})
    assert note.payload == {"gad7": 3}


class IntegerKeyed(OtherBase):
    __tablename__ = "crypto_test_int"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload = sealed_column("test.int")


def test_integer_ids_are_refused(keyring: Keyring) -> None:
    with pytest.raises(TypeError, match="string primary key"):
        IntegerKeyed().payload = {"x": 1}


def test_unset_nullable_column_reads_none(keyring: Keyring) -> None:
    note = Note(officer_id="o1")
    note.payload = {}
    assert note.remark is None


def test_value_copied_to_another_row_fails(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    first, second, third = add_notes(factory, 3)
    with factory.begin() as session:
        stolen = raw_blob(session, first)
        session.execute(update(Note).where(Note.id == second).values(payload_sealed=stolen))
    with factory() as session:
        with pytest.raises(TamperedError):
            _ = session.get_one(Note, second).payload
        # Other records keep working.
        assert session.get_one(Note, first).payload["n"] == 0
        assert session.get_one(Note, third).payload["n"] == 2


def test_value_copied_to_another_column_fails(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    (note_id,) = add_notes(factory, 1)
    with factory.begin() as session:
        blob = raw_blob(session, note_id)
        session.execute(update(Note).where(Note.id == note_id).values(remark_sealed=blob))
    with factory() as session, pytest.raises(TamperedError):
        _ = session.get_one(Note, note_id).remark


def test_changing_the_owner_makes_the_value_unreadable(keyring: Keyring) -> None:
    note = Note(officer_id="o1")
    note.payload = {"phq9": 27}
    note.officer_id = "o2"
    with pytest.raises(TamperedError):
        _ = note.payload


def test_owner_must_be_set_before_sealing(keyring: Keyring) -> None:
    with pytest.raises(ValueError, match="set officer_id before payload"):
        Note().payload = {"x": 1}


def test_without_keyring_nothing_is_stored(factory: sessionmaker[Session]) -> None:
    set_active_keyring(None)
    note = Note(officer_id="o1")
    with pytest.raises(KeyringError, match="wellbeing init"):
        note.payload = {"secret": "answers"}
    assert note.payload_sealed is None  # type: ignore[attr-defined]
    with pytest.raises(KeyringError, match="WELLBEING_KEYRING"):
        sealed.active_keyring()


def test_missing_kek_fails_for_its_records_only(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    (old_id,) = add_notes(factory, 1)
    set_active_keyring(new_keyring())
    (new_id_,) = add_notes(factory, 1)
    with factory() as session:
        with pytest.raises(KeyMissingError) as caught:
            _ = session.get_one(Note, old_id).payload
        assert caught.value.kek_id == keyring.primary_id
        assert session.get_one(Note, new_id_).payload["n"] == 0


def test_registry_scoped_by_metadata() -> None:
    ours = registered_columns(Base.metadata)
    assert [(i.model, i.attribute, i.column) for i in ours] == [
        (Note, "payload", "payload_sealed"),
        (Note, "remark", "remark_sealed"),
    ]
    assert ours[0].purpose == "test.payload"
    assert ours[0].owner == "officer_id"
    assert set(ours) <= set(registered_columns())


def test_sealed_columns_carry_no_index() -> None:
    assert find_indexed_sealed_columns(Base.metadata) == []
    assert find_indexed_sealed_columns(OtherBase.metadata) == ["crypto_test_bad.payload_sealed"]


def test_counts_by_kek_and_in_use(keyring: Keyring, factory: sessionmaker[Session]) -> None:
    add_notes(factory, 6)  # 6 payloads + 2 remarks
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {keyring.primary_id: 8}
        assert kek_in_use(session, Base.metadata, keyring.primary_id)
        assert not kek_in_use(session, Base.metadata, "kek-unused")


def promote_new(keyring: Keyring) -> Keyring:
    ring = keyring.with_added_key()
    ring = ring.promote(ring.keys[-1].id)
    set_active_keyring(ring)
    return ring


def test_rotation_killed_part_way_then_rerun(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    add_notes(factory, 1000)  # 1000 payloads + 334 remarks
    before = read_all(factory)
    rotated = promote_new(keyring)
    calls: list[int] = []

    def crash_after_three_batches(report: Any) -> None:
        calls.append(report.rewrapped)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if the operator or the OOM killer stopped it

    with pytest.raises(KeyboardInterrupt):
        rotate_all(
            factory, rotated, Base.metadata, batch_size=100, progress=crash_after_three_batches
        )
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {
            keyring.primary_id: 1034,
            rotated.primary_id: 300,
        }
    report = rotate_all(factory, rotated, Base.metadata, batch_size=100)
    assert (report.total, report.rewrapped, report.already_current, report.failed) == (
        1334,
        1034,
        300,
        0,
    )
    assert report.complete
    assert read_all(factory) == before
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {rotated.primary_id: 1334}


def test_crash_inside_a_batch_rolls_that_batch_back(
    keyring: Keyring, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_notes(factory, 250)
    rotated = promote_new(keyring)
    done: list[int] = []

    class FailingRewrapper(Rewrapper):
        def __call__(self, blob: bytes) -> bytes | None:
            if len(done) == 150:
                raise MemoryError("injected")
            done.append(1)
            return super().__call__(blob)

    monkeypatch.setattr(rotation, "Rewrapper", FailingRewrapper)
    with pytest.raises(MemoryError):
        rotate_all(factory, rotated, Base.metadata, batch_size=100)
    with factory() as session:
        assert count_by_kek(session, Base.metadata)[rotated.primary_id] == 100  # batch 2 undone
    monkeypatch.setattr(rotation, "Rewrapper", Rewrapper)
    assert rotate_all(factory, rotated, Base.metadata, batch_size=100).complete
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {rotated.primary_id: 334}


def test_rotation_is_idempotent(keyring: Keyring, factory: sessionmaker[Session]) -> None:
    add_notes(factory, 10)
    rotated = promote_new(keyring)
    assert rotate_all(factory, rotated, Base.metadata).rewrapped == 14
    again = rotate_all(factory, rotated, Base.metadata)
    assert (again.rewrapped, again.already_current) == (0, 14)


def test_rotation_reports_broken_records_and_continues(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    first, second, _third = add_notes(factory, 3)
    with factory.begin() as session:
        session.execute(update(Note).where(Note.id == first).values(payload_sealed=b"\x09garbage"))
    lost = new_keyring()
    set_active_keyring(lost)
    with factory.begin() as session:
        session.get_one(Note, second).payload = {"from": "a lost keyring"}
    report = rotate_all(factory, promote_new(keyring), Base.metadata)
    assert report.failed == 2
    assert {f.record_id for f in report.failures} == {first, second}
    assert not report.complete
    assert report.rewrapped == 2  # the third payload and the first's remark


def test_retiring_a_kek_in_use_is_refused(keyring: Keyring, factory: sessionmaker[Session]) -> None:
    add_notes(factory, 5)
    rotated = promote_new(keyring)
    with factory() as session, pytest.raises(KeyInUseError, match="keys rotate"):
        retire_kek(session, Base.metadata, rotated, keyring.primary_id)
    rotate_all(factory, rotated, Base.metadata)
    with factory() as session:
        retired = retire_kek(session, Base.metadata, rotated, keyring.primary_id)
    assert retired.ids == (rotated.primary_id,)
    set_active_keyring(retired)
    assert len(read_all(factory)) == 5


def test_unreadable_headers_block_retirement(
    keyring: Keyring, factory: sessionmaker[Session]
) -> None:
    (note_id,) = add_notes(factory, 1)
    rotated = promote_new(keyring)
    rotate_all(factory, rotated, Base.metadata)
    with factory.begin() as session:
        session.execute(update(Note).where(Note.id == note_id).values(payload_sealed=b"\x07"))
    with factory() as session:
        assert count_by_kek(session, Base.metadata) == {UNREADABLE: 1, rotated.primary_id: 1}
        with pytest.raises(KeyInUseError):
            retire_kek(session, Base.metadata, rotated, keyring.primary_id)
