"""An officer's export of all their own screening data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.screening.models import Consent
from wellbeing.screening.service import own_submissions, submission_view


def export_own_data(session: Session, officer: User) -> dict[str, Any]:
    """Profile, consents and every submission with answers and results."""
    consents = session.scalars(
        select(Consent).where(Consent.officer_id == officer.id).order_by(Consent.given_at)
    )
    return {
        "exported_at": utcnow().isoformat(),
        "officer": {
            "username": officer.username,
            "display_name": officer.display_name,
            "unit": officer.unit.code,
        },
        "consents": [
            {
                "version": c.version,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
        "submissions": [submission_view(s) for s in own_submissions(session, officer)],
    }
