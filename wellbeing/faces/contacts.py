"""How to reach help: the station and the crisis hotlines, from the settings (pages and API)."""

from __future__ import annotations

from dataclasses import dataclass

from wellbeing.core.config import Settings


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
