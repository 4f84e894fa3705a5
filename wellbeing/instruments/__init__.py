"""Questionnaire definitions as data, and exact scoring (a pure package: no app, no database).

Typical use by the app::

    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    definition = catalogue.get("phq9")
    result = score(definition, {"q1": 2, "q2": 1, ...})   # raises AnswerError
    payload = result.to_dict()
"""

from wellbeing.instruments.errors import CatalogueError, DefinitionError, Problem
from wellbeing.instruments.loader import content_hash, load_definition
from wellbeing.instruments.model import Band, Definition, Flag, Item, Licence, Option, ScoreSpec
from wellbeing.instruments.registry import (
    Catalogue,
    UnknownInstrumentError,
    load_catalogue,
    questionnaire_dirs,
)
from wellbeing.instruments.result import Result
from wellbeing.instruments.scoring import score
from wellbeing.instruments.validation import (
    AnswerError,
    AnswerProblem,
    critical_items,
    find_problems,
    parse_answer_list,
    require_critical_items,
    validate_answers,
)

__all__ = [
    "AnswerError",
    "AnswerProblem",
    "Band",
    "Catalogue",
    "CatalogueError",
    "Definition",
    "DefinitionError",
    "Flag",
    "Item",
    "Licence",
    "Option",
    "Problem",
    "Result",
    "ScoreSpec",
    "UnknownInstrumentError",
    "content_hash",
    "critical_items",
    "find_problems",
    "load_catalogue",
    "load_definition",
    "parse_answer_list",
    "questionnaire_dirs",
    "require_critical_items",
    "score",
    "validate_answers",
]
