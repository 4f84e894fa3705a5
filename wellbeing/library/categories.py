"""The library's categories (bilingual labels) and the rules that choose "for you" categories
from an officer's latest results. Pure: no database, no request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

CATEGORIES: Mapping[str, Mapping[str, str]] = {
    "stress": {"zh-CN": "压力", "en": "Stress"},
    "worry": {"zh-CN": "担忧与焦虑", "en": "Worry and anxiety"},
    "mood": {"zh-CN": "情绪低落", "en": "Low mood"},
    "sleep": {"zh-CN": "睡眠", "en": "Sleep"},
    "trauma": {"zh-CN": "重大事件之后", "en": "After a critical incident"},
    "alcohol": {"zh-CN": "饮酒", "en": "Alcohol"},
    "family": {"zh-CN": "家庭与倒班", "en": "Family and shift work"},
    "anger": {"zh-CN": "愤怒", "en": "Anger"},
    "grief": {"zh-CN": "哀伤", "en": "Grief"},
    "colleagues": {"zh-CN": "帮助战友", "en": "Helping a colleague"},
    "exercises": {"zh-CN": "放松练习", "en": "Exercises"},
    "help": {"zh-CN": "寻求帮助", "en": "Getting help"},
}

# Which categories speak to a result of each instrument that is above its lowest band.
CATEGORIES_OF_INSTRUMENT: Mapping[str, tuple[str, ...]] = {
    "phq9": ("mood", "help"),
    "phq2": ("mood",),
    "who5": ("mood",),
    "gad7": ("stress", "worry", "exercises"),
    "gad2": ("worry", "exercises"),
    "pss10": ("stress", "exercises"),
    "k10": ("stress", "mood"),
    "cbi": ("stress", "family"),
    "scl90": ("stress", "help"),
    "pcl5": ("trauma", "help"),
    "pcptsd5": ("trauma", "help"),
    "audit": ("alcohol",),
    "isi": ("sleep",),
    "cssrs": ("help",),
}
# Bands that call for nothing in particular (each instrument's lowest or reassuring band).
QUIET_BANDS = frozenset(
    {"minimal", "none", "negative", "low", "low_risk", "below_threshold", "adequate"}
)
GENERAL = ("exercises", "sleep", "help")


def category_label(category: str, lang: str) -> str:
    """A category's name in a language (the code itself for an unknown one)."""
    labels = CATEGORIES.get(category)
    if labels is None:
        return category
    return labels["en"] if lang == "en" else labels["zh-CN"]


def categories_for(latest: Iterable[tuple[str, str | None]]) -> tuple[str, ...]:
    """The categories for (instrument, band) pairs of an officer's latest results, most
    relevant first; general ones when no result calls for anything."""
    chosen: list[str] = []
    for instrument, band in latest:
        if band is None or band in QUIET_BANDS:
            continue
        for category in CATEGORIES_OF_INSTRUMENT.get(instrument, ()):
            if category not in chosen:
                chosen.append(category)
    return tuple(chosen) or GENERAL
