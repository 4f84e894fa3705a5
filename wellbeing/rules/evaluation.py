"""Evaluate the rules for one scored result: one outcome, however many rules fire."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from wellbeing.instruments import Result
from wellbeing.instruments.model import Text
from wellbeing.rules.conditions import holds
from wellbeing.rules.model import FollowUp, FollowUpMode, Priority, Rule, RuleSet


@dataclass(frozen=True)
class Reason:
    """Why a referral is needed: the rule that fired, its priority and its bilingual reason."""

    rule_id: str
    priority: Priority
    text: Text


@dataclass(frozen=True)
class Evaluation:
    """The outcome for one result.

    ``rule_ids`` are the fired rules in rule-set order; ``priority`` is the highest referral
    priority among them (None: no referral); ``reasons`` holds every fired referral's reason,
    highest priority first (then rule-set order);
    ``crisis`` says whether to show crisis contacts now; ``follow_ups`` are deduplicated by
    instrument (``assign`` wins over ``offer``).
    """

    instrument: str
    rule_ids: tuple[str, ...]
    priority: Priority | None
    reasons: tuple[Reason, ...]
    crisis: bool
    follow_ups: tuple[FollowUp, ...]

    @property
    def refers(self) -> bool:
        """True when a referral must be opened (or joined)."""
        return self.priority is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the sealed submission payload or the referral)."""
        return {
            "instrument": self.instrument,
            "rule_ids": list(self.rule_ids),
            "priority": None if self.priority is None else str(self.priority),
            "reasons": [
                {"rule_id": r.rule_id, "priority": str(r.priority), "text": dict(r.text)}
                for r in self.reasons
            ],
            "crisis": self.crisis,
            "follow_ups": [
                {"instrument": f.instrument, "mode": str(f.mode)} for f in self.follow_ups
            ],
        }


def max_priority(a: Priority | None, b: Priority | None) -> Priority | None:
    """The higher of two priorities (None means no referral): a joined referral never falls."""
    if a is None or b is None:
        return a if b is None else b
    return a if a.rank >= b.rank else b


def evaluate(rules: RuleSet, result: Result, previous_total: Fraction | None = None) -> Evaluation:
    """Apply every rule for ``result.instrument``.

    ``previous_total`` is the total of the officer's previous submission of the same instrument
    (None when there is none, or it was incomplete); only ``rise`` conditions read it.
    """
    fired = [
        rule
        for rule in rules.for_instrument(result.instrument)
        if holds(rule.when, result, previous_total)
    ]
    priority: Priority | None = None
    reasons: list[Reason] = []
    for rule in fired:
        referral = rule.actions.referral
        if referral is not None:
            priority = max_priority(priority, referral.priority)
            reasons.append(Reason(rule.id, referral.priority, referral.reason))
    return Evaluation(
        instrument=result.instrument,
        rule_ids=tuple(rule.id for rule in fired),
        priority=priority,
        reasons=tuple(sorted(reasons, key=lambda reason: -reason.priority.rank)),
        crisis=any(rule.actions.crisis for rule in fired),
        follow_ups=_follow_ups(fired),
    )


def _follow_ups(fired: list[Rule]) -> tuple[FollowUp, ...]:
    chosen: dict[str, FollowUp] = {}
    for rule in fired:
        follow_up = rule.actions.follow_up
        if follow_up is None:
            continue
        known = chosen.get(follow_up.instrument)
        if known is None or follow_up.mode is FollowUpMode.ASSIGN:
            chosen[follow_up.instrument] = follow_up
    return tuple(chosen.values())
