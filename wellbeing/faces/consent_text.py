"""The consent statement: one text for the consent page and the API (`GET /api/v1/me/consent`).

Its version is `screening.consent.CONSENT_VERSION`; bump that when these words change in
substance, so every officer is asked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

TITLE = _l("Before you start: how your answers are used")


@dataclass(frozen=True)
class Section:
    """A heading with its paragraphs and its bullet points."""

    heading: LazyString
    paragraphs: tuple[LazyString, ...] = ()
    bullets: tuple[LazyString, ...] = ()


SECTIONS = (
    Section(
        _l("What it is for"),
        paragraphs=(
            _l(
                "These short questionnaires help you notice how you are doing — mood, stress, "
                "sleep — and help the mental-health service station offer support early, when "
                "you want it."
            ),
        ),
    ),
    Section(
        _l("Who sees what"),
        bullets=(
            _l("You see your own answers and results, and can download them at any time."),
            _l(
                "The station's counsellors see your answers only when a result raises a "
                "referral, so that they can reach out to you."
            ),
            _l(
                "Leaders see only anonymous totals for whole units, never an individual's "
                "answers or results."
            ),
            _l("Nobody in your chain of command can see your individual answers."),
            _l("Administrators run the system but cannot read answers."),
        ),
    ),
    Section(
        _l("How it is kept"),
        paragraphs=(
            _l(
                "Answers and results are stored encrypted and are kept for as long as the "
                "station's records policy requires. Every access to them is logged."
            ),
        ),
    ),
    Section(
        _l("It is your choice"),
        paragraphs=(
            _l(
                "Taking part is voluntary. You can withdraw your consent at any time on this "
                "page; from then on no new answers are collected. Withdrawing has no effect on "
                "your work."
            ),
        ),
    ),
)


def consent_plain_text() -> str:
    """The statement as plain text in the current language: title, headings, paragraphs and
    "• " bullets, separated by blank lines."""
    blocks = [str(TITLE)]
    for section in SECTIONS:
        blocks.append(str(section.heading))
        blocks.extend(str(paragraph) for paragraph in section.paragraphs)
        if section.bullets:
            blocks.append("\n".join(f"• {bullet}" for bullet in section.bullets))
    return "\n\n".join(blocks)


def consent_texts() -> dict[str, str]:
    """The statement in both languages, keyed as the questionnaire texts are ("zh-CN", "en")."""
    texts = {}
    for key, locale in (("zh-CN", "zh_CN"), ("en", "en")):
        with force_locale(locale):
            texts[key] = consent_plain_text()
    return texts
