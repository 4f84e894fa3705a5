"""Scheduled work: job declarations, the single-active-scheduler lease, and the APScheduler runner.

Domains declare jobs with `scheduler.job` (no app imports beyond settings and the database);
`wellbeing/app/jobs.py` collects them; `scheduler.runner` runs them under a lease.
"""
