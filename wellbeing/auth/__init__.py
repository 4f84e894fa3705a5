"""Sign-in, sessions, API tokens, throttling and access rules."""
