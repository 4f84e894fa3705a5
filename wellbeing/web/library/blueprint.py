"""The library blueprint and the loader its views share."""

from __future__ import annotations

from flask import Blueprint, abort

from wellbeing.faces.context import current_user, db
from wellbeing.library import service
from wellbeing.library.models import Article
from wellbeing.org.models import User

bp = Blueprint("library", __name__, url_prefix="/library")


def reader() -> User:
    """The signed-in user (the access rule has required one)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def load_article(article_id: str) -> Article:
    """The article, or 404 when it does not exist or is a draft the reader may not see."""
    article = service.find_article(db(), article_id)
    if article is None or not service.may_read(reader(), article):
        abort(404)
    return article
