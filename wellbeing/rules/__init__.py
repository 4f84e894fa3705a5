"""Threshold rules as data, evaluated on a scored result (pure: no app, no database).

Typical use by the app::

    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    rules = load_rules(rule_dirs(settings.questionnaire_dirs), catalogue)  # RuleSetError
    outcome = evaluate(rules, result, previous_total=previous.total if previous else None)
    if outcome.refers: ...  # one referral, outcome.priority, every outcome.reasons
    if outcome.crisis: ...  # show crisis contacts now
    joined = max_priority(open_referral.priority, outcome.priority)  # never falls

The file format and the default policy are described in ``questionnaires/rules/README.md``.
"""

from wellbeing.conditions import Comparison, ConditionError
from wellbeing.rules.conditions import Condition, holds
from wellbeing.rules.errors import RuleFileError, RuleSetError
from wellbeing.rules.evaluation import Evaluation, Reason, evaluate, max_priority
from wellbeing.rules.loader import build_rules, load_rule_file, load_rules, rule_dirs
from wellbeing.rules.model import (
    Actions,
    FollowUp,
    FollowUpMode,
    Priority,
    ReferralDecision,
    Rule,
    RuleSet,
)

__all__ = [
    "Actions",
    "Comparison",
    "Condition",
    "ConditionError",
    "Evaluation",
    "FollowUp",
    "FollowUpMode",
    "Priority",
    "Reason",
    "ReferralDecision",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "RuleSetError",
    "build_rules",
    "evaluate",
    "holds",
    "load_rule_file",
    "load_rules",
    "max_priority",
    "rule_dirs",
]
