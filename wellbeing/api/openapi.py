"""The API's OpenAPI 3.1 document: kept as data in openapi.yaml, loaded once at start-up.

Paths listed under ``x-wellbeing-conditional.<setting>`` are added only when that setting is on
(the benchmark's baseline route exists only then), so the document always matches the URL map.
Each operation gets ``x-access`` from its view's access rule (who may call it), so the document
and the fuzzing script read the rules from the code instead of repeating them.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Any

import yaml
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import public, rule_of
from wellbeing.core.config import Settings

bp = Blueprint("api_openapi", __name__, url_prefix="/api/v1")
EXTENSION_KEY = "wellbeing.openapi"
CONDITIONAL = "x-wellbeing-conditional"
METHODS = ("get", "post", "put", "patch", "delete")
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path template: /a/<int:x>.csv → /a/{x}.csv."""
    return _CONVERTER.sub(r"{\1}", rule)


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
    from wellbeing.faces.csrf import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    document = load_document(app.extensions["wellbeing.settings"])
    annotate_access(app, document)
    app.extensions[EXTENSION_KEY] = document


def annotate_access(app: Flask, document: dict[str, Any]) -> None:
    """Add ``x-access`` (public, signed_in, or the roles) to each documented API route."""
    for rule in app.url_map.iter_rules():
        item = document["paths"].get(openapi_path(rule.rule))
        access = rule_of(app.view_functions[rule.endpoint])
        if item is None or access is None:
            continue  # an undocumented route fails tests/api/test_openapi.py
        for method in rule.methods or ():
            operation = item.get(method.lower())
            if operation is not None:
                operation["x-access"] = {"kind": access.kind, "roles": sorted(access.roles)}
