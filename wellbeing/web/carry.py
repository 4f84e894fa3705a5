"""Never a lost form: a POST that arrives after the session ended is carried through sign-in.

The signed-out POST gets the sign-in page (401) holding the posted fields as hidden inputs
(prefixed ``carry.``) and the original address; after signing in, a "Continue" page posts the
same fields back with a fresh CSRF token — one click, no JavaScript. Fields travel only in the
HTML forms: never in cookies, addresses or logs.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

PREFIX = "carry."
NOT_CARRIED = frozenset({"csrf_token", "password", "username", "next"})

Fields = list[tuple[str, str]]


def posted_fields(form: MultiDict[str, str]) -> Fields:
    """The fields of an intercepted POST worth carrying (not the token, never a password)."""
    return [(name, value) for name, value in form.items(multi=True) if name not in NOT_CARRIED]


def carried_fields(form: Mapping[str, str] | MultiDict[str, str]) -> Fields:
    """The carried fields coming back with the sign-in form, without their prefix."""
    items = form.items(multi=True) if isinstance(form, MultiDict) else form.items()
    return [
        (name.removeprefix(PREFIX), value)
        for name, value in items
        if name.startswith(PREFIX) and name.removeprefix(PREFIX) not in NOT_CARRIED
    ]


def login_keeping_form() -> ResponseReturnValue:
    """The sign-in page for a signed-out POST, holding what was posted."""
    return (
        render_template(
            "login.html",
            next=request.full_path.rstrip("?"),
            carried=posted_fields(request.form),
        ),
        401,
    )


def continue_page(target: str, fields: Fields) -> ResponseReturnValue:
    """After signing in again: one button that posts the kept fields to where they were going."""
    return render_template("continue.html", target=target, fields=fields)
