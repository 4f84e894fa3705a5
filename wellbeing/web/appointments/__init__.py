"""The appointment pages: an officer's bookings and open times, a counsellor's calendar, the
slot form and the outcome. Importing the package registers every view on `bp`."""

from wellbeing.web.appointments import calendar_views, officer_views  # noqa: F401 - routes
from wellbeing.web.appointments.blueprint import bp

__all__ = ["bp"]
