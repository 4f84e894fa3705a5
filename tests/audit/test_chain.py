"""Appending and verifying; an edited, a deleted and a reordered entry are each found."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.chain import GENESIS_HASH, Link, check_detail
from wellbeing.audit.errors import AuditError, DetailRejected
from wellbeing.audit.models import AuditEntry, AuditHead
from wellbeing.audit.verify import verify_chain

Append = Callable[..., list[AuditEntry]]


def test_appended_entries_chain_and_verify(db_session: Session, append: Append) -> None:
    before = verify_chain(db_session)
    entries = append(5)
    seqs = [entry.seq for entry in entries]
    assert seqs == list(range(before.last_seq + 1, before.last_seq + 6))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
        assert entry.hash == entry.link().digest()
    report = verify_chain(db_session, batch_size=2)  # several streamed batches
    assert report.ok
    assert report.entries == before.entries + 5
    assert (report.last_seq, report.last_hash) == (entries[-1].seq, entries[-1].hash)
    head = db_session.get(AuditHead, 1)
    assert head is not None
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_first_entry_links_to_the_genesis_hash(db_session: Session, append: Append) -> None:
    first = db_session.scalar(select(AuditEntry).order_by(AuditEntry.seq).limit(1))
    if first is None:
        first = append(1)[0]
    head = db_session.get(AuditHead, 1)
    assert head is not None
    if head.anchor_seq == 0:
        assert first.seq == 1
        assert first.prev_hash == GENESIS_HASH


def test_actor_is_recorded_with_a_username_snapshot(db_session: Session, make_user: Any) -> None:
    admin = make_user("admin", unit="BUR")
    entry = audit.record(
        db_session, actor=admin, action="test.acted", target_type="user", target_id=admin.id
    )
    assert (entry.actor_id, entry.actor_name, entry.target_id) == (
        admin.id,
        admin.username,
        str(admin.id),
    )


def test_edited_entry_is_found_at_its_seq(db_session: Session, append: Append, tamper: Any) -> None:
    entries = append(4)
    tamper("UPDATE audit_entries SET target_id = 'forged' WHERE seq = :s", s=entries[2].seq)
    report = verify_chain(db_session)
    assert (report.broken_seq, report.kind) == (entries[2].seq, "edited")


def test_edited_detail_is_found(db_session: Session, append: Append, tamper: Any) -> None:
    entries = append(3)
    tamper(
        "UPDATE audit_entries SET detail_json = :d WHERE seq = :s", d='{"n":9}', s=entries[0].seq
    )
    assert verify_chain(db_session).broken_seq == entries[0].seq


def test_deleted_entry_is_found_as_a_gap(db_session: Session, append: Append, tamper: Any) -> None:
    entries = append(4)
    tamper("DELETE FROM audit_entries WHERE seq = :s", s=entries[1].seq)
    report = verify_chain(db_session)
    assert (report.broken_seq, report.kind) == (entries[1].seq, "missing")


def test_deleted_last_entry_is_found(db_session: Session, append: Append, tamper: Any) -> None:
    entries = append(3)
    tamper("DELETE FROM audit_entries WHERE seq = :s", s=entries[-1].seq)
    report = verify_chain(db_session)
    assert (report.broken_seq, report.kind) == (entries[-1].seq, "missing")


def test_reordered_entries_are_found(db_session: Session, append: Append, tamper: Any) -> None:
    entries = append(4)
    a, b = entries[1].seq, entries[2].seq
    tamper("UPDATE audit_entries SET seq = -1 WHERE seq = :a", a=a)
    tamper("UPDATE audit_entries SET seq = :a WHERE seq = :b", a=a, b=b)
    tamper("UPDATE audit_entries SET seq = :b WHERE seq = -1", b=b)
    report = verify_chain(db_session)
    assert (report.broken_seq, report.kind) == (a, "relinked")


def test_consistent_rewrite_still_breaks_at_the_head_without_it(
    db_session: Session, append: Append, tamper: Any
) -> None:
    entries = append(3)
    forged = Link(**{**entries[0].link().__dict__, "target_id": "forged"})
    tamper(
        "UPDATE audit_entries SET target_id = 'forged', hash = :h WHERE seq = :s",
        h=forged.digest(),
        s=entries[0].seq,
    )
    report = verify_chain(db_session)
    assert (report.broken_seq, report.kind) == (entries[1].seq, "relinked")


@pytest.mark.parametrize(
    "detail",
    [
        {"score": 12},
        {"answers": "1,2,3"},
        {"n": 1.5},
        {"n": [1, 2]},
        {"n": {"a": 1}},
        {"text": "x" * 201},
        {"Bad Key": 1},
        {f"k{i}": i for i in range(13)},
    ],
)
def test_detail_must_be_small_non_clinical_scalars(detail: dict[str, object]) -> None:
    with pytest.raises(DetailRejected):
        check_detail(detail)


def test_bad_action_names_are_refused(db_session: Session) -> None:
    for action in ("login", "Auth.Login", "auth.login succeeded", ""):
        with pytest.raises(AuditError):
            audit.record(db_session, actor=None, action=action, target_type="x", target_id="1")


def test_entries_recorded_in_an_appended_last_block_join_the_chain_at_its_end(
    db_session: Any, make_user: Any
) -> None:
    user = make_user("officer")
    with audit.appended_last(db_session):
        assert (
            audit.record(
                db_session, actor=user, action="test.first", target_type="t", target_id="1"
            )
            is None
        )
        audit.record(db_session, actor=None, action="test.second", target_type="t", target_id="2")
        assert (
            db_session.scalars(
                select(AuditEntry).where(AuditEntry.action.startswith("test."))
            ).all()
            == []
        )
    actions = db_session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.startswith("test."))
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == ["test.first", "test.second"]
    assert verify_chain(db_session).ok


def test_an_error_in_an_appended_last_block_appends_nothing(db_session: Any) -> None:
    def failing_work() -> None:
        with audit.appended_last(db_session):
            audit.record(db_session, actor=None, action="test.lost", target_type="t", target_id="1")
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError):
        failing_work()
    lost = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "test.lost")).all()
    assert lost == []
