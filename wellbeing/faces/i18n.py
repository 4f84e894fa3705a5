"""Language: zh-CN by default, English on request; the signed-in user's choice is remembered.

On a first visit with nothing chosen, the browser's ``Accept-Language`` decides (q-values
respected; any Chinese tag means zh_CN, any English tag en; nothing we speak: the default).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from wellbeing.faces.context import current_user, settings
from wellbeing.org.models import LOCALES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


# What a new account's locale holds before anyone chose (org.models.User.locale's default): an
# account still on it may have saved no choice, so the switch in this browser and then the
# browser's languages decide (an English browser is not forced into Chinese by a default).
ACCOUNT_DEFAULT = "zh_CN"
PRIMARY_TAGS = {"zh": "zh_CN", "en": "en"}


def select_locale() -> str:
    """`?lang=` for this request, else the user's saved locale (when not the account default),
    else the browser session's choice, else the browser's ``Accept-Language``, else the default."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    user = current_user()
    if user is not None and user.locale in LOCALES and user.locale != ACCOUNT_DEFAULT:
        return user.locale
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    return browser_locale(request.headers.get("Accept-Language", ""), settings().default_locale)


def browser_locale(header: str, default: str) -> str:
    """The first language of an ``Accept-Language`` header we speak, by q-value (ties in the
    header's order; q=0 means "not this"); ``default`` when none is."""
    for tag, quality in parse_accept_header(header, LanguageAccept):
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if quality > 0 and primary in PRIMARY_TAGS:
            return PRIMARY_TAGS[primary]
    return default


def init_i18n(app: Flask) -> None:
    """Set up Flask-Babel with the compiled catalogues inside the package."""
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    init_template_language(app)


def current_language() -> str:
    """The language of this request as one of LOCALES ("zh_CN" or "en")."""
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def init_template_language(app: Flask) -> None:
    """Expose `lang` ("zh_CN" or "en") to every template."""

    @app.context_processor
    def _language() -> dict[str, str]:
        return {"lang": current_language()}
