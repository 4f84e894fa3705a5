"""The topics a group session may have, with their names in both languages."""

from __future__ import annotations

from collections.abc import Mapping

TOPICS: Mapping[str, Mapping[str, str]] = {
    "stress": {"zh-CN": "压力管理", "en": "Managing stress"},
    "sleep": {"zh-CN": "睡眠", "en": "Sleep"},
    "relaxation": {"zh-CN": "放松训练", "en": "Relaxation"},
    "resilience": {"zh-CN": "心理韧性", "en": "Resilience"},
    "family": {"zh-CN": "家庭与倒班", "en": "Family and shift work"},
    "debriefing": {"zh-CN": "重大事件后的团体疏导", "en": "Debriefing after a critical incident"},
    "teamwork": {"zh-CN": "团队协作", "en": "Working together"},
}


def topic_label(topic: str, lang: str) -> str:
    """The topic's name in a language (the code itself when unknown)."""
    labels = TOPICS.get(topic)
    if labels is None:
        return topic
    return labels["en"] if lang == "en" else labels["zh-CN"]
