"""Texts are rendered at delivery in the recipient's language and carry nothing clinical."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session

from wellbeing.notify.kinds import KINDS
from wellbeing.notify.render import parse_channels, render_message, render_text
from wellbeing.notify.service import Channel, enqueue


def test_an_officer_reads_the_notice_in_chinese(
    db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user(locale="zh_CN")
    message = enqueue(
        db_session, kind="screening.opened", recipient=officer, params={"closes_on": "2026-12-31"}
    )
    assert message is not None
    rendered = render_message(db_session, message, channels={}, default_locale="en")
    assert rendered.subject == "您有一项心理健康检查待完成"
    assert "您有一项心理健康检查待完成" in rendered.body
    assert "2026-12-31" in rendered.body
    assert (rendered.locale, rendered.recipient) == ("zh_CN", f"user:{officer.id}")


def test_an_officer_reads_the_notice_in_english(
    db_session: Session, make_user: Callable[..., Any]
) -> None:
    officer = make_user(locale="en")
    officer.email = "officer@example.org"
    message = enqueue(
        db_session, kind="screening.reminder", recipient=officer, params={"closes_on": "2026-12-31"}
    )
    assert message is not None
    rendered = render_message(db_session, message, channels={}, default_locale="zh_CN")
    assert rendered.subject == "Reminder: your wellbeing check is waiting"
    assert rendered.body.startswith("Your wellbeing check is still waiting.")
    assert rendered.address == "officer@example.org"


def test_a_channel_message_uses_the_default_language_and_configured_address(
    db_session: Session,
) -> None:
    message = enqueue(
        db_session,
        kind="referral.waiting",
        recipient=Channel("station", "BUR"),
        params={"priority": "urgent"},
    )
    assert message is not None
    channels = parse_channels("station:BUR=duty@bur.example.org, station:ST1 = st1@example.org")
    rendered = render_message(db_session, message, channels=channels, default_locale="zh_CN")
    assert rendered.address == "duty@bur.example.org"
    assert "紧急转介" in rendered.body


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_kind_is_translated_into_chinese(key: str, repo_root: Any) -> None:
    kind = KINDS[key]
    po = repo_root / "wellbeing/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    for msgid in (kind.subject, kind.body, *kind.variants.values()):
        entry = catalogue.get(msgid)
        assert entry is not None, msgid
        assert entry.string, msgid
        assert re.findall(r"%\(\w+\)s", entry.string) == re.findall(r"%\(\w+\)s", msgid)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_kind_renders_in_both_languages(key: str, locale: str) -> None:
    params = {
        name: "2026-12-31" if rule.date else rule.choices[0]
        for name, rule in KINDS[key].params.items()
    }
    subject, body = render_text(key, params, locale)
    assert subject
    assert body
    assert "%(" not in body
