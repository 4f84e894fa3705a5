"""`wellbeing demo` and `wellbeing serve`."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask
from sqlalchemy.orm import Session

from wellbeing.audit.sequencer import link_committed
from wellbeing.cli.common import open_database
from wellbeing.core.bootstrap import initialise
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.crypto import select_provider
from wellbeing.demo.services import create_demo_services
from wellbeing.screening.policy import load_policy
from wellbeing.sealing.columns import live_keyring, set_active_keyring


def create_demo_history(session: Session) -> bool:
    """The demo's waves, submissions and casework, sealed with the instance's keyring, and the
    releases of its closed waves (`wellbeing.demo.history`)."""
    from wellbeing.demo.history import create_demo_history as create

    settings = load_settings()
    set_active_keyring(select_provider(settings.effective_keyring_path).load())
    return create(session, settings, load_policy(settings), utcnow())


def release_demo_activity(session: Session) -> int:
    """Release every ended period of the demo's activity (what the activity job would store
    within the hour); how many were released."""
    from wellbeing.activity.publish import periods_to_release, publish_period

    settings = load_settings()
    set_active_keyring(select_provider(settings.effective_keyring_path).load())
    k = settings.report_min_cell
    pending = periods_to_release(session, k, utcnow().date())
    return sum(publish_period(session, period, k) is not None for period in pending)


@click.command()
@click.option("--serve", "then_serve", is_flag=True, help="start the service afterwards")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(then_serve: bool, host: str, port: int) -> None:
    """Create (idempotently) the demo organisation and print each role's login."""
    from wellbeing.demo.organisation import DEMO_PASSWORD, create_demo_organisation

    for line in initialise(load_settings()):
        click.echo(line)
    database = open_database()
    with database.transaction() as session:
        logins = create_demo_organisation(session)
    click.echo("demo history: three quarterly waves and the casework they caused, up to now …")
    with database.transaction() as session:
        created = create_demo_history(session)
    click.echo(
        "  created" if created else "  already present (its dates are those of its first run)"
    )
    click.echo("demo station services: counselling slots, group sessions, library …")
    with database.transaction() as session:
        created = create_demo_services(session, utcnow())
    click.echo("  created" if created else "  already present")
    with database.transaction() as session:
        released = release_demo_activity(session)
    click.echo(f"  activity periods released: {released}")
    linked = link_committed(database.transaction)  # the demo's past starts chained
    click.echo(f"audit entries linked: {linked}")
    database.engine.dispose()
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        scope = f" (scope {login.scope})" if login.scope else ""
        click.echo(f"  {login.role:<11} {login.username}{scope}")
    if then_serve:
        os.environ["WELLBEING_DEMO"] = "1"  # local HTTP: cookies without the Secure flag
        run_server(host, port, workers=1, dev=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="worker processes")
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=int,
    help="threads per worker (above 1: gunicorn's gthread worker)",
)
@click.option("--dev", is_flag=True, help="Flask's development server (never in production)")
def serve(host: str, port: int, workers: int, threads: int, dev: bool) -> None:
    """Serve the web app and API with gunicorn (JSON logs on standard error)."""
    run_server(host, port, workers, dev, threads=threads)


def run_server(host: str, port: int, workers: int, dev: bool, *, threads: int = 1) -> None:
    """Start gunicorn (or the development server) with the app built from the environment."""
    from wellbeing.app import create_app
    from wellbeing.core.logs import configure_logging, gunicorn_log_config
    from wellbeing.scheduler.embedded import EmbeddedScheduler

    configure_logging()
    jobs = EmbeddedScheduler(load_settings())  # embedded mode: one scheduler process beside us
    if dev:
        jobs.start()
        try:
            create_app().run(host=host, port=port, debug=False)
        finally:
            jobs.stop()
        return
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)  # gunicorn picks gthread for more than one
            self.cfg.set("accesslog", None)  # the app logs each request, without query strings
            self.cfg.set("logconfig_dict", gunicorn_log_config())
            self.cfg.set("graceful_timeout", 20)
            # X-Forwarded-* is read in one place: the app's ProxyFix, and only with
            # WELLBEING_PROXY_COUNT set. Gunicorn trusts nobody's forwarded headers (its default
            # trusts 127.0.0.1, which let a forged X-Forwarded-Proto mark a request secure).
            self.cfg.set("forwarded_allow_ips", "")
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 24+: one shared path
                self.cfg.set("control_socket_disable", True)
            self.cfg.set("when_ready", jobs.start)  # a child process of the master
            # A new worker inherits the master's keyring as its last good one: keep it fresh.
            self.cfg.set("pre_fork", _refresh_keyring)
            self.cfg.set("on_exit", jobs.stop)

        def load(self) -> Flask:
            return create_app()

    create_app()  # fail fast (missing key, bad settings) before forking workers
    click.echo(f"serving on http://{host}:{port}")
    _Gunicorn().run()


def _refresh_keyring(_server: Any, _worker: Any) -> None:
    """Re-read the master's keyring before forking a worker (a failure keeps the last good)."""
    live = live_keyring()
    if live is not None:
        live.reload()
