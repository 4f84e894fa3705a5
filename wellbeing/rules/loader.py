"""Load rule files: parse YAML, validate against the JSON Schema, build, check semantics.

Rule directories are read in order (the built-in ``questionnaires/rules/`` first, then the
``rules/`` folder of each overlay questionnaire directory). Within a directory a rule id may
appear once; a rule with the same id in a later directory replaces the earlier one (keeping
its place), so a station's clinical lead can adjust the default policy rule by rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from wellbeing.conditions import ConditionError
from wellbeing.instruments import Catalogue, Problem, content_hash, questionnaire_dirs
from wellbeing.instruments.loader import SCHEMA_DIR, read_yaml, validation_problems
from wellbeing.instruments.registry import list_files
from wellbeing.rules.checks import check_rule
from wellbeing.rules.conditions import parse_condition
from wellbeing.rules.errors import RuleFileError, RuleSetError
from wellbeing.rules.model import (
    Actions,
    FollowUp,
    FollowUpMode,
    Priority,
    ReferralDecision,
    Rule,
    RuleSet,
)

RULES_FOLDER = "rules"


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / "rules.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def rule_dirs(extra: str | None = None) -> list[Path]:
    """The built-in rules folder, then the ``rules/`` folder of each overlay directory that has one.

    ``extra`` is the questionnaire overlay setting, as for ``questionnaire_dirs``.
    """
    builtin, *overlays = questionnaire_dirs(extra)
    found = [directory / RULES_FOLDER for directory in overlays]
    return [builtin / RULES_FOLDER, *(directory for directory in found if directory.is_dir())]


def load_rules(dirs: Iterable[Path], catalogue: Catalogue) -> RuleSet:
    """Load every rule file of every directory in order; raise RuleSetError listing bad files."""
    rules: dict[str, Rule] = {}
    errors: list[RuleFileError] = []
    for directory in dirs:
        if not directory.is_dir():
            errors.append(RuleFileError(str(directory), [Problem("", "not a directory")]))
            continue
        seen: dict[str, Path] = {}
        for path in list_files(directory):
            try:
                loaded = load_rule_file(path, catalogue)
                _refuse_repeats(loaded, seen, path)
            except RuleFileError as error:
                errors.append(error)
                continue
            for rule in loaded:
                seen[rule.id] = path
                rules[rule.id] = rule
    if errors:
        raise RuleSetError(errors)
    effective = tuple(rules.values())
    return RuleSet(effective, content_hash({"rules": [dict(rule.raw) for rule in effective]}))


def _refuse_repeats(loaded: Iterable[Rule], seen: Mapping[str, Path], path: Path) -> None:
    problems = [
        Problem(f"rules[{index}].id", f"rule id {rule.id!r} is already used in {seen[rule.id]}")
        for index, rule in enumerate(loaded)
        if rule.id in seen
    ]
    if problems:
        raise RuleFileError(str(path), problems)


def load_rule_file(path: Path, catalogue: Catalogue) -> tuple[Rule, ...]:
    """Load, validate and check one rule file (raises RuleFileError)."""
    return build_rules(read_yaml(path, RuleFileError), str(path), catalogue, path)


def build_rules(
    data: Mapping[str, Any], file: str, catalogue: Catalogue, path: Path | None = None
) -> tuple[Rule, ...]:
    """Validate a rule-file mapping and build its rules, checked against ``catalogue``."""
    problems = schema_problems(data)
    if problems:
        raise RuleFileError(file, problems)
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        try:
            rules.append(_build_rule(raw, f"rules[{index}]", path))
        except ConditionError as error:
            problems.append(Problem(error.path, error.reason))
    if problems:
        raise RuleFileError(file, problems)
    first: dict[str, int] = {}
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        if rule.id in first:
            problems.append(Problem(f"{where}.id", f"duplicate rule id {rule.id!r}"))
        first.setdefault(rule.id, index)
        problems.extend(check_rule(rule, catalogue, where))
    if problems:
        raise RuleFileError(file, problems)
    return tuple(rules)


def schema_problems(data: Mapping[str, Any]) -> list[Problem]:
    """JSON Schema violations of a rule file, each with its path inside the file."""
    return validation_problems(_validator(), data)


def _build_rule(data: Mapping[str, Any], where: str, path: Path | None) -> Rule:
    return Rule(
        id=data["id"],
        description=data["description"],
        instrument=data["instrument"],
        when=parse_condition(data["when"], f"{where}.when"),
        actions=_build_actions(data["actions"]),
        source=data["source"],
        path=path,
        raw=data,
    )


def _build_actions(data: Mapping[str, Any]) -> Actions:
    referral = data.get("referral")
    follow_up = data.get("follow_up")
    return Actions(
        referral=None
        if referral is None
        else ReferralDecision(Priority(referral["priority"]), referral["reason"]),
        crisis=bool(data.get("crisis", False)),
        follow_up=None
        if follow_up is None
        else FollowUp(follow_up["instrument"], FollowUpMode(follow_up["mode"])),
    )
