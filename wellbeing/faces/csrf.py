"""The one CSRF guard of the app: pages use it, the API exempts its token-authenticated routes."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
