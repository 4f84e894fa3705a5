"""Where to go after sign-in, consent or a language switch: one check for every `next`.

Only a same-site relative path is followed. A target with a scheme or host (`https://…`,
`//host`), a backslash (browsers read `/\\host` as `//host`), a control character (CR/LF would
split the `Location` header) or more than MAX_LENGTH characters is dropped, and the caller goes
home instead (issue 21.4).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

MAX_LENGTH = 2000


def relative_target(target: str | None) -> str | None:
    """The target when it is a same-site relative path (`/…`), else None."""
    if not target or len(target) > MAX_LENGTH or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(target: str | None) -> str:
    """Where to redirect: the target when it is a relative path, else the home page."""
    return relative_target(target) or url_for("home.index")
