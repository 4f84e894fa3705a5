"""Server-rendered pages (Jinja), mobile-first, zh-CN by default; no asset from a CDN."""

from __future__ import annotations

from flask import Flask

from wellbeing.faces.context import init_request_session
from wellbeing.faces.csrf import csrf
from wellbeing.faces.errors import init_errors
from wellbeing.faces.i18n import init_i18n
from wellbeing.web.request_log import init_request_log
from wellbeing.web.security import init_security


def init_web_layer(app: Flask) -> None:
    """Wire sessions, CSRF, language, security hooks, error pages and the page blueprints."""
    from wellbeing.web.admin import bp as admin_bp
    from wellbeing.web.admin_audit import bp as admin_audit_bp
    from wellbeing.web.admin_erasure import bp as admin_erasure_bp
    from wellbeing.web.appointments import bp as appointments_bp
    from wellbeing.web.auth_views import bp as auth_bp
    from wellbeing.web.groups import bp as groups_bp
    from wellbeing.web.health import bp as health_bp
    from wellbeing.web.home import bp as home_bp
    from wellbeing.web.library import bp as library_bp
    from wellbeing.web.mfa_views import bp as mfa_bp
    from wellbeing.web.officer import bp as officer_bp
    from wellbeing.web.officer.talk import bp as talk_bp
    from wellbeing.web.referrals import bp as referrals_bp
    from wellbeing.web.reports import bp as reports_bp
    from wellbeing.web.sso_views import bp as sso_bp

    init_request_log(app)  # first: the request id exists for every later hook
    init_request_session(app)
    csrf.init_app(app)
    init_i18n(app)
    init_security(app)
    init_errors(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(talk_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(admin_audit_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(mfa_bp)
    app.register_blueprint(admin_erasure_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(appointments_bp)
    app.register_blueprint(groups_bp)
