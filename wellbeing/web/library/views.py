"""Reading: the shelf (by category), one article, and its attached files."""

from __future__ import annotations

from itertools import groupby

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import signed_in
from wellbeing.faces.context import db, writes
from wellbeing.faces.i18n import current_language
from wellbeing.faces.library import file_response
from wellbeing.library import service
from wellbeing.library.categories import CATEGORIES, category_label
from wellbeing.web.library.blueprint import bp, load_article, reader


@bp.get("")
@signed_in
def index() -> ResponseReturnValue:
    """Published articles grouped by category (?category= narrows); writers see drafts too."""
    user, lang = reader(), current_language()
    wanted = request.args.get("category") or None
    if wanted is not None and wanted not in CATEGORIES:
        abort(404)
    writer = service.may_write(user)
    rows = service.all_articles(db()) if writer else service.published_articles(db())
    order = list(CATEGORIES)
    rows = sorted(
        (row for row in rows if wanted is None or row.category == wanted),
        key=lambda row: order.index(row.category) if row.category in order else len(order),
    )
    shelves = [
        {"category": code, "label": category_label(code, lang), "articles": list(items)}
        for code, items in groupby(rows, key=lambda row: row.category)
    ]
    categories = [{"code": c, "label": category_label(c, lang)} for c in CATEGORIES]
    return render_template(
        "library/index.html",
        shelves=shelves,
        categories=categories,
        wanted=wanted,
        writer=writer,
    )


@bp.get("/<article_id>")
@signed_in
@writes
def article(article_id: str) -> ResponseReturnValue:
    """One article (its sanitised HTML); an officer's read is counted with no reader kept."""
    user = reader()
    found = load_article(article_id)
    service.count_read(db(), found, user)
    db().commit()
    lang = current_language()
    return render_template(
        "library/article.html",
        article=found,
        label=category_label(found.category, lang),
        writer=service.may_write(user),
    )


@bp.get("/files/<attachment_id>")
@signed_in
def download(attachment_id: str) -> ResponseReturnValue:
    """An attached file, served as its checked type."""
    attachment = service.find_attachment(db(), attachment_id)
    if attachment is None or not service.may_read(reader(), attachment.article):
        abort(404)
    return file_response(attachment)
