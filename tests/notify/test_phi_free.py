"""No clinical word leaves in a notice: every message kind, every channel, both languages.

The forbidden vocabulary is built from the data: every instrument's id and title, every band's
id and label, every rule's id, description and referral reason, plus the words of scoring.
Each kind is rendered with every allowed value of its params and sent through each real
channel to its fake; what arrived on the wire (or in the log line) is searched.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from itertools import product
from typing import Any

import pytest

from tests.fakes.sms import FakeGateway
from tests.fakes.smtp import TinySmtpServer
from tests.fakes.wecom import FakeWecom
from wellbeing.core.config import Settings
from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.notify.adapters import make_adapter
from wellbeing.notify.kinds import KINDS, Kind
from wellbeing.notify.render import RenderedMessage, render_text
from wellbeing.rules import load_rules, rule_dirs

CHANNELS = ("wecom", "sms", "webhook", "smtp", "log")
LOCALES = ("zh_CN", "en")
# Scoring vocabulary no notice may use, whatever the instrument.
SCORING_WORDS = (
    "score", "scored", "scores", "total", "band", "severity", "result", "answer", "answers",
    "item", "questionnaire", "threshold", "positive", "negative", "depression", "anxiety",
    "suicide", "suicidal", "self-harm", "ptsd", "insomnia", "alcohol", "burnout",
    "分数", "得分", "总分", "分值", "严重程度", "结果", "答案", "题", "量表", "问卷", "界值",
    "阳性", "阴性", "抑郁", "焦虑", "自杀", "自伤", "伤害自己", "失眠", "创伤", "饮酒", "倦怠",
)  # fmt: skip
MIN_ZH_LABEL = 2  # a one-character label (K10's band "低") says nothing on its own


def _texts(text: Any) -> list[str]:
    return [value for value in (text or {}).values() if isinstance(value, str)]


def forbidden_vocabulary() -> set[str]:
    """Instrument, band and rule words from the catalogue and the rules, and scoring words."""
    catalogue = load_catalogue(questionnaire_dirs(""))
    words = set(SCORING_WORDS)
    for definition in catalogue:
        words.add(definition.id)
        words.update(_texts(definition.title))
        for band in definition.bands:
            words.update({band.id, band.id.replace("_", " ")})
            words.update(t for t in _texts(band.label) if len(t) >= MIN_ZH_LABEL)
        words.update(_short_names(_texts(definition.title)))
    for rule in load_rules(rule_dirs(""), catalogue).rules:
        words.update({rule.id, *_texts(rule.description)})
        if rule.actions.referral is not None:
            words.update(_texts(rule.actions.referral.reason))
    return words


def _short_names(titles: list[str]) -> set[str]:
    """The abbreviations in brackets: "PHQ-9", "C-SSRS", "AUDIT"."""
    found = set()
    for title in titles:
        found.update(re.findall(r"[（(]([A-Za-z0-9-]+(?:, ?[A-Za-z0-9-]+)*)[)）]", title))
    return {name.split(",")[-1].strip() for name in found} | {
        part for name in found for part in name.replace(" ", "").split(",")
    }


FORBIDDEN = forbidden_vocabulary()


def clinical_words_in(text: str) -> list[str]:
    """The forbidden words a text contains (ASCII as whole words, also with hyphens dropped)."""
    lowered = text.lower()
    squeezed = lowered.replace("-", "")
    found = []
    for word in FORBIDDEN:
        term = word.lower()
        if term.isascii():
            pattern = rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])"
            if re.search(pattern, lowered) or re.search(pattern, squeezed):
                found.append(word)
        elif term in lowered:
            found.append(word)
    return found


def test_the_vocabulary_is_built_from_the_data() -> None:
    assert {"phq9", "PHQ-9", "gad7", "Mild", "轻度", "phq9_item9"} <= FORBIDDEN
    assert set(clinical_words_in("您的 PHQ9 总分")) == {"phq9", "总分"}
    assert {"PHQ-9", "phq9", "total", "mild"} <= set(clinical_words_in("Your PHQ-9 total: mild"))
    assert {"Mild", "mild"} <= set(clinical_words_in("Mild"))
    assert clinical_words_in("您有一条紧急转介待处理 https://wellbeing.police.example/") == []


def _param_values(kind: Kind) -> Iterator[dict[str, str]]:
    """Every combination of allowed values (a long list of choices: its first and last)."""
    choices = []
    for name, param in kind.params.items():
        if param.date:
            values: tuple[str, ...] = ("2026-12-31",)
        elif len(param.choices) > 5:
            values = (param.choices[0], param.choices[-1])
        else:
            values = param.choices
        choices.append([(name, value) for value in values])
    for combination in product(*choices):
        yield dict(combination)


def all_messages() -> list[RenderedMessage]:
    """Every kind with every param variant in every locale, for a recipient on every channel."""
    messages = []
    for key, kind in sorted(KINDS.items()):
        for params, locale in product(list(_param_values(kind)), LOCALES):
            subject, body = render_text(key, params, locale)
            messages.append(
                RenderedMessage(
                    len(messages) + 1,
                    key,
                    "user:3",
                    "c1@example.org",
                    locale,
                    subject,
                    body,
                    phone="13800000001",
                    wecom_userid="ZhangSan",
                )
            )
    return messages


@pytest.fixture
def wire(
    fake_wecom: FakeWecom,
    fake_sms: FakeGateway,
    fake_webhook: FakeGateway,
    smtp_server: TinySmtpServer,
    caplog: pytest.LogCaptureFixture,
    channel_settings: Callable[..., Settings],
) -> Callable[[str], list[str]]:
    """wire("sms") → what each message sent through that channel looked like on the wire."""
    fake_wecom.users.add("ZhangSan")

    def send(channel: str) -> list[str]:
        port = smtp_server.server_address[1]
        adapter = make_adapter(channel_settings(channel, smtp_port=port))
        caplog.set_level(logging.INFO, logger="wellbeing.notify")
        for message in all_messages():
            adapter.deliver(message)
        adapter.close()
        if channel == "wecom":
            sends = fake_wecom.requests_to("/cgi-bin/message/send")
            return [json.dumps([s.args, s.body], ensure_ascii=False) for s in sends]
        if channel in {"sms", "webhook"}:
            gateway = fake_sms if channel == "sms" else fake_webhook
            return [accepted.raw.decode() for accepted in gateway.accepted]
        if channel == "smtp":
            return [f"{m['Subject']}\n{m.get_content()}" for m in smtp_server.received]
        return [r.getMessage() for r in caplog.records if r.name == "wellbeing.notify"]

    return send


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_clinical_word_in_any_payload(channel: str, wire: Callable[[str], list[str]]) -> None:
    payloads = wire(channel)
    assert len(payloads) == len(all_messages())
    leaks = {text: words for text in payloads if (words := clinical_words_in(text))}
    assert leaks == {}


def test_an_urgent_referral_notice_says_so_and_links_to_the_service(
    wire: Callable[[str], list[str]],
) -> None:
    on_call = [p for p in wire("sms") if "值班" in p]
    assert on_call
    assert all(
        "紧急转介" in text and "https://wellbeing.police.example/" in text for text in on_call
    )
