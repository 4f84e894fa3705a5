"""Imports every domain's models so that Base.metadata is complete (Alembic, tests)."""

from wellbeing.audit import models as audit_models
from wellbeing.auth import models as auth_models
from wellbeing.db import Base
from wellbeing.org import models as org_models
from wellbeing.screening import models as screening_models

__all__ = ["Base", "audit_models", "auth_models", "org_models", "screening_models"]
