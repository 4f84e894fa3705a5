"""Server-side web sessions, API tokens, failed sign-in records and second-factor credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk, new_id
from wellbeing.org.models import User
from wellbeing.sealing.columns import sealed_column


class WebSession(Base):
    """A signed-in browser; the cookie carries a random id whose hash is stored here."""

    __tablename__ = "web_sessions"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    mfa_at: Mapped[datetime | None]  # when the second factor was given in this session

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the API, stored only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    mfa_at: Mapped[datetime | None]  # when the second factor was given to obtain it

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """One failed sign-in, counted per account and per client address for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[IntPk]
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MfaCredential(Base):
    """A user's TOTP secret (sealed); usable once confirmed with a first code."""

    __tablename__ = "mfa_credentials"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int | None]  # the last accepted time step: a code is good only once
    secret = sealed_column("mfa.secret", owner="user_id")


class RecoveryCode(Base):
    """One single-use recovery code, stored as a salted SHA-256 hash."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
