"""How to reach help: the station and the crisis hotlines, from the settings (pages and API)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from wellbeing.core.clock import utcnow
from wellbeing.core.config import Settings
from wellbeing.faces.context import db
from wellbeing.oncall.reading import on_call_phone
from wellbeing.org.models import User
from wellbeing.screening.crisis import crisis_banner_needed


@dataclass(frozen=True)
class Hotline:
    """A named number; `tel` is the number reduced to what a phone dials."""

    label: str
    number: str

    @property
    def tel(self) -> str:
        """The number for a tel: link."""
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class Contacts:
    """The station's name, duty phone and hours, and the crisis hotlines."""

    station_name: str
    station_phone: str
    station_hours: str
    hotlines: tuple[Hotline, ...]

    @property
    def station_tel(self) -> str:
        """The station's phone for a tel: link."""
        return Hotline("", self.station_phone).tel


def parse_hotlines(text: str) -> tuple[Hotline, ...]:
    """ "name number; name number" → hotlines (the number is the last word of each entry)."""
    hotlines = []
    for entry in text.split(";"):
        label, _, number = entry.strip().rpartition(" ")
        if number:
            hotlines.append(Hotline(label.strip(), number))
    return tuple(hotlines)


def contacts_from(settings: Settings) -> Contacts:
    """The contacts configured for this station."""
    return Contacts(
        station_name=settings.station_name,
        station_phone=settings.station_phone,
        station_hours=settings.station_hours,
        hotlines=parse_hotlines(settings.crisis_hotlines),
    )


def crisis_banner_for(officer: User) -> bool:
    """Whether to show the crisis contacts at once (a crisis referral of the officer is open).

    When the check itself fails, showing help is the safe side."""
    try:
        return crisis_banner_needed(db(), officer)
    except Exception as exc:
        current_app.logger.error("crisis banner check failed: %s", type(exc).__name__)
        return True


def on_call_line(officer: User) -> Hotline | None:
    """The phone of the counsellor on call for the officer's unit now, if one is set.

    None when the lookup fails: the other contacts must show (and answer) regardless."""
    try:
        tz = current_app.extensions["wellbeing.oncall"].tz
        phone = on_call_phone(db(), officer.unit, utcnow(), tz)
    except Exception as exc:
        current_app.logger.error("on-call phone lookup failed: %s", type(exc).__name__)
        return None
    return Hotline("", phone) if phone else None
