"""Library API: published articles for any signed-in user, writing and publishing for
counsellors, supervisors and admins, attached files, and reading them.

A draft does not exist for a reader who may not write (404). Bodies are checked before
anything is written (422 naming the field); a refused file stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles, signed_in
from wellbeing.faces.context import db, writes
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.i18n import current_language
from wellbeing.faces.library import (
    article_detail,
    article_summary,
    attachment_summary,
    error_message,
    file_response,
)
from wellbeing.library import service
from wellbeing.library.errors import AttachmentRefused, LibraryError
from wellbeing.library.files import MAX_ATTACHMENT_BYTES
from wellbeing.library.models import Article

T = TypeVar("T")
bp = Blueprint("api_library", __name__, url_prefix="/api/v1")
WRITERS = tuple(service.WRITERS)  # the library's rule: who writes, edits and publishes
UPLOAD_ROOM = 2 * MAX_ATTACHMENT_BYTES  # beyond this the body is not read at all (still 422)


@bp.get("/articles")
@signed_in
def list_articles() -> ResponseReturnValue:
    """Published articles (?category=…); writers may ask for ?status=all to see drafts too."""
    user, category = caller(), request.args.get("category") or None
    if request.args.get("status") == "all" and service.may_write(user):
        rows = service.all_articles(db())
    else:
        rows = service.published_articles(db(), category)
    rows = [row for row in rows if category is None or row.category == category]
    return jsonify([article_summary(row, current_language()) for row in rows])


@bp.post("/articles")
@roles(*WRITERS)
def create_article() -> ResponseReturnValue:
    """{"title": {"zh-CN", "en"}, "body": {…}, "summary"?: {…}, "category", "published"}."""
    user, data = caller(), _parsed(json_body())
    article = _act(lambda: service.create_article(db(), user, data))
    return jsonify({"id": article.id}), 201


@bp.get("/articles/<article_id>")
@signed_in
@writes
def get_article(article_id: str) -> ResponseReturnValue:
    """One article with its sanitised HTML; an officer's read is counted (no reader kept)."""
    user, article = caller(), _load(article_id)
    service.count_read(db(), article, user)
    db().commit()
    return jsonify(article_detail(article, current_language()))


@bp.patch("/articles/<article_id>")
@roles(*WRITERS)
def update_article(article_id: str) -> ResponseReturnValue:
    """Replace an article's texts, category and status (the same body as creating one)."""
    user, article = caller(), _load(article_id)
    data = _parsed(json_body())
    _act(lambda: service.update_article(db(), user, article, data))
    return jsonify(article_detail(article, current_language()))


@bp.post("/articles/<article_id>/attachments")
@roles(*WRITERS)
def attach(article_id: str) -> ResponseReturnValue:
    """Attach a PDF or audio file (multipart field "file"); 422 and nothing stored otherwise."""
    user, article = caller(), _load(article_id)
    name, data = _uploaded()
    attachment = _act(lambda: service.attach_file(db(), user, article, name, data))
    return jsonify(attachment_summary(attachment)), 201


@bp.get("/attachments/<attachment_id>")
@signed_in
def download(attachment_id: str) -> ResponseReturnValue:
    """An attached file, served as its checked type."""
    attachment = service.find_attachment(db(), attachment_id)
    if attachment is None or not service.may_read(caller(), attachment.article):
        raise _not_found()
    return file_response(attachment)


def _load(article_id: str) -> Article:
    article = service.find_article(db(), article_id)
    if article is None or not service.may_read(caller(), article):
        raise _not_found()
    return article


def _parsed(body: dict[str, object]) -> service.ArticleInput:
    try:
        return service.parse_article(body)
    except LibraryError as exc:
        raise ApiError(422, "invalid", error_message(exc), field=exc.field) from None


def _uploaded() -> tuple[str, bytes]:
    refused = AttachmentRefused("file")
    too_large = ApiError(422, refused.code, error_message(refused), field="file")
    if (request.content_length or 0) > UPLOAD_ROOM:
        raise too_large  # not read at all
    request.max_content_length = UPLOAD_ROOM
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise too_large from None
    if upload is None:
        raise ApiError(
            422, "invalid", _("Field %(field)s is required.", field="file"), field="file"
        )
    try:
        return upload.filename or "attachment", upload.read(MAX_ATTACHMENT_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file: close it now


def _act(step: Callable[[], T]) -> T:
    try:
        result = step()
        db().commit()
    except LibraryError as exc:
        db().rollback()
        raise ApiError(status_of(exc), exc.code, error_message(exc), field=exc.field) from None
    return result


def _not_found() -> ApiError:
    return ApiError(404, "not_found", _("This page or record does not exist."))
