"""The catalogue of instruments loaded from an ordered list of directories.

Later directories overlay earlier ones by id: a full definition with the same id replaces
the earlier one; an overlay file (``overlays: <id>``) supplies item texts and option labels
for a licensed instrument shipped without them. Only ``*.yaml``/``*.yml`` files directly in
each directory are read (``schema/`` and ``rules/`` are not).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wellbeing.instruments.errors import CatalogueError, DefinitionError, Problem
from wellbeing.instruments.loader import build_definition, read_yaml, schema_problems
from wellbeing.instruments.model import Definition

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "questionnaires"
DIRS_VARIABLE = "WELLBEING_QUESTIONNAIRE_DIRS"


class UnknownInstrumentError(KeyError):
    """No instrument with this id is in the catalogue."""

    def __init__(self, instrument_id: str, known: Iterable[str]) -> None:
        self.instrument_id = instrument_id
        self.known = tuple(known)
        super().__init__(f"unknown instrument {instrument_id!r}; known: {', '.join(self.known)}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Catalogue:
    """Loaded definitions by id, with the files each one came from."""

    definitions: Mapping[str, Definition]
    files: Mapping[str, tuple[Path, ...]] = field(default_factory=dict)

    def get(self, instrument_id: str) -> Definition:
        """Return the definition, or raise UnknownInstrumentError naming the known ids."""
        try:
            return self.definitions[instrument_id]
        except KeyError:
            raise UnknownInstrumentError(instrument_id, sorted(self.definitions)) from None

    def __iter__(self) -> Iterator[Definition]:
        return iter(self.definitions[key] for key in sorted(self.definitions))

    def __len__(self) -> int:
        return len(self.definitions)

    def __contains__(self, instrument_id: object) -> bool:
        return instrument_id in self.definitions

    def offerable(self) -> list[Definition]:
        """Definitions whose item texts are present (licensed ones need an overlay first)."""
        return [definition for definition in self if definition.offerable]


def questionnaire_dirs(extra: str | None = None) -> list[Path]:
    """The built-in directory, then overlay directories (``os.pathsep``-separated).

    ``extra`` is the overlay setting as a string; when None, the environment variable
    ``WELLBEING_QUESTIONNAIRE_DIRS`` is read instead.
    """
    setting = os.environ.get(DIRS_VARIABLE, "") if extra is None else extra
    return [BUILTIN_DIR, *(Path(part) for part in setting.split(os.pathsep) if part.strip())]


def list_files(directory: Path) -> list[Path]:
    """YAML files directly inside ``directory``, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in {".yaml", ".yml"})


def load_catalogue(dirs: Iterable[Path]) -> Catalogue:
    """Load every file of every directory in order; raise CatalogueError listing bad files."""
    definitions: dict[str, Definition] = {}
    files: dict[str, tuple[Path, ...]] = {}
    errors: list[DefinitionError] = []
    for directory in dirs:
        if not directory.is_dir():
            errors.append(DefinitionError(str(directory), [Problem("", "not a directory")]))
            continue
        loaded = [(path, _read(path, errors)) for path in list_files(directory)]
        for path, data in sorted(loaded, key=lambda pair: "overlays" in (pair[1] or {})):
            if data is not None:
                _add_file(path, data, definitions, files, errors)
    if errors:
        raise CatalogueError(errors)
    return Catalogue(definitions, files)


def _read(path: Path, errors: list[DefinitionError]) -> Mapping[str, Any] | None:
    try:
        return read_yaml(path)
    except DefinitionError as error:
        errors.append(error)
        return None


def _add_file(
    path: Path,
    data: Mapping[str, Any],
    definitions: dict[str, Definition],
    files: dict[str, tuple[Path, ...]],
    errors: list[DefinitionError],
) -> None:
    try:
        if "overlays" in data:
            definition = apply_overlay(definitions, data, path)
            files[definition.id] = (*files[definition.id], path)
        else:
            definition = build_definition(data, str(path), path)
            files[definition.id] = (path,)
    except DefinitionError as error:
        errors.append(error)
        return
    definitions[definition.id] = definition


def apply_overlay(
    definitions: Mapping[str, Definition], overlay: Mapping[str, Any], path: Path
) -> Definition:
    """Merge an overlay's texts into the definition it names and rebuild (and re-check) it."""
    file = str(path)
    problems = schema_problems(overlay, "overlay")
    if problems:
        raise DefinitionError(file, problems)
    base = definitions.get(overlay["overlays"])
    if base is None:
        raise DefinitionError(
            file, [Problem("overlays", f"no earlier definition {overlay['overlays']!r} to overlay")]
        )
    if overlay["version"] != base.version:
        reason = f"overlay is for version {overlay['version']!r}, definition is {base.version!r}"
        raise DefinitionError(file, [Problem("version", reason)])
    merged = merge_texts(base.raw, overlay, file)
    return build_definition(merged, file, base.path)


def merge_texts(base: Mapping[str, Any], overlay: Mapping[str, Any], file: str) -> dict[str, Any]:
    """Copy ``base`` with the overlay's titles, item texts and option labels applied."""
    merged = copy.deepcopy(dict(base))
    for key in ("title", "instructions"):
        if key in overlay:
            merged[key] = overlay[key]
    items = {item["id"]: item for item in merged["items"]}
    problems: list[Problem] = []
    for item_id, texts in overlay["items"].items():
        if item_id not in items:
            problems.append(Problem(f"items.{item_id}", "no such item in the definition"))
            continue
        items[item_id]["text"] = texts["text"]
        problems.extend(_merge_labels(items[item_id], texts.get("options", {}), item_id))
    if problems:
        raise DefinitionError(file, problems)
    merged["texts_supplied"] = True
    return merged


def _merge_labels(item: dict[str, Any], labels: Mapping[str, Any], item_id: str) -> list[Problem]:
    options = {str(option["value"]): option for option in item["options"]}
    problems = []
    for value, label in labels.items():
        if value not in options:
            problems.append(Problem(f"items.{item_id}.options.{value}", "no such option value"))
        else:
            options[value]["label"] = label
    return problems
