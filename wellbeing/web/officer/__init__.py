"""The officer's pages: consent, questionnaires, review and submit, results, history, export.

Importing the package registers every view on `bp`.
"""

from wellbeing.web.officer import (  # noqa: F401 - imported to register their routes
    consent_views,
    export_views,
    outreach_views,
    questionnaire,
    reshow,
    result_views,
    safety_plan,
    submit_views,
    wechat,
)
from wellbeing.web.officer.blueprint import bp

__all__ = ["bp"]
