"""The chain's arithmetic: what an entry's hash covers and what a detail may hold (pure, no DB).

Canonical encoding (format version 1) — the bytes hashed for each entry are the UTF-8 JSON of

    {"action": str, "actor_id": int|null, "actor_name": str|null, "detail": {…},
     "prev_hash": 64 hex, "seq": int, "target_id": str, "target_type": str,
     "time": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "v": 1}

with keys sorted at every level, no whitespace (separators "," and ":"), non-ASCII characters
kept as UTF-8 (ensure_ascii=False) and the time in UTC with exactly six fractional digits.
`hash = sha256(encoding).hexdigest()`. The first entry's prev_hash is GENESIS_HASH (64 zeros).

Detail is for small, NON-clinical context (a channel, a client address, a role name, a count):
at most MAX_DETAIL_KEYS keys, each an identifier-like name, each value None, a bool, an int or
a string of at most MAX_DETAIL_TEXT characters. Floats (ambiguous encodings), lists and nested
objects are refused, as are key names that suggest clinical content (answers, scores, bands,
notes…): the audit log says *that* someone read a record, never *what* it contains.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wellbeing.audit.errors import AuditError, DetailRejected

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64
MAX_DETAIL_KEYS = 12
MAX_DETAIL_TEXT = 200
ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
CLINICAL_WORDS = frozenset(
    {"answer", "answers", "score", "scores", "band", "bands", "note", "notes", "payload",
     "response", "responses", "result", "results", "subscale", "subscales", "diagnosis"}
)  # fmt: skip

Scalar = str | int | bool | None


@dataclass(frozen=True)
class Link:
    """Every hashed field of one entry (the chain's view of an `AuditEntry` row)."""

    seq: int
    time: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    target_type: str
    target_id: str
    detail: Mapping[str, Scalar]
    prev_hash: str

    def canonical(self) -> bytes:
        """The canonical encoding described in the module docstring."""
        document: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "seq": self.seq,
            "time": format_time(self.time),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "detail": dict(self.detail),
            "prev_hash": self.prev_hash,
        }
        return canonical_json(document).encode("utf-8")

    def digest(self) -> str:
        """The entry's hash: hex SHA-256 of its canonical encoding."""
        return hashlib.sha256(self.canonical()).hexdigest()


def link_of(row: Any, *, seq: int, prev_hash: str, detail: Mapping[str, Scalar]) -> Link:
    """The hashed view of a stored entry (any object with the entry's columns as attributes),
    at `seq` after `prev_hash`, with its detail already parsed."""
    return Link(
        seq=seq,
        time=row.time,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        detail=detail,
        prev_hash=prev_hash,
    )


def canonical_json(document: Mapping[str, Any]) -> str:
    """JSON with sorted keys, no whitespace and UTF-8 text (the one encoding that is hashed)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a Z: `2026-11-27T09:00:00.000000Z`."""
    if moment.tzinfo is None:
        raise AuditError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_action(action: str) -> str:
    """Refuse an action that is not a dotted lower-case name like `auth.login_succeeded`."""
    if len(action) > 64 or not ACTION_PATTERN.fullmatch(action):
        raise AuditError(f"invalid audit action {action!r}: use dotted lower-case words")
    return action


def check_detail(detail: Mapping[str, object] | None) -> dict[str, Scalar]:
    """Return a copy of `detail` if it is small and non-clinical, else raise `DetailRejected`."""
    if detail is None:
        return {}
    if len(detail) > MAX_DETAIL_KEYS:
        raise DetailRejected(f"audit detail has more than {MAX_DETAIL_KEYS} keys")
    clean: dict[str, Scalar] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
            raise DetailRejected(f"audit detail key {key!r} is not a short lower-case name")
        if key in CLINICAL_WORDS:
            raise DetailRejected(f"audit detail key {key!r} suggests clinical content")
        clean[key] = _check_value(key, value)
    return clean


def _check_value(key: str, value: object) -> Scalar:
    if value is None or isinstance(value, bool | int):
        return value  # bool is an int subclass; both encode exactly in JSON
    if isinstance(value, str):
        if len(value) > MAX_DETAIL_TEXT:
            raise DetailRejected(f"audit detail {key!r} is longer than {MAX_DETAIL_TEXT} chars")
        return value
    raise DetailRejected(f"audit detail {key!r} must be a string, an integer, a bool or None")
