"""Imports every domain's models so that Base.metadata is complete (Alembic, tests)."""

from wellbeing.activity import models as activity_models
from wellbeing.appointments import models as appointment_models
from wellbeing.audit import models as audit_models
from wellbeing.auth import models as auth_models
from wellbeing.core.db import Base
from wellbeing.crisis import models as crisis_models
from wellbeing.facts import models as fact_models
from wellbeing.groups import models as group_models
from wellbeing.library import models as library_models
from wellbeing.notify import models as notify_models
from wellbeing.oncall import models as oncall_models
from wellbeing.org import models as org_models
from wellbeing.referrals import models as referral_models
from wellbeing.reports import models as report_models
from wellbeing.scheduler import models as scheduler_models
from wellbeing.screening import models as screening_models
from wellbeing.sealing import models as sealing_models
from wellbeing.supervision import models as supervision_models

__all__ = [
    "Base",
    "activity_models",
    "appointment_models",
    "audit_models",
    "auth_models",
    "crisis_models",
    "fact_models",
    "group_models",
    "library_models",
    "notify_models",
    "oncall_models",
    "org_models",
    "referral_models",
    "report_models",
    "scheduler_models",
    "screening_models",
    "sealing_models",
    "supervision_models",
]
