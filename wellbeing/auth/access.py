"""Route access rules: every view declares who may call it; anything undeclared is denied.

The rule is attached to the view function; `wellbeing.web.security` enforces it before each
request and a test walks the URL map to prove every route has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from wellbeing.org.models import Role, User

F = TypeVar("F", bound=Callable[..., object])
RULE_ATTRIBUTE = "__access_rule__"


@dataclass(frozen=True)
class AccessRule:
    """Who may call a route: anyone, any signed-in user, or holders of some roles."""

    kind: Literal["public", "signed_in", "roles"]
    roles: frozenset[Role] = frozenset()

    def allows(self, user: User | None) -> bool:
        """Whether this user (None: anonymous) may call the route."""
        if self.kind == "public":
            return True
        if user is None:
            return False
        return self.kind == "signed_in" or bool(self.roles & user.roles)


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        setattr(view, RULE_ATTRIBUTE, rule)
        return view

    return decorate


def public(view: F) -> F:
    """Anyone may call this route, signed in or not."""
    return _declare(AccessRule("public"))(view)


def signed_in(view: F) -> F:
    """Any signed-in user may call this route."""
    return _declare(AccessRule("signed_in"))(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Only holders of one of these roles may call this route."""
    if not allowed:
        raise ValueError("roles() needs at least one role")
    return _declare(AccessRule("roles", frozenset(allowed)))


def rule_of(view: Callable[..., object]) -> AccessRule | None:
    """The rule a view declared, or None (which means: deny)."""
    rule = getattr(view, RULE_ATTRIBUTE, None)
    return rule if isinstance(rule, AccessRule) else None
