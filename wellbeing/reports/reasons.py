"""Why a report cell is hidden: the reason codes and their plain-language texts (pure)."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """The reason a leader is given for a hidden cell."""

    TOO_FEW = "too_few"
    ONE_BAND = "one_band"
    PROTECTS_OTHER = "protects_other"
    NOISE_MODE = "noise_mode"


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
    Reason.NOISE_MODE: {
        "en": "Not published while reports add privacy noise.",
        "zh_CN": "报表启用隐私噪声时不发布此项。",
    },
}


def reason_text(reason: Reason, lang: str) -> str:
    """The reason in the user's language: English for "en…", otherwise Chinese (the default)."""
    return REASON_TEXTS[reason]["en" if lang.startswith("en") else "zh_CN"]
