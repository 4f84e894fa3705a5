"""What the library's pages and API share: an article's shape, words for its errors, and the
response that serves an attached file."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response
from flask_babel import gettext as _

from wellbeing.library.categories import category_label
from wellbeing.library.errors import AttachmentRefused, LibraryError
from wellbeing.library.files import MAX_ATTACHMENT_BYTES
from wellbeing.library.models import Article, ArticleAttachment


def article_summary(article: Article, lang: str) -> dict[str, Any]:
    """An article in a list: both languages' titles and summaries, category, status."""
    return {
        "id": article.id,
        "category": article.category,
        "category_label": category_label(article.category, _api_lang(lang)),
        "title": {"zh-CN": article.title_zh, "en": article.title_en},
        "summary": {"zh-CN": article.summary_zh, "en": article.summary_en},
        "status": article.status,
        "published": article.published,
        "published_at": article.published_at.isoformat() if article.published_at else None,
    }


def article_detail(article: Article, lang: str) -> dict[str, Any]:
    """An article to read: its summary, the sanitised HTML in the caller's language, its files."""
    return {
        **article_summary(article, lang),
        "language": _api_lang(lang),
        "html": article.html(_api_lang(lang)),
        "attachments": [attachment_summary(a) for a in article.attachments],
    }


def attachment_summary(attachment: ArticleAttachment) -> dict[str, Any]:
    """An attached file's name, type and size."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def file_response(attachment: ArticleAttachment) -> Response:
    """The file as a download of its checked type; the browser must not guess another."""
    response = Response(attachment.data, mimetype=attachment.content_type)
    name = quote(attachment.filename)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def error_message(error: LibraryError) -> str:
    """A library error in the user's language."""
    if isinstance(error, AttachmentRefused):
        mb = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        return str(
            _(
                "Field %(field)s must be a PDF, MP3, M4A or Ogg file of at most %(mb)s MB.",
                field=error.field,
                mb=mb,
            )
        )
    return str(_("Field %(field)s is missing or not valid.", field=error.field))


def _api_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"
