"""The only code that changes the library: write and publish articles, attach files, count reads.

Writers are counsellors, supervisors and admins; every change is audited in the caller's
transaction. A read adds one to a counter of (article, the reader's unit, month) and records
nothing about the reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.library.categories import CATEGORIES
from wellbeing.library.errors import AttachmentRefused, LibraryError
from wellbeing.library.files import MAX_ATTACHMENT_BYTES, safe_filename, sniff_type
from wellbeing.library.models import Article, ArticleAttachment, ArticleReadCount, ArticleStatus
from wellbeing.library.render import render_markdown
from wellbeing.org.models import Role, Unit, User

WRITERS = frozenset({Role.COUNSELLOR, Role.SUPERVISOR, Role.ADMIN})
LANGS = ("zh-CN", "en")
TITLE_MAX, SUMMARY_MAX, BODY_MAX = 200, 500, 50_000


@dataclass(frozen=True)
class ArticleInput:
    """What a writer gives: texts in both languages, a category, and whether to publish."""

    title: Mapping[str, str]
    body: Mapping[str, str]
    category: str
    published: bool
    summary: Mapping[str, str]


def may_write(user: User) -> bool:
    """Counsellors, supervisors and admins write, edit and publish articles."""
    return bool(WRITERS & user.roles)


def may_read(user: User, article: Article) -> bool:
    """Any signed-in user reads a published article; drafts exist only for writers."""
    return article.published or may_write(user)


def parse_article(data: Mapping[str, Any]) -> ArticleInput:
    """Check a writer's input; LibraryError names the first field at fault."""
    title = _bilingual(data, "title", TITLE_MAX, required=True)
    body = _bilingual(data, "body", BODY_MAX, required=True)
    summary = _bilingual(data, "summary", SUMMARY_MAX, required=False)
    category = data.get("category")
    if not isinstance(category, str) or category not in CATEGORIES:
        raise LibraryError("category", "unknown category")
    published = data.get("published", False)
    if not isinstance(published, bool):
        raise LibraryError("published", "must be true or false")
    return ArticleInput(title, body, str(category), published, summary)


def _bilingual(
    data: Mapping[str, Any], field: str, limit: int, *, required: bool
) -> dict[str, str]:
    value = data.get(field, None if required else {})
    if not isinstance(value, Mapping):
        raise LibraryError(field, "must be an object with zh-CN and en")
    texts = {}
    for lang in LANGS:
        text = value.get(lang, "")
        if not isinstance(text, str) or len(text) > limit or (required and not text.strip()):
            raise LibraryError(field, f"{lang} missing or too long")
        texts[lang] = text.strip()
    return texts


def create_article(
    session: Session, author: User | None, data: ArticleInput, slug: str | None = None
) -> Article:
    """A new article (published at once if asked)."""
    article = Article(slug=slug, author_id=author.id if author else None)
    _fill(article, data)
    session.add(article)
    session.flush()
    _audit(session, author, "library.article_created", article)
    return article


def update_article(session: Session, editor: User, article: Article, data: ArticleInput) -> Article:
    """New texts, category or status for an article."""
    _fill(article, data)
    session.flush()
    _audit(session, editor, "library.article_updated", article)
    return article


def _fill(article: Article, data: ArticleInput) -> None:
    now = utcnow()
    article.category = data.category
    article.title_zh, article.title_en = data.title["zh-CN"], data.title["en"]
    article.summary_zh, article.summary_en = data.summary["zh-CN"], data.summary["en"]
    article.body_zh, article.body_en = data.body["zh-CN"], data.body["en"]
    article.html_zh = render_markdown(data.body["zh-CN"])
    article.html_en = render_markdown(data.body["en"])
    article.updated_at = now
    if data.published and not article.published:
        article.published_at = now
    article.status = (ArticleStatus.PUBLISHED if data.published else ArticleStatus.DRAFT).value


def _audit(session: Session, actor: User | None, action: str, article: Article) -> None:
    detail = {"category": article.category, "status": article.status}
    audit(session, actor=actor, action=action, target_type="article", target_id=article.id,
          detail=detail)  # fmt: skip


def attach_file(
    session: Session, writer: User, article: Article, filename: str, data: bytes
) -> ArticleAttachment:
    """Store a PDF or audio file with the article; refused (nothing stored) when empty, over
    the size limit, or not one of those by its content."""
    if not data:
        raise AttachmentRefused("file", "empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused("file", "too large")
    content_type = sniff_type(data)
    if content_type is None:
        raise AttachmentRefused("file", "not a PDF or audio file")
    attachment = ArticleAttachment(
        article_id=article.id,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        data=data,
    )
    session.add(attachment)
    session.flush()
    audit(
        session,
        actor=writer,
        action="library.file_attached",
        target_type="article",
        target_id=article.id,
        detail={"content_type": content_type, "size": len(data)},
    )
    return attachment


def published_articles(session: Session, category: str | None = None) -> list[Article]:
    """Published articles, by category then newest first."""
    query = _listing(select(Article).where(Article.status == ArticleStatus.PUBLISHED.value))
    if category is not None:
        query = query.where(Article.category == category)
    return list(session.scalars(query))


def all_articles(session: Session) -> list[Article]:
    """Every article, drafts included (for writers)."""
    return list(session.scalars(_listing(select(Article))))


def _listing(query: Select[Any]) -> Select[Any]:
    return query.order_by(Article.category, Article.published_at.desc(), Article.title_zh)


def articles_in(session: Session, categories: Sequence[str], limit: int = 4) -> list[Article]:
    """Published articles of some categories, in the order the categories are given."""
    rows = published_articles(session)
    ranked = sorted(
        (a for a in rows if a.category in categories),
        key=lambda a: categories.index(a.category),
    )
    return ranked[:limit]


def count_read(session: Session, article: Article, reader: User) -> None:
    """One more read of a published article by an officer: +1 on (article, unit, month), safe
    when many readers count at once (an upsert), and nothing about who read it."""
    if not article.published or Role.OFFICER not in reader.roles:
        return
    values = {"article_id": article.id, "unit_id": reader.unit_id, "month": _month(), "n": 1}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ArticleReadCount).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["article_id", "unit_id", "month"],
        set_={"n": ArticleReadCount.n + 1},
    )
    session.execute(statement)


def _month() -> str:
    return utcnow().strftime("%Y-%m")


@dataclass(frozen=True)
class ReadCount:
    """One counter: reads of an article by officers of a unit in a month."""

    article_id: str
    category: str
    unit_code: str
    month: str
    n: int


def read_counts(
    session: Session, months: tuple[str, str] | None = None, unit_ids: Sequence[int] | None = None
) -> list[ReadCount]:
    """The counters, optionally for months first..last (YYYY-MM, inclusive) and some units
    (for the activity report, which applies its own disclosure control)."""
    query = (
        select(ArticleReadCount, Article.category, Unit.code)
        .join(Article, Article.id == ArticleReadCount.article_id)
        .join(Unit, Unit.id == ArticleReadCount.unit_id)
        .order_by(ArticleReadCount.month, Unit.code, ArticleReadCount.article_id)
    )
    if months is not None:
        query = query.where(ArticleReadCount.month.between(*months))
    if unit_ids is not None:
        query = query.where(ArticleReadCount.unit_id.in_(list(unit_ids)))
    return [
        ReadCount(row.article_id, category, code, row.month, row.n)
        for row, category, code in session.execute(query)
    ]


def first_read_month(session: Session) -> str | None:
    """The earliest month with a read counted (YYYY-MM), where the activity report begins."""
    return session.scalar(select(func.min(ArticleReadCount.month)))


def find_article(session: Session, article_id: str) -> Article | None:
    """The article with this id, if any (the caller checks `may_read`)."""
    return session.get(Article, article_id)


def find_attachment(session: Session, attachment_id: str) -> ArticleAttachment | None:
    """The attached file with this id, if any (the caller checks `may_read` on its article)."""
    return session.get(ArticleAttachment, attachment_id)
