"""Sign-in throttling in the database, per (account, address) with a growing delay (issue 21.6).

ASVS V6.3.1 / OWASP's authentication cheat sheet: slow a guesser down without letting anyone
lock someone else out. Three limits, each over the failures kept in `login_failures`:

- **one account from one address**: of the failures in the last `pair_window` (an hour),
  `free_failures` are free; after that each further attempt waits `first_delay` after the last
  failure, doubling with every failure, up to `max_delay` (15 minutes: from then on that address
  gets about four guesses an hour at that account). The same account from another address is not
  slowed at all, so an attacker at 10.0.0.66 cannot lock a counsellor out.
- **one account from all addresses**: a high ceiling (`account_failures` per `account_window`,
  default 100 an hour) bounds a distributed guesser; reaching it refuses the account everywhere
  until failures age out. One-time codes have a tight ceiling instead (`second_factor_failures`
  per `window`): whoever tries them already knows the password.
- **one address for all accounts**: `address_failures` per `window` stops password spraying.

A name that is no account is never stored (people type their password into the username box):
failures and audit entries keep a keyed hash of it (`unknown_name`, issue 21.5), so the same
unknown name is still counted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.auth.errors import Throttled
from wellbeing.auth.models import LoginFailure
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User

UNKNOWN_PREFIX = "?"  # 1 + 43 characters: fits the 64 of login_failures and audit targets
MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class ThrottlePolicy:
    """The limits above; `name_key` is the HMAC key for unknown names (`name_key_from`)."""

    window: timedelta = timedelta(minutes=15)
    account_failures: int = 100
    account_window: timedelta = timedelta(hours=1)
    address_failures: int = 20
    free_failures: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)
    pair_window: timedelta = timedelta(hours=1)
    second_factor_failures: int = 5
    name_key: bytes = field(default=b"", repr=False)

    @property
    def kept_for(self) -> timedelta:
        """How long a failure matters to any limit (older ones are purged)."""
        return max(self.window, self.account_window, self.pair_window)


def name_key_from(secret_key: str) -> bytes:
    """The HMAC key for unknown names, derived from the app's secret key (one purpose only)."""
    return hmac.new(secret_key.encode(), b"wellbeing.auth.unknown-name.v1", "sha256").digest()


def unknown_name(name: str, policy: ThrottlePolicy) -> str:
    """The stored form of a name that is no account: `?` and a keyed hash, never the text."""
    digest = hmac.new(policy.name_key, name.encode("utf-8"), hashlib.sha256).digest()
    return UNKNOWN_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def stored_name(session: Session, username: str, policy: ThrottlePolicy) -> str:
    """What failures and audit entries keep for a name tried: the account's name when there is
    one, else its keyed hash."""
    found = session.scalar(select(User.username).where(User.username == username))
    return found if found is not None else unknown_name(username, policy)


def refuse_if_throttled(
    session: Session,
    name: str,
    address: str,
    policy: ThrottlePolicy,
    *,
    second_factor: bool = False,
) -> None:
    """Raise Throttled (with the seconds to wait) when any limit is reached; `name` is a stored
    name (`stored_name`), and `second_factor` applies the one-time code ceiling."""
    now = utcnow()
    pair = _recent(session, now - policy.pair_window, name=name, address=address)
    limit, span = policy.account_failures, policy.account_window
    if second_factor:
        limit, span = policy.second_factor_failures, policy.window
    waits = [
        _pair_wait(pair, policy, now),
        _ceiling_wait(_recent(session, now - span, name=name), limit, span, now),
        _ceiling_wait(
            _recent(session, now - policy.window, address=address),
            policy.address_failures,
            policy.window,
            now,
        ),
    ]
    wait = max(waits)
    if wait > 0:
        raise Throttled(retry_after=math.ceil(wait))


def record_failure(session: Session, name: str, address: str) -> None:
    """Count one failure of a stored name from an address."""
    session.add(LoginFailure(username=name[:64], address=address[:64]))


def clear_failures(session: Session, name: str, address: str) -> None:
    """After a success from an address, forget that address's failures for the name (others'
    failures stay: a sign-in must not reset an attacker's delay or the ceiling)."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == name, LoginFailure.address == address)
    )


def _recent(
    session: Session, since: datetime, *, name: str | None = None, address: str | None = None
) -> list[datetime]:
    """Failure times since a moment, newest first, for a name and/or an address."""
    query = select(LoginFailure.at).where(LoginFailure.at >= since)
    if name is not None:
        query = query.where(LoginFailure.username == name[:64])
    if address is not None:
        query = query.where(LoginFailure.address == address[:64])
    return list(session.scalars(query.order_by(LoginFailure.at.desc())))


def _pair_wait(times: Sequence[datetime], policy: ThrottlePolicy, now: datetime) -> float:
    """Seconds until this account may be tried again from this address."""
    beyond = len(times) - policy.free_failures
    if beyond < 0:
        return 0.0
    delay = min(policy.first_delay * (1 << min(beyond, MAX_DOUBLINGS)), policy.max_delay)
    return (times[0] + delay - now).total_seconds()


def _ceiling_wait(times: Sequence[datetime], limit: int, span: timedelta, now: datetime) -> float:
    """Seconds until fewer than `limit` failures are left within `span`."""
    if len(times) < limit:
        return 0.0
    return (times[limit - 1] + span - now).total_seconds()
