"""FHIR R4 Questionnaire export, validated with fhir.resources."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from tests.instruments.helpers import INSTRUMENT_IDS, definition
from wellbeing.instruments.fhir import export_questionnaire


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_export_validates(instrument_id: str, lang: str) -> None:
    defn = definition(instrument_id)
    resource = Questionnaire.model_validate(export_questionnaire(defn, lang))
    assert resource.version == defn.version
    assert resource.title == defn.title[lang]
    assert [item.linkId for item in resource.item or []] == list(defn.item_ids)


def test_phq9_codes_and_ordinals() -> None:
    exported = export_questionnaire(definition("phq9"), "en")
    assert exported["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    q9 = exported["item"][8]
    assert q9["code"][0]["code"] == "44260-8"
    assert [o["extension"][0]["valueDecimal"] for o in q9["answerOption"]] == [0, 1, 2, 3]
    assert exported["item"][9]["required"] is False
    assert "Pfizer" in exported["copyright"]
    translation = q9["_text"]["extension"][0]["extension"]
    assert translation[0] == {"url": "lang", "valueCode": "zh-CN"}


def test_skip_logic_becomes_enable_when() -> None:
    items = {i["linkId"]: i for i in export_questionnaire(definition("audit"))["item"]}
    assert items["q2"]["enableWhen"] == [
        {
            "question": "q1",
            "operator": "!=",
            "answerCoding": {"system": "urn:wellbeing:answer-value", "code": "0"},
        }
    ]
    assert "enableWhen" not in items["q9"]


def test_licensed_export_has_structure_but_no_texts() -> None:
    exported = export_questionnaire(definition("isi"))
    assert all("text" not in item for item in exported["item"])
    assert all("display" not in o["valueCoding"] for o in exported["item"][0]["answerOption"])
