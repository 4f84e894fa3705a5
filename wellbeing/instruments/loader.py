"""Load a questionnaire file: parse YAML, validate against the JSON Schema, check semantics.

A definition's content hash is the SHA-256 of its canonical JSON (keys sorted, no spaces,
UTF-8), so it changes whenever any text, option, rule or citation changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from wellbeing.conditions import ConditionError, exact
from wellbeing.instruments.checks import check_definition
from wellbeing.instruments.conditions import parse_condition
from wellbeing.instruments.errors import DefinitionError, Problem
from wellbeing.instruments.model import (
    Band,
    Definition,
    Flag,
    Item,
    Licence,
    Option,
    ScoreSpec,
)

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "questionnaires" / "schema"

# What refuses a file: DefinitionError here, RuleFileError for rule files.
FileError = Callable[[str, Sequence[Problem]], Exception]


@cache
def _validators() -> dict[str, Draft202012Validator]:
    schemas = {
        name: json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        for name in ("instrument", "overlay")
    }
    registry: Registry[Any] = Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(schema)) for name, schema in schemas.items()
    )
    registry = registry.with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return {
        name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()
    }


def format_path(parts: Iterable[str | int]) -> str:
    """Render a JSON path as ``items[3].options[1].value``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_yaml(path: Path, refuse: FileError = DefinitionError) -> Mapping[str, Any]:
    """Parse a YAML file into a mapping, refusing anything else with ``refuse(file, problems)``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise refuse(str(path), [Problem("", f"cannot read YAML: {error}")]) from error
    if not isinstance(data, dict):
        raise refuse(str(path), [Problem("", "the file must hold a mapping")])
    return data


def schema_problems(data: Mapping[str, Any], kind: str = "instrument") -> list[Problem]:
    """Return JSON Schema violations, most specific first, each with its path."""
    return validation_problems(_validators()[kind], data)


def validation_problems(validator: Draft202012Validator, data: Mapping[str, Any]) -> list[Problem]:
    """The violations ``validator`` finds in ``data``, in path order, each with its path."""
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.absolute_path))
    return [Problem(format_path(error.absolute_path), _reason(error)) for error in errors]


def _reason(error: ValidationError) -> str:
    if error.context:
        best = min(error.context, key=lambda sub: len(list(sub.absolute_path)))
        return f"{error.message} ({best.message})"
    return str(error.message)


def content_hash(data: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical JSON of a definition mapping."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest: str = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return digest


def load_definition(path: Path) -> Definition:
    """Load, validate and check one definition file (raises DefinitionError)."""
    return build_definition(read_yaml(path), str(path), path)


def build_definition(data: Mapping[str, Any], file: str, path: Path | None = None) -> Definition:
    """Validate a definition mapping and build the typed Definition from it."""
    problems = schema_problems(data)
    if problems:
        raise DefinitionError(file, problems)
    try:
        definition = _build(data, path)
    except ConditionError as error:
        raise DefinitionError(file, [Problem(error.path, error.reason)]) from error
    problems = check_definition(definition)
    if problems:
        raise DefinitionError(file, problems)
    return definition


def _build(data: Mapping[str, Any], path: Path | None) -> Definition:
    items = tuple(_build_item(item, f"items[{index}]") for index, item in enumerate(data["items"]))
    scoring = data["scoring"]
    scored = tuple(item.id for item in items if not item.optional)
    total = _build_spec("total", scoring["total"], scored)
    licence = data["licence"]
    return Definition(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        instructions=data["instructions"],
        time_frame=data["time_frame"],
        texts_supplied=data["texts_supplied"],
        items=items,
        reverse_items=frozenset(scoring.get("reverse_items", ())),
        total=None if total.method == "none" else total,
        subscales=tuple(
            _build_spec(sub["id"], sub, scored) for sub in scoring.get("subscales", ())
        ),
        completeness=scoring["completeness"],
        bands=tuple(
            _build_band(band, f"scoring.bands[{index}]")
            for index, band in enumerate(scoring.get("bands", ()))
        ),
        band_authority=scoring.get("band_authority"),
        flags=tuple(
            _build_flag(flag, f"scoring.flags[{index}]")
            for index, flag in enumerate(scoring.get("flags", ()))
        ),
        licence=Licence(licence["status"], licence["text"], licence.get("copyright")),
        sources=tuple(data["sources"]),
        loinc=data.get("loinc", {}),
        content_hash=content_hash(data),
        raw=data,
        path=path,
    )


def _build_item(data: Mapping[str, Any], path: str) -> Item:
    ask_when = data.get("ask_when")
    return Item(
        id=data["id"],
        options=tuple(
            Option(option["value"], option.get("label"), option.get("loinc"))
            for option in data["options"]
        ),
        text=data.get("text"),
        optional=data.get("optional", False),
        ask_when=None if ask_when is None else parse_condition(ask_when, f"{path}.ask_when"),
        score_when_skipped=data.get("score_when_skipped"),
        loinc=data.get("loinc"),
    )


def _build_spec(spec_id: str, data: Mapping[str, Any], default_items: tuple[str, ...]) -> ScoreSpec:
    declared = data.get("range")
    return ScoreSpec(
        id=spec_id,
        method=data["method"],
        items=tuple(data.get("items", default_items)),
        params={name: exact(value) for name, value in data.get("params", {}).items()},
        label=data.get("label"),
        loinc=data.get("loinc"),
        declared_range=None if declared is None else (exact(declared[0]), exact(declared[1])),
    )


def _build_band(data: Mapping[str, Any], path: str) -> Band:
    when = data.get("when")
    band_range = data.get("range")
    return Band(
        id=data["id"],
        label=data["label"],
        feedback=data["feedback"],
        range=None if band_range is None else (band_range[0], band_range[1]),
        when=None if when is None else parse_condition(when, f"{path}.when"),
    )


def _build_flag(data: Mapping[str, Any], path: str) -> Flag:
    return Flag(
        id=data["id"],
        label=data["label"],
        when=parse_condition(data["when"], f"{path}.when"),
        critical=data.get("critical", False),
        message=data.get("message"),
    )
