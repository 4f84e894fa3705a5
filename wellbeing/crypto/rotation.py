"""Pure pieces of key rotation; walking database rows lives in `wellbeing.sealing.columns`."""

from __future__ import annotations

from dataclasses import dataclass, field

from wellbeing.crypto.envelope import parse_header
from wellbeing.crypto.errors import KeyInUseError
from wellbeing.crypto.keyring import Keyring


def needs_rewrap(blob: bytes, keyring: Keyring) -> bool:
    """Tell whether a sealed value's data key is wrapped by a KEK other than the primary."""
    return parse_header(blob).kek_id != keyring.primary_id


def retire_key(keyring: Keyring, kek_id: str, records_using: int) -> Keyring:
    """Return the keyring without `kek_id`, refusing while `records_using` records still need it."""
    if records_using:
        raise KeyInUseError(
            kek_id, f"{records_using} record(s) still use it; run `wellbeing keys rotate` first"
        )
    return keyring.without_key(kek_id)


@dataclass
class RotationFailure:
    """One record that could not be re-wrapped, and why (it keeps its old wrapping)."""

    table: str
    column: str
    record_id: str
    error: str


@dataclass
class RotationReport:
    """Running and final counts of a rotation; `total` counts the sealed values seen at start."""

    target_kek_id: str
    total: int = 0
    scanned: int = 0
    rewrapped: int = 0
    already_current: int = 0
    skipped_changed: int = 0
    failures: list[RotationFailure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many records could not be re-wrapped."""
        return len(self.failures)

    @property
    def complete(self) -> bool:
        """True when every scanned record is now under the target KEK."""
        return not self.failures and self.scanned >= self.total
