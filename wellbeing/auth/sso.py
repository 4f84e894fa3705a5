"""Single sign-on with OpenID Connect: authorization code flow with PKCE (S256).

Authlib builds the requests (authorization URL, PKCE challenge, token request) and checks the
ID token's claims (`iss`, `aud`, `exp`, `nonce`, `azp`, `at_hash`); joserfc checks its signature
against the provider's published keys (JWKS). The provider's metadata comes from
`{issuer}/.well-known/openid-configuration` and is kept for an hour per issuer; an unknown key id
fetches the key set again once (the provider rotated its keys).

What the browser must keep between leaving for the provider and coming back (`state`, `nonce`,
the PKCE verifier) is a `PendingSignIn`; the web layer holds it and hands it back exactly once.
Nothing here knows about requests or sessions; matching the user is `sso_users`.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

import httpx
from authlib.common.urls import add_params_to_qs
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from wellbeing.auth.errors import AuthError
from wellbeing.core.clock import utcnow

PENDING_SECONDS = 600  # a sign-in must come back from the provider within ten minutes
METADATA_SECONDS = 3600
HTTP_TIMEOUT = 10.0
CLOCK_LEEWAY = 60  # seconds of clock difference tolerated on `exp` and `iat`
# Only asymmetric signatures: a shared-secret (HS*) or unsigned ID token is refused.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")


class SsoError(AuthError):
    """A single sign-on that cannot complete; `code` says why (never a claim value)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class OidcConfig:
    """The relying party's registration at one OpenID provider."""

    issuer: str
    client_id: str
    client_secret: str
    username_claim: str = "preferred_username"
    mfa_amr: frozenset[str] = frozenset({"mfa", "otp"})

    @property
    def discovery_url(self) -> str:
        """Where the provider publishes its metadata."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class PendingSignIn:
    """One started sign-in: what must match when the browser comes back. The web layer keeps it
    in the browser's signed (HttpOnly) session cookie and takes it out at the callback."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    started_at: float

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping to keep in a session."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: object) -> PendingSignIn | None:
        """Read it back; None when the mapping is not one of ours."""
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                state=str(raw["state"]),
                nonce=str(raw["nonce"]),
                code_verifier=str(raw["code_verifier"]),
                redirect_uri=str(raw["redirect_uri"]),
                started_at=float(raw["started_at"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def check_return(self, params: Mapping[str, str]) -> str:
        """The authorization code of a callback that belongs to this sign-in, else SsoError.

        Refused: another or missing `state` (`sso_state`), too late (`sso_expired`), the
        provider's own error (`sso_denied`), no code (`sso_state`).
        """
        state = params.get("state", "")
        if not state or not hmac.compare_digest(state.encode(), self.state.encode()):
            raise SsoError("sso_state")
        if utcnow().timestamp() - self.started_at > PENDING_SECONDS:
            raise SsoError("sso_expired")
        if params.get("error"):
            raise SsoError("sso_denied")
        code = params.get("code", "")
        if not code:
            raise SsoError("sso_state")
        return code


def new_pending(redirect_uri: str) -> PendingSignIn:
    """Fresh random `state`, `nonce` and PKCE verifier (43+ characters, RFC 7636)."""
    return PendingSignIn(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(48),
        redirect_uri=redirect_uri,
        started_at=utcnow().timestamp(),
    )


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in: the value of the username claim, and whether the
    provider asserted a second factor (`amr`)."""

    username: str
    second_factor: bool


class OidcClient:
    """The relying party: builds the authorization URL, redeems the code, checks the ID token."""

    def __init__(self, config: OidcConfig, http: httpx.Client | None = None) -> None:
        self.config = config
        self.http = http or httpx.Client(timeout=HTTP_TIMEOUT)

    def authorization_url(self, pending: PendingSignIn) -> str:
        """Where to send the browser: code flow, scope `openid`, nonce, S256 challenge."""
        endpoint = str(self._metadata()["authorization_endpoint"])
        url: str = prepare_grant_uri(
            endpoint,
            self.config.client_id,
            "code",
            redirect_uri=pending.redirect_uri,
            scope="openid profile",
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.code_verifier),
            code_challenge_method="S256",
        )
        return url

    def finish(self, pending: PendingSignIn, params: Mapping[str, str]) -> Identity:
        """Check the callback against the pending sign-in, redeem the code (with the PKCE
        verifier), verify the ID token and return the identity it asserts."""
        code = pending.check_return(params)
        tokens = self._redeem(code, pending)
        claims = self._verified_claims(tokens, pending.nonce)
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username.strip():
            raise SsoError("sso_no_username")
        amr = claims.get("amr")
        methods = {str(item) for item in amr} if isinstance(amr, list) else set()
        return Identity(username.strip(), bool(methods & self.config.mfa_amr))

    def _redeem(self, code: str, pending: PendingSignIn) -> dict[str, Any]:
        endpoint = str(self._metadata()["token_endpoint"])
        body = add_params_to_qs(
            "",
            [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirect_uri),
                ("code_verifier", pending.code_verifier),
            ],
        )
        try:
            response = self.http.post(
                endpoint,
                content=body,
                auth=(self.config.client_id, self.config.client_secret),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
            )
        except httpx.HTTPError as exc:
            raise SsoError("sso_unavailable") from exc
        if response.status_code >= 500:
            raise SsoError("sso_unavailable")
        payload = _json_object(response)
        if response.status_code != 200 or not isinstance(payload.get("id_token"), str):
            raise SsoError("sso_code_refused")
        return payload

    def _verified_claims(self, tokens: dict[str, Any], nonce: str) -> dict[str, Any]:
        metadata = self._metadata()
        allowed = [
            alg
            for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
            if alg in SIGNING_ALGORITHMS
        ]
        raw = str(tokens["id_token"])
        try:
            token = jwt.decode(raw, self._keys(raw), algorithms=allowed or ["RS256"])
        except (JoseError, ValueError) as exc:
            raise SsoError("sso_bad_token") from exc
        claims = CodeIDToken(
            token.claims,
            token.header,
            options={
                "iss": {"essential": True, "value": str(metadata["issuer"])},
                "aud": {"essential": True, "value": self.config.client_id},
                "exp": {"essential": True},
                "nonce": {"essential": True, "value": nonce},
            },
            params={
                "nonce": nonce,
                "client_id": self.config.client_id,
                "access_token": tokens.get("access_token"),
            },
        )
        try:
            claims.validate(now=int(utcnow().timestamp()), leeway=CLOCK_LEEWAY)
        except (JoseError, ValueError) as exc:
            raise SsoError("sso_bad_token") from exc
        return dict(claims)

    def _keys(self, raw_token: str) -> KeySet:
        """The provider's keys; fetched again once when the token names a key not in them."""
        entry = self._entry()
        key_set = KeySet.import_key_set(cast(Any, entry.jwks))
        kid = _header_kid(raw_token)
        if kid is not None and all(key.kid != kid for key in key_set.keys):
            entry.jwks = self._get_json(str(entry.metadata["jwks_uri"]))
            key_set = KeySet.import_key_set(cast(Any, entry.jwks))
        return key_set

    def _metadata(self) -> dict[str, Any]:
        return self._entry().metadata

    def _entry(self) -> _ProviderEntry:
        found = _PROVIDERS.get(self.config.issuer)
        if found is not None and time.monotonic() - found.fetched < METADATA_SECONDS:
            return found
        metadata = self._get_json(self.config.discovery_url)
        issuer = str(metadata.get("issuer", "")).rstrip("/")
        if issuer != self.config.issuer.rstrip("/"):
            raise SsoError("sso_unavailable")  # metadata of another issuer: misconfigured
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(name), str):
                raise SsoError("sso_unavailable")
        jwks = self._get_json(str(metadata["jwks_uri"]))
        entry = _ProviderEntry(metadata, jwks, time.monotonic())
        _PROVIDERS[self.config.issuer] = entry
        return entry

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self.http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise SsoError("sso_unavailable") from exc
        if response.status_code != 200:
            raise SsoError("sso_unavailable")
        return _json_object(response)


@dataclass
class _ProviderEntry:
    metadata: dict[str, Any]
    jwks: dict[str, Any]
    fetched: float


_PROVIDERS: dict[str, _ProviderEntry] = {}


def forget_providers() -> None:
    """Drop the cached provider metadata and keys (tests; a changed issuer)."""
    _PROVIDERS.clear()


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError as exc:
        raise SsoError("sso_unavailable") from exc
    if not isinstance(payload, dict):
        raise SsoError("sso_unavailable")
    return payload


def _header_kid(raw_token: str) -> str | None:
    try:
        kid = extract_compact(raw_token.encode()).headers().get("kid")
    except (JoseError, ValueError):
        return None
    return str(kid) if kid is not None else None
