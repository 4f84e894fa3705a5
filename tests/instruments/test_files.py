"""Every questionnaire file loads and validates; file content matches the issue and sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.instruments.helpers import BUILTIN, INSTRUMENT_IDS, definition
from wellbeing.instruments import content_hash, load_definition
from wellbeing.instruments.registry import BUILTIN_DIR, list_files

FILES = list_files(BUILTIN_DIR)

# The issue's instruments, bands (inclusive) and flags, copied from issue 3.
EXPECTED = {
    "phq9": (
        {
            "minimal": (0, 4),
            "mild": (5, 9),
            "moderate": (10, 14),
            "moderately_severe": (15, 19),
            "severe": (20, 27),
        },
        ["suicidal_ideation"],
    ),
    "phq2": ({"negative": (0, 2), "positive": (3, 6)}, []),
    "gad2": ({"negative": (0, 2), "positive": (3, 6)}, []),
    "gad7": ({"minimal": (0, 4), "mild": (5, 9), "moderate": (10, 14), "severe": (15, 21)}, []),
    "pcl5": ({"below_threshold": (0, 32), "probable_ptsd": (33, 80)}, ["dsm5_provisional"]),
    "pcptsd5": ({"negative": (0, 2), "positive": (3, 5)}, []),
    "who5": (
        {"likely_depression": (0, 28), "poor_wellbeing": (29, 50), "adequate": (51, 100)},
        ["item_at_most_1"],
    ),
    "k10": ({"low": (10, 15), "moderate": (16, 21), "high": (22, 29), "very_high": (30, 50)}, []),
    "audit": (
        {
            "low_risk": (0, 7),
            "hazardous": (8, 15),
            "harmful": (16, 19),
            "possible_dependence": (20, 40),
        },
        [],
    ),
    "pss10": ({"low": (0, 13), "moderate": (14, 26), "high": (27, 40)}, []),
    "cbi": ({}, []),
    "scl90": ({}, ["positive_screen", "suicidal_ideation"]),
    "isi": (
        {"none": (0, 7), "subthreshold": (8, 14), "moderate": (15, 21), "severe": (22, 28)},
        [],
    ),
    "cssrs": ({"high": None, "moderate": None, "low": None, "none": None}, ["suicide_risk_high"]),
}

SUBSCALES = {
    "pcl5": ["intrusion", "avoidance", "cognition_mood", "arousal"],
    "k10": ["k6"],
    "audit": ["consumption", "dependence", "harm"],
    "pss10": ["helplessness", "self_efficacy"],
    "cbi": ["personal", "work", "client"],
    "scl90": [
        "somatization",
        "obsessive_compulsive",
        "interpersonal_sensitivity",
        "depression",
        "anxiety",
        "hostility",
        "phobic_anxiety",
        "paranoid_ideation",
        "psychoticism",
        "other",
        "gsi",
        "positive_items",
        "psdi",
    ],
}

# INSTRUMENT_SOURCES.md §14 table, item numbers per SCL-90 factor (interleaved, not blocks).
SCL90_FACTORS = {
    "somatization": [1, 4, 12, 27, 40, 42, 48, 49, 52, 53, 56, 58],
    "obsessive_compulsive": [3, 9, 10, 28, 38, 45, 46, 51, 55, 65],
    "interpersonal_sensitivity": [6, 21, 34, 36, 37, 41, 61, 69, 73],
    "depression": [5, 14, 15, 20, 22, 26, 29, 30, 31, 32, 54, 71, 79],
    "anxiety": [2, 17, 23, 33, 39, 57, 72, 78, 80, 86],
    "hostility": [11, 24, 63, 67, 74, 81],
    "phobic_anxiety": [13, 25, 47, 50, 70, 75, 82],
    "paranoid_ideation": [8, 18, 43, 68, 76, 83],
    "psychoticism": [7, 16, 35, 62, 77, 84, 85, 87, 88, 90],
    "other": [19, 44, 59, 60, 64, 66, 89],
}

# Only codes INSTRUMENT_SOURCES.md lists as actually seen (§17); anything else is a guess.
SEEN_LOINC = {
    "44249-1",
    "44261-6",
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
    "69722-7",
    "55757-9",
    "55758-7",
    "69737-5",
    "70274-6",
    "69725-0",
    "68509-9",
    "69733-4",
    "69734-2",
    "69735-9",
    "69689-8",
    "69736-7",
    "101697-1",
    "101698-9",
    "72110-0",
    "75624-7",
    "75626-2",
    "LA6568-5",
    "LA6569-3",
    "LA6570-1",
    "LA6571-9",
}


def test_schema_is_valid_draft_2020_12() -> None:
    for name in ("instrument", "overlay"):
        schema = json.loads((BUILTIN_DIR / "schema" / f"{name}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)


def test_every_issue_instrument_ships() -> None:
    assert sorted(EXPECTED) == INSTRUMENT_IDS


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_file_loads_and_validates(path: Path) -> None:
    loaded = load_definition(path)
    assert loaded.id == path.stem
    assert loaded.content_hash == content_hash(loaded.raw)
    assert len(loaded.content_hash) == 64


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_bands_and_flags_match_the_issue(instrument_id: str) -> None:
    defn = definition(instrument_id)
    bands, flags = EXPECTED[instrument_id]
    assert {band.id: band.range for band in defn.bands} == bands
    assert [flag.id for flag in defn.flags] == flags
    assert [spec.id for spec in defn.subscales] == SUBSCALES.get(instrument_id, [])


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_feedback_and_texts_are_bilingual(instrument_id: str) -> None:
    defn = definition(instrument_id)
    for band in defn.bands:
        assert band.feedback["zh-CN"]
        assert band.feedback["en"]
    for item in defn.items:
        assert (item.text is not None) == defn.texts_supplied


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_loinc_codes_are_only_those_seen_in_the_sources(instrument_id: str) -> None:
    defn = definition(instrument_id)
    codes = set(defn.loinc.values())
    codes |= {item.loinc for item in defn.items if item.loinc}
    codes |= {option.loinc for item in defn.items for option in item.options if option.loinc}
    codes |= {spec.loinc for spec in defn.subscales if spec.loinc}
    assert codes <= SEEN_LOINC


def test_required_total_loinc_codes() -> None:
    assert definition("phq9").loinc["total"] == "44261-6"
    assert definition("gad7").loinc["total"] == "70274-6"
    assert definition("phq2").loinc["total"] == "55758-7"
    assert definition("phq9").item("q9").loinc == "44260-8"


@pytest.mark.parametrize("instrument_id", ["phq9", "phq2", "gad7", "gad2"])
def test_pfizer_notice_is_kept(instrument_id: str) -> None:
    assert "Pfizer" in (definition(instrument_id).licence.copyright or "")


@pytest.mark.parametrize("instrument_id", ["who5", "audit"])
def test_non_commercial_licences_say_so(instrument_id: str) -> None:
    licence = definition(instrument_id).licence
    assert licence.status == "non_commercial"
    assert "commercial" in licence.text["en"]


@pytest.mark.parametrize("instrument_id", ["scl90", "isi", "cssrs"])
def test_licensed_instruments_ship_without_texts(instrument_id: str) -> None:
    defn = definition(instrument_id)
    assert defn.licence.status == "licensed"
    assert not defn.texts_supplied
    assert not defn.offerable
    assert defn.id not in {d.id for d in BUILTIN.offerable()}


def test_scl90_factors_are_the_standard_interleaved_lists() -> None:
    defn = definition("scl90")
    factors = {spec.id: spec.items for spec in defn.subscales if spec.id in SCL90_FACTORS}
    assert factors == {k: tuple(f"q{n}" for n in v) for k, v in SCL90_FACTORS.items()}
    numbers = sorted(n for items in SCL90_FACTORS.values() for n in items)
    assert numbers == list(range(1, 91))


def test_pss10_reverses_items_4_5_7_8_and_marks_convenience_bands() -> None:
    defn = definition("pss10")
    assert defn.reverse_items == {"q4", "q5", "q7", "q8"}
    assert defn.band_authority == "convenience"


def test_cbi_reverses_only_item_13() -> None:
    assert definition("cbi").reverse_items == {"q13"}


def test_content_hash_changes_with_content() -> None:
    raw = dict(definition("phq2").raw)
    before = content_hash(raw)
    raw["version"] = "1.1"
    assert content_hash(raw) != before
