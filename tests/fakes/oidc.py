"""A small but protocol-correct OpenID provider on 127.0.0.1, for single sign-on tests.

Endpoints: discovery (`/.well-known/openid-configuration`), `/authorize` (authorization code
flow; PKCE with S256 is required, as a provider configured to demand it does), `/token` (client
authentication with HTTP Basic, one-use codes bound to their redirect URI, the code verifier
checked against the challenge) and `/jwks`. ID tokens are RS256 JWTs signed with joserfc.

There is no login form: `/authorize` signs in whoever the test put in `identity` (claims such as
`preferred_username`, `amr`). Knobs let a test break one thing at a time: sign with a key the
provider does not publish, name another audience, leave out the nonce.

    provider = FakeOidcProvider.start(); ...; provider.stop()
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request, Response

from tests.fakes.http import LoopbackFake

CLIENT_ID = "wellbeing-test"
CLIENT_SECRET = "test-client-secret"


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "signing-1", "use": "sig"})


@dataclass
class Grant:
    """What an issued authorization code stands for."""

    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class FakeOidcProvider(LoopbackFake):
    """State of the fake; change it from a test while the server runs."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    identity: dict[str, Any] = field(default_factory=lambda: {"sub": "s-1"})
    audience: str | None = None  # None: the client id
    sign_with_unpublished_key: bool = False
    omit_nonce: bool = False
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_refusals: list[str] = field(default_factory=list)  # the OAuth error of each refusal
    _key: RSAKey = field(default_factory=_new_key)
    _rogue: RSAKey = field(default_factory=_new_key)
    _codes: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, **kwargs: Any) -> FakeOidcProvider:
        """A provider serving on a free loopback port."""
        fake = cls(**kwargs)
        fake.serve()
        return fake

    @property
    def issuer(self) -> str:
        """The issuer URL to configure (WELLBEING_OIDC_ISSUER)."""
        return self.base_url + "/realms/police"

    # -- the protocol ---------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        prefix = "/realms/police"
        path = request.path.removeprefix(prefix) if request.path.startswith(prefix) else None
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/token"): self._token,
            ("GET", "/jwks"): self._jwks,
        }
        handler = routes.get((request.method, path or ""))
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _discovery(self, _request: Request) -> Response:
        base = self.issuer
        return _json(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    def _jwks(self, _request: Request) -> Response:
        return _json({"keys": [self._key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = dict(request.args)
        self.authorize_requests.append(args)
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") != self.client_id or not redirect_uri:
            return Response("unknown client or redirect_uri", status=400)
        state = args.get("state")
        error = None
        if args.get("response_type") != "code":
            error = "unsupported_response_type"
        elif "openid" not in args.get("scope", "").split():
            error = "invalid_scope"
        elif args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            error = "invalid_request"  # PKCE with S256 is required here
        if error:
            return _redirect(redirect_uri, {"error": error, "state": state})
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = Grant(
                self.client_id,
                redirect_uri,
                args["code_challenge"],
                args.get("nonce"),
                dict(self.identity),
            )
        return _redirect(redirect_uri, {"code": code, "state": state})

    def _token(self, request: Request) -> Response:
        form = dict(request.form)
        self.token_requests.append(form)
        auth = request.authorization
        if (
            auth is None
            or auth.username != self.client_id
            or not hmac.compare_digest(auth.password or "", self.client_secret)
        ):
            return self._refuse("invalid_client", 401)
        if form.get("grant_type") != "authorization_code":
            return self._refuse("unsupported_grant_type")
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is good once
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return self._refuse("invalid_grant")
        verifier = form.get("code_verifier", "")
        if not verifier or not hmac.compare_digest(_s256(verifier), grant.challenge):
            return self._refuse("invalid_grant")  # PKCE: missing or wrong verifier
        access_token = secrets.token_urlsafe(24)
        return _json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            }
        )

    def _refuse(self, error: str, status: int = 400) -> Response:
        self.token_refusals.append(error)
        return _json({"error": error}, status)

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience or grant.client_id,
            "iat": now,
            "exp": now + 300,
            **grant.claims,
        }
        if grant.nonce is not None and not self.omit_nonce:
            claims["nonce"] = grant.nonce
        key = self._rogue if self.sign_with_unpublished_key else self._key
        return jwt.encode({"alg": "RS256", "kid": "signing-1"}, claims, key)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _redirect(target: str, params: dict[str, str | None]) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in target else "?"
    return Response(status=302, headers={"Location": f"{target}{separator}{query}"})


# -- the browser: the Flask test client and httpx between our app and the provider ----------


def leave_for_provider(client: Any, path: str = "/login/sso") -> str:
    """Start a sign-in; the provider's answer: the URL it sends the browser back to."""
    start = client.get(path)
    assert start.status_code == 302, start.get_data(as_text=True)
    answer = httpx.get(start.headers["Location"], follow_redirects=False)
    assert answer.status_code == 302
    return answer.headers["Location"]


def come_back(client: Any, location: str) -> Any:
    """Call our callback with what the provider sent back."""
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", "/login/sso/callback")
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Any, path: str = "/login/sso") -> Any:
    """The whole round trip: our start, the provider, our callback."""
    return come_back(client, leave_for_provider(client, path))
