"""Demo data for `wellbeing demo`: a bureau, its people and roles, and screening history."""
