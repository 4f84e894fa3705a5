"""The API's OpenAPI 3.1 document: kept as data in openapi.yaml, loaded once at start-up.

Paths listed under ``x-wellbeing-conditional.<setting>`` are added only when that setting is on
(the benchmark's baseline route exists only then), so the document always matches the URL map.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import public
from wellbeing.config import Settings

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")
EXTENSION_KEY = "wellbeing.openapi"
CONDITIONAL = "x-wellbeing-conditional"


def load_document(settings: Settings) -> dict[str, Any]:
    """The document for an app with these settings (a fresh dict on every call)."""
    text = files("wellbeing.api").joinpath("openapi.yaml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    conditional: dict[str, dict[str, Any]] = document.pop(CONDITIONAL, {})
    for setting, paths in conditional.items():
        if getattr(settings, setting):
            document["paths"].update(paths)
    return document


@bp.get("/openapi.json")
@public
def openapi_document() -> ResponseReturnValue:
    """This API's OpenAPI 3.1 description."""
    return jsonify(current_app.extensions[EXTENSION_KEY])


def init_openapi(app: Flask) -> None:
    """Load the document (a broken file stops start-up) and serve it."""
    from wellbeing.web import csrf

    app.extensions[EXTENSION_KEY] = load_document(app.extensions["wellbeing.settings"])
    csrf.exempt(bp)
    app.register_blueprint(bp)
