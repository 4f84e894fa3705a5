"""``wellbeing instruments`` — list, validate, score and export questionnaire definitions.

Exit codes: 0 success; 1 a definition file was refused; 2 bad input to ``score`` (unknown
instrument, value outside an item's options, too many values). Errors go to stderr only.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from wellbeing.instruments.errors import CatalogueError, DefinitionError
from wellbeing.instruments.fhir import export_questionnaire
from wellbeing.instruments.loader import load_definition, read_yaml
from wellbeing.instruments.registry import (
    BUILTIN_DIR,
    Catalogue,
    UnknownInstrumentError,
    apply_overlay,
    load_catalogue,
    questionnaire_dirs,
)
from wellbeing.instruments.scoring import score
from wellbeing.instruments.validation import AnswerError, parse_answer_list

EXIT_INVALID_DEFINITION = 1
EXIT_BAD_INPUT = 2


@click.group("instruments")
def instruments_cli() -> None:
    """Questionnaire definitions: list, validate, score, export to FHIR."""


def open_catalogue() -> Catalogue:
    """Load the built-in and overlay directories, exiting 1 with the errors on failure."""
    try:
        return load_catalogue(questionnaire_dirs())
    except CatalogueError as error:
        click.echo(str(error), err=True)
        raise SystemExit(EXIT_INVALID_DEFINITION) from error


@instruments_cli.command("list")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
def list_command(lang: str) -> None:
    """Show id, version, title, item count and licence status of every instrument."""
    for definition in open_catalogue():
        status = definition.licence.status
        if not definition.texts_supplied:
            status += " (item texts not supplied)"
        title = definition.title[lang]
        click.echo(
            f"{definition.id}\t{definition.version}\t{title}\t{len(definition.items)}\t{status}"
        )


@instruments_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Validate files or directories (default: the configured directories); exit 1 if any fail."""
    errors: list[DefinitionError] = []
    checked = 0
    for path in paths or (None,):
        try:
            checked += validate_path(path)
        except CatalogueError as refused:
            errors.extend(refused.errors)
        except DefinitionError as refused_file:
            errors.append(refused_file)
    for problem in errors:
        click.echo(str(problem), err=True)
    if errors:
        raise SystemExit(EXIT_INVALID_DEFINITION)
    click.echo(f"ok: {checked} definition(s) valid")


def validate_path(path: Path | None) -> int:
    """Validate one path (None: the configured directories); return the number checked."""
    if path is None:
        return len(load_catalogue(questionnaire_dirs()))
    if path.is_dir():
        dirs = [BUILTIN_DIR] if path.resolve() == BUILTIN_DIR else [BUILTIN_DIR, path]
        return len(load_catalogue(dirs))
    data = read_yaml(path)
    if "overlays" in data:
        apply_overlay(load_catalogue([BUILTIN_DIR]).definitions, data, path)
    else:
        load_definition(path)
    return 1


@instruments_cli.command("score")
@click.argument("instrument_id")
@click.option("--answers", required=True, help='Values in item order, e.g. "1,0,,3".')
def score_command(instrument_id: str, answers: str) -> None:
    """Score answers and print one JSON result object."""
    catalogue = open_catalogue()
    try:
        definition = catalogue.get(instrument_id)
        result = score(definition, parse_answer_list(definition, answers))
    except UnknownInstrumentError as error:
        click.echo(str(error), err=True)
        raise SystemExit(EXIT_BAD_INPUT) from error
    except AnswerError as error:
        for problem in error.problems:
            click.echo(f"{instrument_id}: {problem.message}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from error
    click.echo(result.to_json())


@instruments_cli.command("export-fhir")
@click.argument("instrument_id")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
def export_fhir_command(instrument_id: str, lang: str) -> None:
    """Print the instrument as a FHIR R4 Questionnaire (JSON)."""
    try:
        definition = open_catalogue().get(instrument_id)
    except UnknownInstrumentError as error:
        click.echo(str(error), err=True)
        raise SystemExit(EXIT_BAD_INPUT) from error
    click.echo(json.dumps(export_questionnaire(definition, lang), ensure_ascii=False, indent=2))
