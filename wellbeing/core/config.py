"""Settings from WELLBEING_* environment variables into one frozen, typed object.

Defaults make the embedded mode work (SQLite under ./instance). Outside tests a missing secret
key stops start-up with a message that says what to do; nothing falls back to a made-up key.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
KEYRING_FILE = "keyring.json"
MIN_AUDIT_RETENTION_DAYS = 183
MIN_CLINICAL_RETENTION_DAYS = 30  # guards against a typo purging this year's submissions
MIN_REPORT_CELL = 5  # the smallest threshold k disclosure control accepts (reports/disclosure.py)


class ConfigError(RuntimeError):
    """The service cannot start with the settings it was given; the message says how to fix it."""


def _env_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"expected a yes/no value, got {value!r}")


@dataclass(frozen=True)
class Settings:
    """Every setting the service reads, with its embedded-mode default."""

    instance_path: Path = field(default_factory=lambda: Path("instance").resolve())
    database_url: str = ""
    secret_key: str = ""
    testing: bool = False
    demo: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    token_ttl_hours: int = 12
    proxy_count: int = 0
    throttle_window_minutes: int = 15
    throttle_account_failures: int = 100  # per hour from all addresses (wellbeing/auth/throttle.py)
    throttle_address_failures: int = 20
    cookie_secure: bool = True
    default_locale: str = "zh_CN"
    keyring_path: Path | None = None
    keyring_reload_seconds: int = 30  # how often every process re-reads the keyring
    questionnaire_dirs: str = ""
    claim_hours_urgent: int = 4
    claim_hours_high: int = 72
    claim_hours_routine: int = 336
    # The clocks after the claim (docs/deployment.md): first contact after the claim, closing
    # after the first contact; a failed contact attempt restarts the contact clock at half.
    contact_hours_urgent: int = 1
    contact_hours_high: int = 24
    contact_hours_routine: int = 120
    close_hours_urgent: int = 168
    close_hours_high: int = 336
    close_hours_routine: int = 720
    # Outreach after a critical incident: claimed within the first period, the officer contacted
    # within the second after the claim (24–72 h in all by default).
    outreach_claim_hours: int = 24
    outreach_contact_hours: int = 48
    # The station's clock and hours: rosters, office hours and dates shown to people.
    timezone: str = "Asia/Shanghai"
    office_hours: str = "Mon-Fri 08:30-17:30"
    on_call_escalate_minutes: int = 30
    # Supervision: the share of closed cases chosen for review, and the seed of that choice
    # (empty: derived from the secret key, so counsellors cannot predict it).
    review_share_urgent: float = 1.0
    review_share_other: float = 0.2
    review_seed: str = field(default="", repr=False)
    report_min_cell: int = 10  # threshold k of report disclosure control
    report_dp_epsilon: float | None = None  # set: reports add OpenDP noise, this epsilon a release
    # Releases split by staff category (民警/辅警), protected with the unit rows. Off by default:
    # the exact audit of the crossed table grows steeply with the tree (see the README).
    report_staff_split: bool = False
    notify_adapter: str = "log"
    notify_channels: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_starttls: bool = True
    # Notices through 企业微信, an SMS gateway or a webhook (docs/deployment.md); links in them
    # open the service at public_url.
    public_url: str = ""
    wecom_base_url: str = "https://qyapi.weixin.qq.com"
    wecom_corp_id: str = ""
    wecom_agent_id: int = 0
    wecom_secret: str = field(default="", repr=False)
    sms_url: str = ""
    sms_body: str = '{"phone": "{phone}", "text": "{text}"}'
    sms_secret: str = field(default="", repr=False)
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    scheduler_lease_seconds: int = 30
    serve_scheduler: str = "auto"
    audit_retention_days: int = 400
    require_mfa: bool = True  # a second factor for every role but officer (off in the demo)
    # Single sign-on (docs/deployment.md "Single sign-on"); password sign-in can be switched off
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    oidc_username_claim: str = "preferred_username"
    oidc_mfa_amr: str = "mfa,otp"  # `amr` values that count as the second factor
    wecom_oauth_url: str = "https://open.weixin.qq.com/connect/oauth2/authorize"
    password_login: bool = True
    # How long clinical records are kept: a station decision (default five years), see README
    submission_retention_days: int = 1825
    closed_referral_retention_days: int = 1825
    station_name: str = ""
    station_phone: str = ""
    station_hours: str = ""
    # "name number" entries separated by ";"; the station must verify them before going live
    crisis_hotlines: str = "全国心理援助热线 12356;希望24热线 400-161-9995"
    bench_baseline: bool = False  # bench/submit.py only: adds the raw-insert baseline endpoint
    bench_immediate_reads: bool = False  # bench/reads.py only: reads take the write lock (old way)

    def __post_init__(self) -> None:
        if self.audit_retention_days < MIN_AUDIT_RETENTION_DAYS:
            raise ConfigError(
                f"WELLBEING_AUDIT_RETENTION_DAYS must be at least {MIN_AUDIT_RETENTION_DAYS} "
                "(six months): the audit log is evidence"
            )
        if self.report_min_cell < MIN_REPORT_CELL:
            raise ConfigError(
                f"WELLBEING_REPORT_MIN_CELL must be at least {MIN_REPORT_CELL}: smaller report "
                "cells could identify people"
            )
        if not self.cookie_secure and not (self.demo or self.testing):
            raise ConfigError(
                "WELLBEING_COOKIE_SECURE may be off only in `wellbeing demo` (local plain HTTP): "
                "serve over HTTPS and leave it on"
            )
        for name in ("submission_retention_days", "closed_referral_retention_days"):
            if getattr(self, name) < MIN_CLINICAL_RETENTION_DAYS:
                raise ConfigError(
                    f"{_ENV_NAMES[name]} must be at least {MIN_CLINICAL_RETENTION_DAYS} days: "
                    "records are needed to follow an officer across screenings"
                )
        for name in ("review_share_urgent", "review_share_other"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{_ENV_NAMES[name]} must be a share between 0 and 1")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"WELLBEING_TIMEZONE must name a time zone such as Asia/Shanghai: {self.timezone!r}"
            ) from exc
        epsilon = self.report_dp_epsilon
        if epsilon is not None and not (epsilon > 0 and math.isfinite(epsilon)):
            raise ConfigError("WELLBEING_REPORT_DP_EPSILON must be a positive number (or unset)")
        _check_notify_adapters(self)
        _check_sign_in(self)

    @property
    def sqlite_path(self) -> Path:
        """Where the embedded database lives."""
        return self.instance_path / "wellbeing.db"

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def effective_keyring_path(self) -> Path:
        """The keyring file, by default inside the instance folder."""
        return self.keyring_path or self.instance_path / KEYRING_FILE


_ENV_NAMES: dict[str, str] = {
    "instance_path": "WELLBEING_INSTANCE_PATH",
    "database_url": "WELLBEING_DATABASE_URL",
    "secret_key": "WELLBEING_SECRET_KEY",
    "demo": "WELLBEING_DEMO",
    "session_idle_minutes": "WELLBEING_SESSION_IDLE_MINUTES",
    "session_absolute_hours": "WELLBEING_SESSION_ABSOLUTE_HOURS",
    "token_ttl_hours": "WELLBEING_TOKEN_TTL_HOURS",
    "proxy_count": "WELLBEING_PROXY_COUNT",
    "throttle_window_minutes": "WELLBEING_THROTTLE_WINDOW_MINUTES",
    "throttle_account_failures": "WELLBEING_THROTTLE_ACCOUNT_FAILURES",
    "throttle_address_failures": "WELLBEING_THROTTLE_ADDRESS_FAILURES",
    "cookie_secure": "WELLBEING_COOKIE_SECURE",
    "default_locale": "WELLBEING_DEFAULT_LOCALE",
    "keyring_path": "WELLBEING_KEYRING_PATH",
    "keyring_reload_seconds": "WELLBEING_KEYRING_RELOAD_SECONDS",
    "questionnaire_dirs": "WELLBEING_QUESTIONNAIRE_DIRS",
    "claim_hours_urgent": "WELLBEING_CLAIM_HOURS_URGENT",
    "claim_hours_high": "WELLBEING_CLAIM_HOURS_HIGH",
    "claim_hours_routine": "WELLBEING_CLAIM_HOURS_ROUTINE",
    "contact_hours_urgent": "WELLBEING_CONTACT_HOURS_URGENT",
    "contact_hours_high": "WELLBEING_CONTACT_HOURS_HIGH",
    "contact_hours_routine": "WELLBEING_CONTACT_HOURS_ROUTINE",
    "close_hours_urgent": "WELLBEING_CLOSE_HOURS_URGENT",
    "close_hours_high": "WELLBEING_CLOSE_HOURS_HIGH",
    "close_hours_routine": "WELLBEING_CLOSE_HOURS_ROUTINE",
    "outreach_claim_hours": "WELLBEING_OUTREACH_CLAIM_HOURS",
    "outreach_contact_hours": "WELLBEING_OUTREACH_CONTACT_HOURS",
    "timezone": "WELLBEING_TIMEZONE",
    "office_hours": "WELLBEING_OFFICE_HOURS",
    "on_call_escalate_minutes": "WELLBEING_ON_CALL_ESCALATE_MINUTES",
    "review_share_urgent": "WELLBEING_REVIEW_SHARE_URGENT",
    "review_share_other": "WELLBEING_REVIEW_SHARE_OTHER",
    "review_seed": "WELLBEING_REVIEW_SEED",
    "report_min_cell": "WELLBEING_REPORT_MIN_CELL",
    "report_dp_epsilon": "WELLBEING_REPORT_DP_EPSILON",
    "report_staff_split": "WELLBEING_REPORT_STAFF_SPLIT",
    "notify_adapter": "WELLBEING_NOTIFY_ADAPTER",
    "notify_channels": "WELLBEING_NOTIFY_CHANNELS",
    "smtp_host": "WELLBEING_SMTP_HOST",
    "smtp_port": "WELLBEING_SMTP_PORT",
    "smtp_user": "WELLBEING_SMTP_USER",
    "smtp_password": "WELLBEING_SMTP_PASSWORD",
    "smtp_from": "WELLBEING_SMTP_FROM",
    "smtp_starttls": "WELLBEING_SMTP_STARTTLS",
    "public_url": "WELLBEING_PUBLIC_URL",
    "wecom_base_url": "WELLBEING_WECOM_BASE_URL",
    "wecom_corp_id": "WELLBEING_WECOM_CORP_ID",
    "wecom_agent_id": "WELLBEING_WECOM_AGENT_ID",
    "wecom_secret": "WELLBEING_WECOM_SECRET",
    "sms_url": "WELLBEING_SMS_URL",
    "sms_body": "WELLBEING_SMS_BODY",
    "sms_secret": "WELLBEING_SMS_SECRET",
    "webhook_url": "WELLBEING_WEBHOOK_URL",
    "webhook_secret": "WELLBEING_WEBHOOK_SECRET",
    "scheduler_lease_seconds": "WELLBEING_SCHEDULER_LEASE_SECONDS",
    "serve_scheduler": "WELLBEING_SERVE_SCHEDULER",
    "audit_retention_days": "WELLBEING_AUDIT_RETENTION_DAYS",
    "require_mfa": "WELLBEING_REQUIRE_MFA",
    "oidc_issuer": "WELLBEING_OIDC_ISSUER",
    "oidc_client_id": "WELLBEING_OIDC_CLIENT_ID",
    "oidc_client_secret": "WELLBEING_OIDC_CLIENT_SECRET",
    "oidc_username_claim": "WELLBEING_OIDC_USERNAME_CLAIM",
    "oidc_mfa_amr": "WELLBEING_OIDC_MFA_AMR",
    "wecom_oauth_url": "WELLBEING_WECOM_OAUTH_URL",
    "password_login": "WELLBEING_PASSWORD_LOGIN",
    "submission_retention_days": "WELLBEING_SUBMISSION_RETENTION_DAYS",
    "closed_referral_retention_days": "WELLBEING_CLOSED_REFERRAL_RETENTION_DAYS",
    "station_name": "WELLBEING_STATION_NAME",
    "station_phone": "WELLBEING_STATION_PHONE",
    "station_hours": "WELLBEING_STATION_HOURS",
    "crisis_hotlines": "WELLBEING_CRISIS_HOTLINES",
    "bench_baseline": "WELLBEING_BENCH_BASELINE",
    "bench_immediate_reads": "WELLBEING_BENCH_IMMEDIATE_READS",
}


NOTIFY_ADAPTERS = ("log", "smtp", "wecom", "sms", "webhook")
_NOTIFY_NEEDS = {
    "wecom": ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "public_url"),
    "sms": ("sms_url",),
    "webhook": ("webhook_url",),
}


def notify_adapter_names(settings: Settings) -> list[str]:
    """The channels of WELLBEING_NOTIFY_ADAPTER ("wecom,smtp"), in the order they are tried."""
    return [name.strip() for name in settings.notify_adapter.split(",")]


def _check_notify_adapters(settings: Settings) -> None:
    names = notify_adapter_names(settings)
    for name in names:
        if name not in NOTIFY_ADAPTERS or names.count(name) > 1:
            raise ConfigError(
                f"WELLBEING_NOTIFY_ADAPTER: {name!r} is not a channel, or is named twice "
                f"(a comma list of {', '.join(NOTIFY_ADAPTERS)})"
            )
    for name in names:
        missing = [
            _ENV_NAMES[need] for need in _NOTIFY_NEEDS.get(name, ()) if not getattr(settings, need)
        ]
        if missing:
            raise ConfigError(f"WELLBEING_NOTIFY_ADAPTER={name} needs {', '.join(missing)}")


def _env_float(name: str, raw: str, *, optional: bool) -> float | None:
    if optional and not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{_ENV_NAMES.get(name, name)} must be a number") from exc


def _convert(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if not isinstance(raw, str):
        return raw
    if kind == "bool":
        return _env_bool(raw)
    if kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{_ENV_NAMES.get(name, name)} must be a whole number") from exc
    if kind in {"Path", "Path | None"}:
        return Path(raw).resolve() if raw else None
    if kind in {"float", "float | None"}:
        return _env_float(name, raw, optional=kind != "float")
    return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read settings from the environment, then apply explicit overrides (lower-case names)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, var in _ENV_NAMES.items():
        if var in env:
            values[name] = _convert(name, env[var])
    for name, raw in (overrides or {}).items():
        values[name.lower()] = _convert(name.lower(), raw)
    if values.get("instance_path") is None:
        values.pop("instance_path", None)
    settings = Settings(**values)
    if settings.demo and "cookie_secure" not in values:
        settings = replace(settings, cookie_secure=False)  # the demo serves local plain HTTP
    if settings.demo and "require_mfa" not in values:
        settings = replace(settings, require_mfa=False)  # demo users sign in with a password
    return replace(settings, secret_key=settings.secret_key or _read_secret_file(settings))


def _read_secret_file(settings: Settings) -> str:
    path = settings.instance_path / SECRET_KEY_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def require_secret_key(settings: Settings) -> None:
    """Stop start-up when no secret key is configured (tests excepted)."""
    if settings.secret_key or settings.testing:
        return
    raise ConfigError(
        "No secret key is configured. Run `wellbeing init` to create "
        f"{settings.instance_path / SECRET_KEY_FILE} (mode 0600), "
        "or set WELLBEING_SECRET_KEY to a long random value."
    )


def _check_sign_in(settings: Settings) -> None:
    """Password sign-in may be switched off only when a single sign-on is there instead."""
    if settings.oidc_issuer and not settings.oidc_client_id:
        raise ConfigError("WELLBEING_OIDC_ISSUER needs WELLBEING_OIDC_CLIENT_ID (and its secret)")
    wecom = settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret
    if not settings.password_login and not (settings.oidc_issuer or wecom):
        raise ConfigError(
            "WELLBEING_PASSWORD_LOGIN=off needs single sign-on: set WELLBEING_OIDC_ISSUER "
            "(with its client) or the 企业微信 settings, or nobody can sign in"
        )
