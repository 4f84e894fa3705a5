"""企业微信 web OAuth (网页授权): the authorize URL, and the userid a returned code stands for.

The browser goes to `{oauth_url}?appid=CORPID&redirect_uri=…&response_type=code&scope=snsapi_base
&state=…&agentid=…#wechat_redirect` (the public host or a private deployment's own), comes back
with `code` and `state`, and `GET {base}/cgi-bin/auth/getuserinfo?access_token=…&code=…` answers
the member's `userid` (`UserId` in older deployments). 企业微信 never asserts a second factor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from wellbeing.auth.sso import SsoError
from wellbeing.notify.wecom import WecomClient, WecomError

DEFAULT_OAUTH_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
INVALID_CODE = "errcode_40029"


def authorize_url(
    oauth_url: str, corp_id: str, agent_id: int | str, redirect_uri: str, state: str
) -> str:
    """Where to send the browser to be signed in by 企业微信 (silent `snsapi_base`)."""
    query = urlencode(
        [
            ("appid", corp_id),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", "snsapi_base"),
            ("state", state),
            ("agentid", str(agent_id)),
        ]
    )
    return f"{oauth_url or DEFAULT_OAUTH_URL}?{query}#wechat_redirect"


def userid_for_code(client: WecomClient, code: str) -> str:
    """The corp member's userid for a one-time code; SsoError `sso_code_refused` for a bad or
    used code, `sso_not_member` for someone outside the corp, `sso_unavailable` otherwise."""
    try:
        reply = client.call("GET", "/cgi-bin/auth/getuserinfo", params={"code": code})
    except WecomError as exc:
        raise SsoError(
            "sso_code_refused" if exc.code == INVALID_CODE else "sso_unavailable"
        ) from exc
    userid = reply.get("userid", reply.get("UserId"))
    if not isinstance(userid, str) or not userid.strip():
        raise SsoError("sso_not_member")  # an outsider gets an openid, not a userid
    return userid.strip()
