"""心理科普 — a few short, kind, practical self-help tips per instrument family (bilingual data).

Reviewed by the station like any other text officers read; keep each tip to two sentences.
"""

from __future__ import annotations

from collections.abc import Mapping

Tip = Mapping[str, Mapping[str, str]]  # {"title": {"zh-CN", "en"}, "text": {"zh-CN", "en"}}

FAMILY_OF: Mapping[str, str] = {
    "phq9": "mood",
    "phq2": "mood",
    "who5": "mood",
    "gad7": "anxiety",
    "gad2": "anxiety",
    "pss10": "stress",
    "k10": "stress",
    "cbi": "stress",
    "scl90": "stress",
    "pcl5": "trauma",
    "pcptsd5": "trauma",
    "audit": "alcohol",
    "isi": "sleep",
}


def _tip(title_zh: str, title_en: str, text_zh: str, text_en: str) -> Tip:
    return {"title": {"zh-CN": title_zh, "en": title_en}, "text": {"zh-CN": text_zh, "en": text_en}}


TALK = _tip(
    "找人聊一聊",
    "Talk to someone",
    "把心里的事说给信任的家人、朋友或战友听，往往会轻松一些。心理服务站的咨询是保密的，随时欢迎您。",
    "Telling someone you trust — family, a friend, a colleague — often lightens the load. "
    "The station's counselling is confidential and you are always welcome.",
)
BREATHE = _tip(
    "缓慢呼吸",
    "Slow breathing",
    "用鼻子吸气4秒，屏住2秒，再用嘴慢慢呼气6秒，重复5次。紧张或出勤前后都可以做。",
    "Breathe in through your nose for 4 seconds, hold for 2, and breathe out slowly for 6; "
    "repeat five times. It helps before or after a tense shift.",
)
SLEEP = _tip(
    "照顾好睡眠",
    "Look after your sleep",
    "尽量固定起床时间，睡前一小时放下手机，少喝咖啡和酒。倒班后先安排一段安静的休息。",
    "Keep a regular wake-up time, put the phone away an hour before bed, and go easy on "
    "coffee and alcohol. After a night shift, plan a quiet wind-down first.",
)
MOVE = _tip(
    "动一动",
    "Move a little",
    "每天快走或运动20到30分钟，哪怕分几次完成，也能改善情绪和精力。",
    "A brisk 20 to 30 minute walk or workout a day, even in short bursts, lifts mood and energy.",
)
SMALL_STEPS = _tip(
    "一次做一件小事",
    "One small step at a time",
    "把要做的事拆成小步骤，每完成一步就给自己一点肯定。",
    "Break tasks into small steps and give yourself credit for each one you finish.",
)
WORRY_TIME = _tip(
    "给担心留个时间",
    "Give worry a time slot",
    "每天留出15分钟把担心的事写下来，其余时间想起时告诉自己“到时候再想”。",
    "Set aside 15 minutes a day to write your worries down; when they come at other times, "
    "tell yourself you will think about them then.",
)
AFTER_INCIDENT = _tip(
    "事件之后的反应是正常的",
    "Reactions after an incident are normal",
    "经历重大事件后，睡不好、反复想起或容易紧张都很常见，多数会随时间减轻。如果持续几周仍困扰您，请联系心理服务站。",
    "After a critical incident, poor sleep, replaying events or feeling on edge are common and "
    "usually ease with time. If they still trouble you after a few weeks, contact the station.",
)
ALCOHOL = _tip(
    "留意饮酒",
    "Keep an eye on drinking",
    "每周安排几天不喝酒，不要用酒来帮助入睡或缓解压力。想减少饮酒时，心理服务站可以帮您。",
    "Plan a few alcohol-free days each week and avoid using drink to sleep or unwind. "
    "If you want to cut down, the station can help.",
)
RECOVER = _tip(
    "下班后给自己恢复的时间",
    "Recover after work",
    "下班后做一件与工作无关、让您放松的事，比如散步、听音乐或陪伴家人。",
    "After a shift, do one thing unrelated to work that helps you unwind — a walk, music, "
    "time with family.",
)

TIPS: Mapping[str, tuple[Tip, ...]] = {
    "mood": (MOVE, SMALL_STEPS, SLEEP, TALK),
    "anxiety": (BREATHE, WORRY_TIME, SLEEP, TALK),
    "stress": (RECOVER, BREATHE, SLEEP, TALK),
    "trauma": (AFTER_INCIDENT, BREATHE, SLEEP, TALK),
    "alcohol": (ALCOHOL, SLEEP, RECOVER, TALK),
    "sleep": (SLEEP, BREATHE, RECOVER, TALK),
    "general": (SLEEP, BREATHE, MOVE, TALK),
}


def tips_for(instrument_id: str) -> tuple[Tip, ...]:
    """The self-help tips for an instrument's family (general ones for anything else)."""
    return TIPS[FAMILY_OF.get(instrument_id, "general")]
