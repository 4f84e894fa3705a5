"""The station's activity report: what it did per unit subtree and calendar period, as anonymous
counts with the screening reports' disclosure control, released once per period and stored."""
