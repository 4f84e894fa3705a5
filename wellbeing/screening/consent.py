"""Consent to screening, recorded per version of the consent text."""

from __future__ import annotations

from typing import cast

from sqlalchemy import ColumnElement, Exists, Table, bindparam, exists, select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.screening.errors import ConsentVersionStale
from wellbeing.screening.models import Consent

# Bump when the consent text in templates/screening/consent.html changes in substance:
# every officer is then asked again before their next screening.
CONSENT_VERSION = "2026-11-v1"


_CONSENTS = cast(Table, Consent.__table__)


def _standing_terms(officer_id: ColumnElement[int] | int) -> tuple[ColumnElement[bool], ...]:
    """What makes a consent row the officer's standing consent: the current text, not withdrawn."""
    return (
        _CONSENTS.c.officer_id == officer_id,
        _CONSENTS.c.version == CONSENT_VERSION,
        _CONSENTS.c.withdrawn_at.is_(None),
    )


def current_consent(session: Session, officer: User) -> Consent | None:
    """The officer's standing consent to the current text, if any."""
    return session.scalars(
        select(Consent).where(*_standing_terms(officer.id)).order_by(Consent.given_at.desc())
    ).first()


def standing(officer_id: ColumnElement[int]) -> Exists:
    """The condition "this officer's consent to the current text stands", to use in queries."""
    return exists().where(*_standing_terms(officer_id))


# Built once: the submission path asks this on every request, and building a statement costs
# more than running it (bench/submit.py; docs/deployment.md §11).
_STANDING = select(standing(bindparam("officer_id")))


def has_consented(session: Session, officer_id: int) -> bool:
    """Whether the officer's consent to the current text stands (as `current_consent`)."""
    return bool(session.connection().execute(_STANDING, {"officer_id": officer_id}).scalar())


def give_consent(session: Session, officer: User) -> Consent:
    """Record consent to the current text (idempotent)."""
    existing = current_consent(session, officer)
    if existing is not None:
        return existing
    consent = Consent(officer_id=officer.id, version=CONSENT_VERSION)
    session.add(consent)
    session.flush()
    return consent


def accept_consent(session: Session, officer: User, version: str) -> tuple[Consent, bool]:
    """Consent to the text version the officer was shown: (the standing consent, whether it is
    new). ConsentVersionStale when that version is not the current one; giving it again while
    it stands records nothing."""
    if version != CONSENT_VERSION:
        raise ConsentVersionStale(CONSENT_VERSION)
    existing = current_consent(session, officer)
    if existing is not None:
        return existing, False
    return give_consent(session, officer), True


def withdraw_consent(session: Session, officer: User) -> None:
    """Withdraw consent for future screenings; what was submitted stays the officer's own."""
    now = utcnow()
    for consent in session.scalars(
        select(Consent).where(Consent.officer_id == officer.id, Consent.withdrawn_at.is_(None))
    ):
        consent.withdrawn_at = now
    session.flush()
