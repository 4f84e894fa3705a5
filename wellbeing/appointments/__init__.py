"""Counselling appointments (心理咨询预约): slots a counsellor publishes, officers' bookings,
cancellation, rescheduling, reminders and the outcome, with booking and session notes sealed."""
