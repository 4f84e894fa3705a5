"""The browser side of 企业微信 web OAuth on 127.0.0.1: `/connect/oauth2/authorize`.

In 企业微信 this page knows the member from the app itself; here `member` says who is "in the
app". It checks the parameters as 企业微信 does (appid, agentid, response_type=code,
scope=snsapi_base), mints a one-use code in the companion API fake (tests/fakes/wecom.py, whose
`/cgi-bin/auth/getuserinfo` answers it) and sends the browser back with `code` and `state`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from tests.fakes.http import LoopbackFake
from tests.fakes.wecom import FakeWecom


@dataclass
class FakeWecomOAuth(LoopbackFake):
    """The authorize page of one corp; change `member` from a test."""

    api: FakeWecom
    member: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def start(cls, api: FakeWecom, **kwargs: Any) -> FakeWecomOAuth:
        """Serve on a free loopback port."""
        fake = cls(api, **kwargs)
        fake.serve()
        return fake

    @property
    def url(self) -> str:
        """The authorize URL to configure (WELLBEING_WECOM_OAUTH_URL)."""
        return self.base_url + "/connect/oauth2/authorize"

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        args = dict(request.args)
        self.requests.append(args)
        expected = {
            "appid": self.api.corp_id,
            "agentid": str(self.api.agent_id),
            "response_type": "code",
            "scope": "snsapi_base",
        }
        wrong = [name for name, value in expected.items() if args.get(name) != value]
        if request.path != "/connect/oauth2/authorize" or wrong or not args.get("redirect_uri"):
            return Response(f"bad request: {wrong}", status=400)(environ, start_response)
        code = secrets.token_hex(16)
        self.api.codes[code] = self.member
        query = urlencode({"code": code, "state": args.get("state", "")})
        target = f"{args['redirect_uri']}?{query}"
        return Response(status=302, headers={"Location": target})(environ, start_response)
