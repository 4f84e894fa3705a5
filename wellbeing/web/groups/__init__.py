"""The group-session pages: the list, one session, sign-up and withdrawal, the staff's form and
attendance. Importing the package registers every view on `bp`."""

from wellbeing.web.groups import feedback_views, staff_views, views  # noqa: F401 - the routes
from wellbeing.web.groups.blueprint import bp

__all__ = ["bp"]
