"""Export a definition as a FHIR R4 ``Questionnaire`` resource (a JSON-ready dict).

Item texts and the title are given in the chosen language, with the other language as a
standard ``translation`` extension. Option values travel as ``ordinalValue`` extensions; skip
logic becomes ``enableWhen``. Licensed instruments without texts export structure only.
"""

from __future__ import annotations

from typing import Any

from wellbeing.conditions import AllOf, AnyOf, ItemIs
from wellbeing.instruments.conditions import Condition
from wellbeing.instruments.model import LANGUAGES, Definition, Item, Option, Text

LOINC = "http://loinc.org"
ANSWER_SYSTEM = "urn:wellbeing:answer-value"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
FHIR_OPERATORS = {"eq": "=", "ne": "!="}


def export_questionnaire(definition: Definition, lang: str = "zh-CN") -> dict[str, Any]:
    """Return the FHIR R4 Questionnaire for ``definition`` with texts in ``lang``."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": definition.id,
        "url": f"urn:wellbeing:questionnaire:{definition.id}",
        "version": definition.version,
        "name": definition.id.upper(),
        "title": definition.title[lang],
        "_title": _translations(definition.title, lang),
        "status": "active",
        "language": lang,
        "description": definition.instructions[lang],
        "copyright": _copyright(definition, lang),
        "item": [_export_item(definition, item, lang) for item in definition.items],
    }
    panel = definition.loinc.get("panel")
    if panel:
        resource["code"] = [{"system": LOINC, "code": panel}]
    return resource


def _copyright(definition: Definition, lang: str) -> str:
    notice = definition.licence.copyright
    text = definition.licence.text[lang]
    return f"{notice} {text}" if notice else text


def _translations(text: Text, lang: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": other},
                    {"url": "content", "valueString": text[other]},
                ],
            }
            for other in LANGUAGES
            if other != lang
        ]
    }


def _export_item(definition: Definition, item: Item, lang: str) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "linkId": item.id,
        "type": "choice",
        "required": not item.optional,
        "answerOption": [_export_option(option, lang) for option in item.options],
    }
    if item.text is not None:
        exported["text"] = item.text[lang]
        exported["_text"] = _translations(item.text, lang)
    if item.loinc:
        exported["code"] = [{"system": LOINC, "code": item.loinc}]
    if item.ask_when is not None:
        behaviour, conditions = _enable_when(item.ask_when)
        exported["enableWhen"] = conditions
        if len(conditions) > 1:
            exported["enableBehavior"] = behaviour
    return exported


def _export_option(option: Option, lang: str) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": ANSWER_SYSTEM, "code": str(option.value)}
    if option.label is not None:
        coding["display"] = option.label[lang]
    return {
        "valueCoding": coding,
        "extension": [{"url": ORDINAL, "valueDecimal": option.value}],
    }


def _enable_when(condition: Condition) -> tuple[str, list[dict[str, Any]]]:
    """Translate a skip condition; only (any/all of) item equalities fit FHIR enableWhen."""
    if isinstance(condition, ItemIs):
        return "all", _item_enable_when(condition)
    if isinstance(condition, AnyOf | AllOf) and all(
        isinstance(part, ItemIs) for part in condition.parts
    ):
        parts = [entry for part in condition.parts for entry in _enable_when(part)[1]]
        return ("any" if isinstance(condition, AnyOf) else "all"), parts
    raise ValueError(f"skip condition {condition!r} cannot be expressed as FHIR enableWhen")


def _item_enable_when(condition: ItemIs) -> list[dict[str, Any]]:
    comparison = condition.comparison
    operator = FHIR_OPERATORS.get(comparison.op)
    if operator is None or isinstance(comparison.operand, tuple):
        raise ValueError(f"operator {comparison.op!r} cannot be expressed as FHIR enableWhen")
    code = str(int(comparison.operand))
    return [
        {
            "question": condition.item,
            "operator": operator,
            "answerCoding": {"system": ANSWER_SYSTEM, "code": code},
        }
    ]
