"""Leaders' and supervisors' report pages: dashboard, drill-down, PDF and CSV downloads.

Importing the package registers every view on `bp`.
"""

from wellbeing.web.reports import views  # noqa: F401 - imported to register its routes
from wellbeing.web.reports.views import bp

__all__ = ["bp"]
