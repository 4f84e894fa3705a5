"""Language: zh-CN by default, English on request; the signed-in user's choice is remembered."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel

from wellbeing.faces.context import current_user, settings
from wellbeing.org.models import LOCALES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    """`?lang=` for this request, else the user's saved locale, else the browser session's."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        return asked
    user = current_user()
    if user is not None and user.locale in LOCALES:
        return user.locale
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    return settings().default_locale


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
