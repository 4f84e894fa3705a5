"""Errors of retention and erasure."""

from __future__ import annotations


class ErasureRefused(Exception):
    """The officer's clinical data cannot be erased now (the message says why)."""

    code = "erasure_refused"
