"""WeChat's and 企业微信's in-app browsers: downloads do not work there.

Their browser (a WebView) ignores `Content-Disposition: attachment` and the `download`
attribute, so a PDF or CSV link does nothing. Pages keep such links plain (no popup, no
script) and, inside those browsers only, say how to open the page in the system browser.
"""

from __future__ import annotations

import re

from flask import request

from wellbeing.web.officer.blueprint import bp

# WeChat: "MicroMessenger/8.0.47"; 企业微信 adds "wxwork/4.1.22" (and says MicroMessenger too)
_IN_APP = re.compile(r"MicroMessenger|wxwork", re.IGNORECASE)


def in_wechat(user_agent: str | None) -> bool:
    """Whether a user agent is WeChat's or 企业微信's in-app browser."""
    return bool(user_agent and _IN_APP.search(user_agent))


@bp.app_context_processor
def wechat_context() -> dict[str, bool]:
    """`in_wechat` for every template (the download hint shows only there)."""
    return {"in_wechat": in_wechat(request.headers.get("User-Agent"))}
