"""Screening: campaigns, waves, incident follow-ups, assignments, consent, drafts, submissions."""
