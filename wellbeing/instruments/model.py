"""Typed, frozen in-memory form of a questionnaire definition.

The loader builds these from a validated YAML mapping; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from wellbeing.instruments.conditions import Condition

Text = Mapping[str, str]
"""A text in every supported language, keyed by language tag (``zh-CN``, ``en``)."""

LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class Option:
    """One response option: the stored value and its label in each language."""

    value: int
    label: Text | None = None
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``ask_when`` is its skip condition (asked only when true)."""

    id: str
    options: tuple[Option, ...]
    text: Text | None = None
    optional: bool = False
    ask_when: Condition | None = None
    score_when_skipped: int | None = None
    loinc: str | None = None

    @property
    def values(self) -> tuple[int, ...]:
        """The allowed answer values, in presentation order."""
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class ScoreSpec:
    """A total or subscale: the registry method name, its items and parameters."""

    id: str
    method: str
    items: tuple[str, ...]
    params: Mapping[str, Fraction] = field(default_factory=dict)
    label: Text | None = None
    loinc: str | None = None
    declared_range: tuple[Fraction, Fraction] | None = None


@dataclass(frozen=True)
class Band:
    """A result band: an inclusive total range, or a rule (``when``/``otherwise``)."""

    id: str
    label: Text
    feedback: Text
    range: tuple[int, int] | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class Flag:
    """A flag raised when its condition is true on the (possibly partial) answers."""

    id: str
    label: Text
    when: Condition
    critical: bool = False
    message: Text | None = None


@dataclass(frozen=True)
class Licence:
    """Licence status (``free``, ``public_domain``, ``non_commercial``, ``licensed``)."""

    status: str
    text: Text
    copyright: str | None = None


@dataclass(frozen=True)
class Definition:
    """A loaded, validated instrument definition with its content hash."""

    id: str
    version: str
    title: Text
    instructions: Text
    time_frame: Text
    texts_supplied: bool
    items: tuple[Item, ...]
    reverse_items: frozenset[str]
    total: ScoreSpec | None
    subscales: tuple[ScoreSpec, ...]
    completeness: str
    bands: tuple[Band, ...]
    band_authority: str | None
    flags: tuple[Flag, ...]
    licence: Licence
    sources: tuple[Mapping[str, str], ...]
    loinc: Mapping[str, str]
    content_hash: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    path: Path | None = None

    def item(self, item_id: str) -> Item:
        """Return the item with this id (KeyError if there is none)."""
        for candidate in self.items:
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in presentation order."""
        return tuple(item.id for item in self.items)

    @property
    def offerable(self) -> bool:
        """True when item texts are present, so officers may be offered the instrument."""
        return self.texts_supplied
