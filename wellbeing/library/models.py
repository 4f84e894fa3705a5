"""Articles, attached files and read counters.

Nothing here is clinical and nothing names a reader: a read is one more in the counter of the
article, the reader's unit and the month. The body is kept as written (Markdown) and as the
sanitised HTML rendered from it when it was saved; only the sanitised HTML is ever shown.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk, new_id


class ArticleStatus(enum.StrEnum):
    """draft → published (and back to draft to withdraw it)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Article(Base):
    """One bilingual article; `slug` names the starter articles so loading them is idempotent."""

    __tablename__ = "library_articles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    slug: Mapped[str | None] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.DRAFT.value, index=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    summary_zh: Mapped[str] = mapped_column(String(500), default="")
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    html_zh: Mapped[str] = mapped_column(Text)
    html_en: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    attachments: Mapped[list[ArticleAttachment]] = relationship(
        back_populates="article", order_by="ArticleAttachment.created_at"
    )

    @property
    def published(self) -> bool:
        """Whether officers can read it."""
        return self.status == ArticleStatus.PUBLISHED.value

    def title(self, lang: str) -> str:
        """The title in a language (zh-CN unless English is asked for)."""
        return self.title_en if lang == "en" else self.title_zh

    def summary(self, lang: str) -> str:
        """The summary in a language."""
        return self.summary_en if lang == "en" else self.summary_zh

    def html(self, lang: str) -> str:
        """The sanitised HTML body in a language."""
        return self.html_en if lang == "en" else self.html_zh


class ArticleAttachment(Base):
    """A file attached to an article (PDF or audio), its type found from its content."""

    __tablename__ = "library_attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(ForeignKey("library_articles.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="attachments")


class ArticleReadCount(Base):
    """How many times an article was opened by officers of a unit in a month; no reader id."""

    __tablename__ = "library_read_counts"
    __table_args__ = (UniqueConstraint("article_id", "unit_id", "month"),)

    id: Mapped[IntPk]
    article_id: Mapped[str] = mapped_column(ForeignKey("library_articles.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    n: Mapped[int] = mapped_column(default=0)
