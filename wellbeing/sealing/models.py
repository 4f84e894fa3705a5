"""Which keyring is current, and which keyring each running process holds.

`keyring_versions` has one row, moved on by every `wellbeing keys` change, so processes on several
hosts agree on the current keyring. `keyring_holders` is a heartbeat per process: the keyring it
holds and when it last said so; `wellbeing keys retire` reads it (see `holders.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.db import Base

KEYRING_ROW = 1


class KeyringVersion(Base):
    """The current keyring: a version number, its primary key id and fingerprint (no keys)."""

    __tablename__ = "keyring_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    primary_kek_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime]


class KeyringHolder(Base):
    """One running process and the keyring it holds, as of `seen_at`."""

    __tablename__ = "keyring_holders"

    holder: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    role: Mapped[str] = mapped_column(String(32))
    version: Mapped[int | None]  # the database's version when this keyring matches it
    primary_kek_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    interval_seconds: Mapped[int]
    seen_at: Mapped[datetime]
