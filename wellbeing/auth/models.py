"""Server-side web sessions, API tokens and failed sign-in records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.clock import utcnow
from wellbeing.db import Base, IntPk
from wellbeing.org.models import User


class WebSession(Base):
    """A signed-in browser; the cookie carries a random id whose hash is stored here."""

    __tablename__ = "web_sessions"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the API, stored only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """One failed sign-in, counted per account and per client address for throttling."""

    __tablename__ = "login_failures"

    id: Mapped[IntPk]
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
