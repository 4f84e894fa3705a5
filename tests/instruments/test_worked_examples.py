"""Worked examples derived from the published rules, each with its source.

Answers are written as the CLI takes them: values in item order, empty = unanswered.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.instruments.helpers import definition
from wellbeing.instruments import parse_answer_list, score

EXAMPLES: list[tuple[str, str, str, dict[str, Any]]] = [
    # Kroenke, Spitzer & Williams 2001 (J Gen Intern Med 16:606): cut points 5, 10, 15, 20.
    (
        "phq9 total 10 is moderate",
        "phq9",
        "2,2,2,2,1,1,0,0,0",
        {"total": 10, "band": "moderate", "flags": []},
    ),
    ("phq9 total 9 is mild", "phq9", "2,2,2,2,1,0,0,0,0", {"total": 9, "band": "mild"}),
    (
        "phq9 difficulty question is not scored",
        "phq9",
        "3,3,3,3,3,3,3,3,0,3",
        {"total": 24, "band": "severe", "complete": True},
    ),
    # PHQ manual / calcipedia: item 9 above zero matters whatever the total.
    (
        "phq9 item 9 alone",
        "phq9",
        "0,0,0,0,0,0,0,0,1",
        {"total": 1, "band": "minimal", "flags": ["suicidal_ideation"]},
    ),
    # Kroenke 2003 (Med Care 41:1284): PHQ-2 >= 3 positive.
    ("phq2 3 positive", "phq2", "2,1", {"total": 3, "band": "positive"}),
    # Kroenke 2007 (Ann Intern Med 146:317): GAD-2 >= 3 positive.
    ("gad2 2 negative", "gad2", "1,1", {"total": 2, "band": "negative"}),
    # Spitzer 2006 (Arch Intern Med 166:1092): 15 is severe (awell README's ">15" is wrong).
    ("gad7 15 is severe", "gad7", "3,3,3,3,3,0,0", {"total": 15, "band": "severe"}),
    ("gad7 14 is moderate", "gad7", "3,3,3,3,2,0,0", {"total": 14, "band": "moderate"}),
    # CamCOPS pcl5.py preliminary_cutoff = 33; clusters B 1-5, C 6-7, D 8-14, E 15-20.
    (
        "pcl5 33 is probable",
        "pcl5",
        "4,4,4,4,4,4,4,4,1,0,0,0,0,0,0,0,0,0,0,0",
        {
            "total": 33,
            "band": "probable_ptsd",
            "flags": [],
            "subscales": {"intrusion": 20, "avoidance": 8, "cognition_mood": 5, "arousal": 0},
        },
    ),
    # Prins 2016 (J Gen Intern Med 31:1206): exposure denied -> complete, score 0.
    ("pcptsd5 no exposure", "pcptsd5", "0", {"total": 0, "band": "negative", "complete": True}),
    ("pcptsd5 3 yes positive", "pcptsd5", "1,1,1,1,0,0", {"total": 3, "band": "positive"}),
    # WHO 2024 / Topp 2015: percentage = raw x 4; <= 28 likely depression; raw < 13 poor.
    (
        "who5 raw 7 -> 28",
        "who5",
        "2,2,1,1,1",
        {"total": 28, "band": "likely_depression", "flags": ["item_at_most_1"]},
    ),
    ("who5 raw 12 -> 48", "who5", "3,3,2,2,2", {"total": 48, "band": "poor_wellbeing"}),
    ("who5 raw 13 -> 52", "who5", "3,3,3,2,2", {"total": 52, "band": "adequate", "flags": []}),
    # ABS 4817.0.55.001 Table E bands; K6 = sum of (item - 1) over items 2, 4, 5, 8, 9, 10.
    (
        "k10 all 'a little'",
        "k10",
        "2,2,2,2,2,2,2,2,2,2",
        {"total": 20, "band": "moderate", "subscales": {"k6": 6}},
    ),
    # AMHOCN NOCC v2.1 p.58 via PMHC spec: one missing -> round(sum / 9 x 10).
    (
        "k10 prorated 13 -> 14.44 -> 14",
        "k10",
        "1,2,1,2,1,2,1,2,1,",
        {"total": 14, "band": "low", "complete": True, "missing": ["q10"]},
    ),
    (
        "k10 prorated 14 -> 15.56 -> 16",
        "k10",
        "2,2,2,1,2,1,2,1,1,",
        {"total": 16, "band": "moderate", "complete": True, "missing": ["q10"]},
    ),
    # Babor 2001 WHO manual Table 7 zones; item 1 'Never' skips 2-8 (CamCOPS is_complete).
    (
        "audit never drinks",
        "audit",
        "0,,,,,,,,0,4",
        {
            "total": 4,
            "band": "low_risk",
            "complete": True,
            "subscales": {"consumption": 0, "dependence": 0, "harm": 4},
        },
    ),
    (
        "audit zone II",
        "audit",
        "2,1,1,1,1,0,1,1,0,0",
        {
            "total": 8,
            "band": "hazardous",
            "subscales": {"consumption": 4, "dependence": 2, "harm": 2},
        },
    ),
    # Cohen 1983/1988; PMC4481047 Table 2: items 4, 5, 7, 8 scored 4 - x.
    (
        "pss10 all 4",
        "pss10",
        "4,4,4,4,4,4,4,4,4,4",
        {"total": 24, "band": "moderate", "subscales": {"helplessness": 24, "self_efficacy": 0}},
    ),
    (
        "pss10 all 0",
        "pss10",
        "0,0,0,0,0,0,0,0,0,0",
        {"total": 16, "band": "moderate", "subscales": {"helplessness": 0, "self_efficacy": 16}},
    ),
    # Kristensen 2005 (Work & Stress 19:192): scale = mean; work item 7 (q13) reversed.
    (
        "cbi means",
        "cbi",
        "75,75,75,75,75,75,100,100,100,100,100,100,100,0,0,0,0,0,25",
        {
            "total": None,
            "complete": True,
            "subscales": {"personal": 75, "work": 85.71, "client": 4.17},
        },
    ),
    # fanque.com.cn (Chinese convention): GSI = total/90, PSDI = (total - negatives)/positives.
    (
        "scl90 all 2",
        "scl90",
        ",".join(["2"] * 90),
        {
            "total": 180,
            "band": None,
            "flags": ["positive_screen", "suicidal_ideation"],
            "subscales": {"gsi": 2, "positive_items": 90, "psdi": 2, "somatization": 2},
        },
    ),
    (
        "scl90 all 1",
        "scl90",
        ",".join(["1"] * 90),
        {"total": 90, "flags": [], "subscales": {"gsi": 1, "positive_items": 0, "psdi": None}},
    ),
    # Morin 2011 (Sleep 34:601) bands.
    ("isi 15 moderate", "isi", "3,3,3,3,3,0,0", {"total": 15, "band": "moderate"}),
    # C-SSRS Screener triage (cssrs.columbia.edu): act on the highest yes.
    ("cssrs wish only", "cssrs", "1,0,,,,0", {"band": "low", "total": None}),
    ("cssrs method", "cssrs", "1,1,1,0,0,0", {"band": "moderate", "flags": []}),
    ("cssrs intent", "cssrs", "1,1,1,1,0,0", {"band": "high", "flags": ["suicide_risk_high"]}),
    ("cssrs behaviour long ago", "cssrs", "0,0,,,,1,0", {"band": "moderate"}),
    (
        "cssrs behaviour recent",
        "cssrs",
        "0,0,,,,1,1",
        {"band": "high", "flags": ["suicide_risk_high"]},
    ),
    ("cssrs none", "cssrs", "0,0,,,,0", {"band": "none", "flags": [], "complete": True}),
]


@pytest.mark.parametrize(
    ("instrument_id", "answers", "expected"),
    [case[1:] for case in EXAMPLES],
    ids=[case[0] for case in EXAMPLES],
)
def test_worked_example(instrument_id: str, answers: str, expected: dict[str, Any]) -> None:
    defn = definition(instrument_id)
    result = score(defn, parse_answer_list(defn, answers)).to_dict()
    for key, value in expected.items():
        if key == "subscales":
            assert {k: result["subscales"][k] for k in value} == value
        else:
            assert result[key] == value, key
