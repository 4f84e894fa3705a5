"""Real fakes of external systems: small HTTP servers on 127.0.0.1 that tests start."""
