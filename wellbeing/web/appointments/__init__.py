"""The appointment pages: an officer's bookings and open times, a counsellor's calendar, the
slot form, moving a booking and the outcome. Importing the package registers every view on
`bp`."""

from wellbeing.web.appointments import (  # noqa: F401 - imported to register their routes
    calendar_views,
    move_views,
    officer_views,
)
from wellbeing.web.appointments.blueprint import bp

__all__ = ["bp"]
