"""Two upcoming group sessions for the demo bureau (idempotent: none are added once any exist)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.groups import service
from wellbeing.groups.input import parse_group
from wellbeing.groups.models import GroupSession
from wellbeing.org.service import find_user

SESSIONS: tuple[tuple[int, dict[str, object]], ...] = (
    (
        3,
        {
            "title": {"zh-CN": "压力管理团体辅导", "en": "Managing stress: a group session"},
            "description": {
                "zh-CN": "学习识别压力信号，练习呼吸放松和肌肉放松，交流倒班中的应对经验。",
                "en": "Recognising signs of stress, practising breathing and muscle relaxation, "
                "and sharing what helps on shifts.",
            },
            "topic": "stress",
            "place": "市局心理健康服务站团辅室",
            "capacity": 12,
            "unit": "BUR",
        },
    ),
    (
        8,
        {
            "title": {"zh-CN": "睡眠与倒班", "en": "Sleep and shift work"},
            "description": {
                "zh-CN": "夜班之后如何睡好：作息、环境和放松方法。",
                "en": "Sleeping well after night shifts: routines, surroundings and relaxation.",
            },
            "topic": "sleep",
            "place": "城东派出所三楼会议室",
            "capacity": 8,
            "unit": "ST1",
        },
    ),
)


def create_demo_groups(session: Session, now: datetime) -> bool:
    """Create the two sessions when there are none yet; True when they were added."""
    if session.scalar(select(func.count()).select_from(GroupSession)):
        return False
    counsellor = find_user(session, "counsellor1")
    if counsellor is None:
        return False
    day = now.replace(hour=1, minute=30, second=0, microsecond=0)  # 09:30 in Beijing
    for days, body in SESSIONS:
        starts = day + timedelta(days=days)
        data = parse_group({**body, "starts_at": starts.isoformat()}, now)
        service.create_group(session, counsellor, data)
    return True
