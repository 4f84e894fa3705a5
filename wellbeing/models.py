"""Imports every domain's models so that Base.metadata is complete (Alembic, tests)."""

from wellbeing.auth import models as auth_models
from wellbeing.db import Base
from wellbeing.org import models as org_models

__all__ = ["Base", "auth_models", "org_models"]
