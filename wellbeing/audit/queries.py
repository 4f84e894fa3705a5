"""Read the audit log for the admin page: newest first, filtered, one page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class EntryFilter:
    """What the admin asked for; empty fields do not filter. `until` is exclusive."""

    action_prefix: str = ""
    actor_name: str = ""
    target_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EntryPage:
    """One page of entries (newest first) and whether older ones follow."""

    entries: Sequence[AuditEntry]
    page: int
    has_next: bool


def list_entries(
    session: Session, wanted: EntryFilter, page: int = 1, per_page: int = PAGE_SIZE
) -> EntryPage:
    """Entries matching `wanted`, newest staged first (linked or not); pages start at 1."""
    page = max(page, 1)
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if wanted.action_prefix:
        query = query.where(AuditEntry.action.startswith(wanted.action_prefix, autoescape=True))
    if wanted.actor_name:
        query = query.where(AuditEntry.actor_name == wanted.actor_name)
    if wanted.target_type:
        query = query.where(AuditEntry.target_type == wanted.target_type)
    if wanted.since is not None:
        query = query.where(AuditEntry.time >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEntry.time < wanted.until)
    # One row more than a page tells whether a next page exists, without counting the table.
    rows = session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    return EntryPage(rows[:per_page], page, len(rows) > per_page)
