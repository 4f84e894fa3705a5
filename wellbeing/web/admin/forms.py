"""The admin forms as entered (strings, re-shown on an error) and parsed into typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from wellbeing.screening.campaigns import FollowUp, parse_schedule

MAX_EVERY_MONTHS = 60


class FormProblems(Exception):
    """What is wrong with an entered form, each problem in the user's language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _moment(raw: str, problem: str, problems: list[str]) -> datetime | None:
    """A `datetime-local` value ("2026-12-01T09:00"), taken as UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        problems.append(problem)
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CampaignFields:
    """A campaign form, parsed."""

    name: str
    unit_code: str
    instruments: list[str]
    opens_at: datetime
    closes_at: datetime
    every_months: int | None
    staff_category: str | None = None  # "police", "auxiliary"; None: everyone


@dataclass(frozen=True)
class CampaignInput:
    """A campaign form as entered."""

    name: str = ""
    unit: str = ""
    instruments: list[str] = field(default_factory=list)
    opens: str = ""
    closes: str = ""
    every: str = ""
    staff_category: str = ""

    @classmethod
    def from_form(cls, form: MultiDict[str, str]) -> CampaignInput:
        """Read the posted fields (trimmed to sane lengths)."""
        return cls(
            name=form.get("name", "")[:200],
            unit=form.get("unit", "")[:32],
            instruments=[i[:32] for i in form.getlist("instruments")][:50],
            opens=form.get("opens", "")[:32],
            closes=form.get("closes", "")[:32],
            every=form.get("every", "")[:8],
            staff_category=form.get("staff_category", "")[:16],
        )

    def parsed(self) -> CampaignFields:
        """Typed values, or FormProblems naming each field that cannot be read."""
        problems: list[str] = []
        opens = _moment(self.opens, _("Enter the opening date and time."), problems)
        closes = _moment(self.closes, _("Enter the closing date and time."), problems)
        every: int | None = None
        if self.every.strip():
            text = self.every.strip()
            if not text.isdigit() or not 1 <= int(text) <= MAX_EVERY_MONTHS:
                problems.append(_("Repeat every 1 to 60 months, or leave it empty."))
            else:
                every = int(text)
        if problems or opens is None or closes is None:
            raise FormProblems(problems)
        category = self.staff_category.strip() or None  # checked by the service
        return CampaignFields(
            self.name, self.unit, self.instruments, opens, closes, every, category
        )


DEFAULT_SCHEDULE_TEXT = ",".join(f"{f.day}:{'+'.join(f.instruments)}" for f in parse_schedule(""))


@dataclass(frozen=True)
class IncidentFields:
    """An incident form, parsed."""

    occurred_on: date
    description: str
    officers: list[str]
    schedule: tuple[FollowUp, ...]


@dataclass(frozen=True)
class IncidentInput:
    """An incident form as entered."""

    unit: str = ""
    occurred: str = ""
    description: str = ""
    officers: list[str] = field(default_factory=list)
    schedule: str = DEFAULT_SCHEDULE_TEXT

    @classmethod
    def from_form(cls, form: MultiDict[str, str]) -> IncidentInput:
        """Read the posted fields (trimmed to sane lengths)."""
        return cls(
            unit=form.get("unit", "")[:32],
            occurred=form.get("occurred", "")[:32],
            description=form.get("description", "")[:600],
            officers=[o[:64] for o in form.getlist("officers")][:1000],
            schedule=form.get("schedule", "")[:500],
        )

    def parsed(self) -> IncidentFields:
        """Typed values, or FormProblems; the schedule is parsed (and refused) by the service."""
        try:
            occurred_on = date.fromisoformat(self.occurred.strip())
        except ValueError:
            raise FormProblems([_("Enter the date of the incident.")]) from None
        schedule = parse_schedule(self.schedule)
        return IncidentFields(occurred_on, self.description, self.officers, schedule)
