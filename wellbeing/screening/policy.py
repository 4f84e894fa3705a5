"""What the submission pipeline needs besides the database: the instruments, the rules in
force and the referral deadlines — loaded once at start-up and passed to `submit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from wellbeing.core.config import Settings
from wellbeing.instruments import Catalogue, load_catalogue, questionnaire_dirs
from wellbeing.referrals.service import Deadlines
from wellbeing.rules import RuleSet, load_rules, rule_dirs


@dataclass(frozen=True)
class ScreeningPolicy:
    """Instruments, rules and deadlines in force."""

    catalogue: Catalogue
    rules: RuleSet
    deadlines: Deadlines


def deadlines_from(settings: Settings) -> Deadlines:
    """Claim deadlines per priority from the settings."""
    return Deadlines(
        urgent=timedelta(hours=settings.claim_hours_urgent),
        high=timedelta(hours=settings.claim_hours_high),
        routine=timedelta(hours=settings.claim_hours_routine),
    )


def load_policy(settings: Settings) -> ScreeningPolicy:
    """Load and validate the questionnaires and rules (CatalogueError / RuleSetError)."""
    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    rules = load_rules(rule_dirs(settings.questionnaire_dirs), catalogue)
    return ScreeningPolicy(catalogue, rules, deadlines_from(settings))
