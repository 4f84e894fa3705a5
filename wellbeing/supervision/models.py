"""This room's tables."""

from __future__ import annotations

from wellbeing.core.db import Base

__all__ = ["Base"]
