"""The on-call roster (值班): who is woken for an urgent referral outside office hours.

`hours` (wall-clock arithmetic, office hours; pure), `policy` (time zone, office hours, delay, from
the settings), `models`, `roster` (who is on call when; holes), `input` (reading a roster as sent),
`service` (the only writer, audited), `routing` (`route_urgent`, `escalate_due`), `reading` (what
pages show), `jobs` (`oncall.escalate`).
"""
