"""The result of scoring one set of answers, and its JSON form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from wellbeing.instruments.numbers import to_display


def _display(value: Fraction | None) -> int | float | None:
    return None if value is None else to_display(value)


@dataclass(frozen=True)
class Result:
    """Exact scores (Fractions) plus completeness, band, flags and missing/skipped items.

    ``total`` and ``band`` are None when the result is incomplete. Subscales are None when
    their own items do not allow a value. Flags are raised from answered items even when the
    result is incomplete.
    """

    instrument: str
    version: str
    definition_hash: str
    complete: bool
    total: Fraction | None
    band: str | None
    subscales: Mapping[str, Fraction | None]
    flags: tuple[str, ...]
    missing: tuple[str, ...]
    skipped: tuple[str, ...]
    item_scores: Mapping[str, Fraction]

    def to_dict(self) -> dict[str, Any]:
        """The contract form: whole numbers as ints, means rounded half-up to 2 decimals."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "complete": self.complete,
            "total": _display(self.total),
            "band": self.band,
            "subscales": {key: _display(value) for key, value in self.subscales.items()},
            "flags": list(self.flags),
            "missing": list(self.missing),
        }

    def to_json(self) -> str:
        """One JSON object (UTF-8 text, not ASCII-escaped) in the contract form."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_record(self) -> dict[str, Any]:
        """Everything needed to store the result: contract fields, hash, exact values."""
        record = self.to_dict()
        record["definition_hash"] = self.definition_hash
        record["skipped"] = list(self.skipped)
        record["item_scores"] = {key: to_display(value) for key, value in self.item_scores.items()}
        record["exact"] = {
            "total": None if self.total is None else str(self.total),
            "subscales": {k: None if v is None else str(v) for k, v in self.subscales.items()},
        }
        return record
