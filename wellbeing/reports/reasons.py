"""Why a report cell is hidden: the reason codes (for the audit trail) and the one text leaders
see for every hidden cell (pure).

A reason is information: ``one_band`` says "everyone here is in the same band", ``too_few``
says "between 1 and k-1", and next to a sibling's zero that gives a person's band away. So
leaders' pages, PDFs, CSVs and the API show one neutral mark for every hidden cell, with
`hidden_text`; the reasons are sealed beside the release for the data protection officer.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why disclosure control hid a cell (never shown to leaders)."""

    TOO_FEW = "too_few"
    ONE_BAND = "one_band"
    PROTECTS_OTHER = "protects_other"


REASON_TEXTS: dict[Reason, dict[str, str]] = {
    Reason.TOO_FEW: {
        "en": "Hidden: too few people to show this without identifying someone.",
        "zh_CN": "已隐藏：人数过少，显示后可能识别出个人。",
    },
    Reason.ONE_BAND: {
        "en": "Hidden: everyone here is in the same band, so the breakdown would reveal "
        "each person's result.",
        "zh_CN": "已隐藏：该单位所有人处于同一等级，显示分布会暴露每个人的结果。",
    },
    Reason.PROTECTS_OTHER: {
        "en": "Hidden to protect another hidden cell: it could otherwise be worked out "
        "by subtraction.",
        "zh_CN": "已隐藏：为保护另一个隐藏的数字，否则可通过相减推算出来。",
    },
}


HIDDEN_TEXTS = {
    "en": "Hidden to protect individuals: a value shown here, alone or combined with others, "
    "could identify someone or be worked out from the other figures.",
    "zh_CN": "已隐藏：为保护个人隐私，此处数值单独或与其他数字结合可能识别出个人或被推算出来。",
}


def hidden_text(lang: str) -> str:
    """The one explanation of a hidden value, in the user's language (Chinese by default)."""
    return HIDDEN_TEXTS["en" if lang.startswith("en") else "zh_CN"]


def reason_text(reason: Reason, lang: str) -> str:
    """The reason in the user's language (for the data protection officer's listing)."""
    return REASON_TEXTS[reason]["en" if lang.startswith("en") else "zh_CN"]
