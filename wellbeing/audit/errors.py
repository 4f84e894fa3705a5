"""What can go wrong when writing or checking the audit log."""

from __future__ import annotations


class AuditError(RuntimeError):
    """The audit log cannot do what was asked; the message says why (never clinical content)."""


class DetailRejected(AuditError):
    """An entry's detail is not a small dict of short, non-clinical scalars."""


class CheckpointError(AuditError):
    """A checkpoint file is unreadable, wrongly signed or does not match the log."""
