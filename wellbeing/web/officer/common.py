"""What every officer page needs: the officer, the questionnaire asked for, the consent gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from wellbeing.faces.context import catalogue, current_user, db
from wellbeing.instruments import Definition
from wellbeing.org.models import User
from wellbeing.screening import service
from wellbeing.screening.consent import current_consent
from wellbeing.screening.errors import NotOffered
from wellbeing.screening.models import Assignment
from wellbeing.screening.permissions import may_answer


def current_officer() -> User:
    """The signed-in officer (the route's access rule guarantees one)."""
    user = current_user()
    if user is None:  # pragma: no cover - the access rule runs first
        abort(401)
    return user


@dataclass(frozen=True)
class Target:
    """The questionnaire a page is about: a definition, and the assignment if it was assigned."""

    definition: Definition
    assignment: Assignment | None

    @property
    def instrument(self) -> str:
        """The instrument id."""
        return self.definition.id

    @property
    def assignment_id(self) -> int | None:
        """The assignment id, None for a voluntary self-check."""
        return self.assignment.id if self.assignment is not None else None

    def url(self, endpoint: str, **values: Any) -> str:
        """An address of this questionnaire (the assignment travels in the query)."""
        return url_for(
            endpoint, instrument=self.instrument, assignment=self.assignment_id, **values
        )


def load_target(officer: User, instrument_id: str) -> Target:
    """The offered instrument and, with ?assignment=, the officer's own open assignment; 404
    for anything else (another officer's, closed or submitted, not including the instrument)."""
    try:
        definition = service.offered_definition(catalogue(), instrument_id)
    except NotOffered:
        abort(404)
    raw = request.args.get("assignment")
    if raw is None:
        return Target(definition, None)
    assignment = service.find_assignment(db(), int(raw)) if raw.isdigit() else None
    if assignment is None or not may_answer(officer, assignment, definition.id):
        abort(404)
    return Target(definition, assignment)


def consent_gate(officer: User) -> Response | None:
    """A redirect to the consent page when the officer has no standing consent."""
    if current_consent(db(), officer) is not None:
        return None
    return redirect(url_for("officer.consent", next=request.full_path.rstrip("?")))


def page_number(raw: str | None) -> int | None:
    """A ?page= value as a number (None when absent or not a number)."""
    return int(raw) if raw is not None and raw.isdigit() else None
