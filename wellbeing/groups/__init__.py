"""Group sessions (心理团辅): sessions for a unit subtree, sign-ups, a waiting list, attendance."""
