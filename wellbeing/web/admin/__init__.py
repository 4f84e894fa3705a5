"""Admin pages for screening: campaigns and their waves, critical incidents and follow-ups.

Importing the package registers every view on `bp`. (The audit log page lives in
`wellbeing.web.admin_audit`.)
"""

from wellbeing.web.admin import (  # noqa: F401 - imported to register their routes
    campaign_views,
    delivery_views,
    incident_views,
)
from wellbeing.web.admin.blueprint import bp

__all__ = ["bp"]
