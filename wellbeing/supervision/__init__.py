"""Supervision (督导): reviews of closed cases and the counsellors' case-load figures."""
