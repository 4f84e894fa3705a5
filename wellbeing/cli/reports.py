"""`wellbeing reports release|reasons|release-activity|activity-reasons`: release closed waves
and ended activity periods now; read why values are hidden (audited)."""

from __future__ import annotations

import sys

import click

from wellbeing.activity.periods import Period
from wellbeing.cli.common import open_keyring
from wellbeing.core.config import load_settings
from wellbeing.instruments import load_catalogue, questionnaire_dirs
from wellbeing.releases.publish import read_reasons, release_pending_waves
from wellbeing.reports.models import Release
from wellbeing.reports.reasons import Reason, reason_text


@click.group("reports")
def reports_cli() -> None:
    """Release closed waves' unit reports; read why values are hidden (data protection)."""


@reports_cli.command("release")
def release() -> None:
    """Release every closed wave not yet released (what the scheduler does every 2 minutes)."""
    from wellbeing.cli.common import open_database

    open_keyring()
    settings = load_settings()
    k, epsilon = settings.report_min_cell, settings.report_dp_epsilon
    catalogue = load_catalogue(questionnaire_dirs(settings.questionnaire_dirs))
    database = open_database()

    def progress(number: int, of: int, wave_id: int, stored: list[Release]) -> None:
        if number == 1:
            click.echo(f"{of} wave(s) to release")
        names = ", ".join(release.instrument_id for release in stored) or "nothing new"
        click.echo(f"[{number}/{of}] wave {wave_id}: {names}")

    try:
        split = settings.report_staff_split
        if not release_pending_waves(database, catalogue, k, epsilon, progress, staff_split=split):
            click.echo("0 wave(s) to release")
    finally:
        database.engine.dispose()


@reports_cli.command("reasons")
@click.option("--wave", "wave_id", type=int, required=True, help="the wave's id")
@click.option("--instrument", required=True, help="the instrument's id, e.g. phq9")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True)
def reasons(wave_id: int, instrument: str, lang: str) -> None:
    """Why each hidden value of a release is hidden (audited; leaders never see this)."""
    from wellbeing.cli.common import open_database

    open_keyring()
    settings = load_settings()
    database = open_database()
    try:
        with database.transaction() as session:
            found = read_reasons(
                session, wave_id, instrument, settings.report_min_cell, settings.report_dp_epsilon
            )
    finally:
        database.engine.dispose()
    if found is None:
        click.echo(f"error: wave {wave_id} has no released {instrument} report", err=True)
        sys.exit(2)
    for unit, column, why in found:
        click.echo(f"{unit}\t{column}\t{why}\t{reason_text(Reason(why), lang)}")


@reports_cli.command("release-activity")
def release_activity() -> None:
    """Release every ended month, quarter and year of the station's activity not yet released
    (what the scheduler does every hour; a period is released a week after it ends)."""
    from wellbeing.activity.publish import release_pending_periods
    from wellbeing.cli.common import open_database

    open_keyring()
    k = load_settings().report_min_cell
    database = open_database()

    def progress(number: int, of: int, period: Period, stored: object) -> None:
        if number == 1:
            click.echo(f"{of} period(s) to release")
        state = "released" if stored is not None else "waiting for the periods inside it"
        click.echo(f"[{number}/{of}] {period.key}: {state}")

    try:
        if not release_pending_periods(database, k, progress):
            click.echo("0 period(s) to release")
    finally:
        database.engine.dispose()


@reports_cli.command("activity-reasons")
@click.option("--period", "key", required=True, help="2026-03, 2026-Q1 or 2026")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True)
def activity_reasons(key: str, lang: str) -> None:
    """Why each hidden activity figure of a period is hidden (audited; leaders never see this)."""
    from wellbeing.activity.periods import PeriodError, period_of_key
    from wellbeing.activity.publish import read_activity_reasons
    from wellbeing.cli.common import open_database

    try:
        period = period_of_key(key)
    except PeriodError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    open_keyring()
    k = load_settings().report_min_cell
    database = open_database()
    try:
        with database.transaction() as session:
            found = read_activity_reasons(session, period, k)
    finally:
        database.engine.dispose()
    if found is None:
        click.echo(f"error: {key} has no released activity report", err=True)
        sys.exit(2)
    for unit, column, why in found:
        click.echo(f"{unit}\t{column}\t{why}\t{reason_text(Reason(why), lang)}")
