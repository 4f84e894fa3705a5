"""What the submission pipeline needs besides the database: the instruments, the rules in
force, the referral clocks and the on-call routing — loaded once at start-up and passed to
`submit`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from wellbeing.core.config import Settings
from wellbeing.instruments import Catalogue, load_catalogue, questionnaire_dirs
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.policy import policy_from as on_call_policy_from
from wellbeing.referrals.service import Deadlines
from wellbeing.rules import RuleSet, load_rules, rule_dirs


@dataclass(frozen=True)
class ScreeningPolicy:
    """Instruments, rules, referral clocks and the on-call routing in force."""

    catalogue: Catalogue
    rules: RuleSet
    deadlines: Deadlines
    on_call: OnCallPolicy


def deadlines_from(settings: Settings) -> Deadlines:
    """The referral clocks per priority from the settings."""
    return Deadlines(
        urgent=timedelta(hours=settings.claim_hours_urgent),
        high=timedelta(hours=settings.claim_hours_high),
        routine=timedelta(hours=settings.claim_hours_routine),
        contact_urgent=timedelta(hours=settings.contact_hours_urgent),
        contact_high=timedelta(hours=settings.contact_hours_high),
        contact_routine=timedelta(hours=settings.contact_hours_routine),
        close_urgent=timedelta(hours=settings.close_hours_urgent),
        close_high=timedelta(hours=settings.close_hours_high),
        close_routine=timedelta(hours=settings.close_hours_routine),
        outreach_claim=timedelta(hours=settings.outreach_claim_hours),
        outreach_contact=timedelta(hours=settings.outreach_contact_hours),
    )


def load_policy(settings: Settings) -> ScreeningPolicy:
    """Load and validate the questionnaires and rules (CatalogueError / RuleSetError)."""
    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    rules = load_rules(rule_dirs(settings.questionnaire_dirs), catalogue)
    return ScreeningPolicy(
        catalogue, rules, deadlines_from(settings), on_call_policy_from(settings)
    )
