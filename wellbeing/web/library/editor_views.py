"""Writing: counsellors, supervisors and admins create and edit articles, publish them, and
attach files. A refused form comes back as entered with what to fix (422), nothing saved."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.faces.library import error_message
from wellbeing.library import service
from wellbeing.library.categories import CATEGORIES, category_label
from wellbeing.library.errors import AttachmentRefused, LibraryError
from wellbeing.library.files import MAX_ATTACHMENT_BYTES
from wellbeing.library.models import Article
from wellbeing.web.library.blueprint import bp, load_article, reader

WRITERS = tuple(service.WRITERS)  # the library's rule: who writes, edits and publishes
FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en")


@bp.get("/new")
@roles(*WRITERS)
def new_article() -> ResponseReturnValue:
    """An empty article form."""
    return _form(None, {"category": "stress"})


@bp.post("/new")
@roles(*WRITERS)
def create_article() -> ResponseReturnValue:
    """Save a new article (a draft unless "published" is ticked)."""
    user, entered = reader(), _entered(request.form)
    try:
        article = service.create_article(db(), user, service.parse_article(_as_input(entered)))
    except LibraryError as exc:
        db().rollback()
        return _form(None, entered, error_message(exc))
    db().commit()
    flash(_("The article was saved."))
    return redirect(url_for("library.article", article_id=article.id))


@bp.get("/<article_id>/edit")
@roles(*WRITERS)
def edit_article(article_id: str) -> ResponseReturnValue:
    """The article's form, filled in."""
    article = load_article(article_id)
    return _form(article, _filled(article))


@bp.post("/<article_id>/edit")
@roles(*WRITERS)
def update_article(article_id: str) -> ResponseReturnValue:
    """Save changes (publishing or withdrawing with the "published" box)."""
    user, article = reader(), load_article(article_id)
    entered = _entered(request.form)
    try:
        data = service.parse_article(_as_input(entered))
        service.update_article(db(), user, article, data)
    except LibraryError as exc:
        db().rollback()
        return _form(article, entered, error_message(exc))
    db().commit()
    flash(_("The article was saved."))
    return redirect(url_for("library.article", article_id=article.id))


@bp.post("/<article_id>/files")
@roles(*WRITERS)
def upload_file(article_id: str) -> ResponseReturnValue:
    """Attach a PDF or audio file; a refused one is not stored (422 with the reason)."""
    user, article = reader(), load_article(article_id)
    request.max_content_length = 2 * MAX_ATTACHMENT_BYTES
    try:
        if (request.content_length or 0) > 2 * MAX_ATTACHMENT_BYTES:
            raise AttachmentRefused("file")  # not read at all
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise AttachmentRefused("file")
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        upload.close()  # a large upload is spooled to a temporary file: close it now
        service.attach_file(db(), user, article, upload.filename, data)
    except (LibraryError, RequestEntityTooLarge) as exc:
        db().rollback()
        refused = exc if isinstance(exc, LibraryError) else AttachmentRefused("file")
        return _form(article, _filled(article), error_message(refused))
    db().commit()
    flash(_("The file was attached."))
    return redirect(url_for("library.article", article_id=article.id))


def _entered(form: MultiDict[str, str]) -> dict[str, Any]:
    entered: dict[str, Any] = {name: form.get(name, "") for name in FIELDS}
    entered["category"] = form.get("category", "")
    entered["published"] = form.get("published") == "yes"
    return entered


def _as_input(entered: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"zh-CN": entered["title_zh"], "en": entered["title_en"]},
        "summary": {"zh-CN": entered["summary_zh"], "en": entered["summary_en"]},
        "body": {"zh-CN": entered["body_zh"], "en": entered["body_en"]},
        "category": entered["category"],
        "published": entered["published"],
    }


def _filled(article: Article) -> dict[str, Any]:
    return {
        **{name: getattr(article, name) for name in FIELDS},
        "category": article.category,
        "published": article.published,
    }


def _form(
    article: Article | None, entered: dict[str, Any], problem: str | None = None
) -> ResponseReturnValue:
    lang = current_language()
    page = render_template(
        "library/form.html",
        article=article,
        entered=entered,
        problem=problem,
        categories=[{"code": c, "label": category_label(c, lang)} for c in CATEGORIES],
        max_mb=MAX_ATTACHMENT_BYTES // (1024 * 1024),
    )
    return page, 422 if problem else 200
