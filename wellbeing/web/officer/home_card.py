"""The officer's card on the home page: what is waiting, and where to find the rest."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue
from wellbeing.org.models import User
from wellbeing.referrals import outreach
from wellbeing.screening import service
from wellbeing.screening.consent import current_consent
from wellbeing.screening.views_data import text_in


def officer_card(
    session: Session, officer: User, catalogue: Catalogue, lang: str
) -> dict[str, Any]:
    """Pending screenings (soonest deadline first) with a link per questionnaire, and consent."""
    pending = []
    for assignment in service.pending_assignments(session, officer):
        questionnaires = [
            {
                "id": instrument,
                "title": text_in(catalogue.get(instrument).title, lang),
                "url": url_for("officer.page", instrument=instrument, assignment=assignment.id),
            }
            for instrument in assignment.remaining
            if instrument in catalogue and catalogue.get(instrument).offerable
        ]
        if questionnaires:
            pending.append(
                {
                    "id": assignment.id,
                    "closes_at": assignment.closes_at,
                    "questionnaires": questionnaires,
                }
            )
    tasks = [
        {"id": task.id, "opened_on": task.opened_at}
        for task in outreach.outreach_for(session, officer)
    ]
    return {
        "pending": pending,
        "consented": current_consent(session, officer) is not None,
        "outreach": tasks,
    }
