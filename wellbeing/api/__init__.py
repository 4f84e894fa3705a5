"""The JSON API under /api/v1; Bearer tokens only, so it needs no CSRF token."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register the API blueprints, exempt from CSRF (cookies are ignored on the API)."""
    from wellbeing.api.appointments import bp as appointments_bp
    from wellbeing.api.auth import bp as auth_bp
    from wellbeing.api.body_bounds import init_body_bounds
    from wellbeing.api.crisis import bp as crisis_bp
    from wellbeing.api.deliveries import bp as deliveries_bp
    from wellbeing.api.groups import bp as groups_bp
    from wellbeing.api.library import bp as library_bp
    from wellbeing.api.me_consent import bp as me_consent_bp
    from wellbeing.api.me_drafts import bp as me_drafts_bp
    from wellbeing.api.me_help import bp as me_help_bp
    from wellbeing.api.openapi import init_openapi
    from wellbeing.api.referrals import bp as referrals_bp
    from wellbeing.api.reports import bp as reports_bp
    from wellbeing.api.rosters import bp as rosters_bp
    from wellbeing.api.screening import bp as screening_bp
    from wellbeing.api.supervision import bp as supervision_bp
    from wellbeing.faces.csrf import csrf

    init_body_bounds(app)  # size and nesting of JSON bodies, before any route parses one

    blueprints = [auth_bp, screening_bp, referrals_bp, reports_bp, library_bp, groups_bp]
    blueprints.append(appointments_bp)
    blueprints.append(crisis_bp)
    blueprints.append(supervision_bp)
    blueprints.append(rosters_bp)
    blueprints.append(deliveries_bp)
    blueprints.extend([me_consent_bp, me_drafts_bp, me_help_bp])
    if app.extensions["wellbeing.settings"].bench_baseline:  # bench/submit.py only
        from wellbeing.api.bench import bp as bench_bp

        blueprints.append(bench_bp)
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    init_openapi(app)
