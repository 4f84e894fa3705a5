"""Typed, frozen in-memory form of rules and rule sets (nothing here reads files)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from wellbeing.instruments.model import Text
from wellbeing.rules.conditions import Condition


class Priority(StrEnum):
    """Referral priority, for rules and referrals alike; ``rank`` orders them (urgent highest).

    The values are what ``referrals.priority`` stores.
    """

    ROUTINE = "routine"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for routine, 1 for high, 2 for urgent."""
        return _RANKS[self]


_RANKS = {Priority.ROUTINE: 0, Priority.HIGH: 1, Priority.URGENT: 2}


class FollowUpMode(StrEnum):
    """Stepped screening: ``offer`` the instrument, or ``assign`` it (stronger)."""

    OFFER = "offer"
    ASSIGN = "assign"


@dataclass(frozen=True)
class ReferralDecision:
    """A rule's decision to open (or join) a referral with this priority and reason."""

    priority: Priority
    reason: Text


@dataclass(frozen=True)
class FollowUp:
    """Offer or assign another instrument."""

    instrument: str
    mode: FollowUpMode


@dataclass(frozen=True)
class Actions:
    """What a fired rule does; at least one of the three is set."""

    referral: ReferralDecision | None = None
    crisis: bool = False
    follow_up: FollowUp | None = None


@dataclass(frozen=True)
class Rule:
    """One rule: when ``when`` holds for a result of ``instrument``, take ``actions``."""

    id: str
    description: Text
    instrument: str
    when: Condition
    actions: Actions
    source: str
    path: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class RuleSet:
    """The effective rules, in load order, indexed by instrument id.

    ``content_hash`` identifies the policy (store it with an evaluation to know which rules
    were applied).
    """

    rules: tuple[Rule, ...]
    content_hash: str
    by_instrument: Mapping[str, tuple[Rule, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Rule]] = {}
        for rule in self.rules:
            index.setdefault(rule.instrument, []).append(rule)
        object.__setattr__(
            self, "by_instrument", {key: tuple(value) for key, value in index.items()}
        )

    def for_instrument(self, instrument_id: str) -> tuple[Rule, ...]:
        """Rules that apply to results of this instrument (empty when none)."""
        return self.by_instrument.get(instrument_id, ())

    def get(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if there is none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)
