"""`wellbeing campaigns …` and `wellbeing incidents …`.

Creating and closing a campaign and recording an incident are audited by the services, with no
acting user: the operator at the command line is the system account (as for `wellbeing keys`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import click

from wellbeing.cli.common import open_keyring, transaction
from wellbeing.core.config import load_settings
from wellbeing.instruments import Catalogue, load_catalogue, questionnaire_dirs
from wellbeing.screening import campaigns as campaign_service
from wellbeing.screening.errors import ScreeningError
from wellbeing.screening.overview import list_campaigns
from wellbeing.screening.policy import deadlines_from


def _catalogue() -> Catalogue:
    return load_catalogue(questionnaire_dirs(load_settings().questionnaire_dirs))


def parse_moment(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_every(text: str | None) -> int | None:
    """`3mo` (or `3`) → 3 months; `1y` → 12."""
    if not text:
        return None
    match = re.fullmatch(r"(\d+)\s*(mo|m|y)?", text.strip())
    if not match:
        raise click.BadParameter(f"{text!r}: use a number of months like 3mo, or years like 1y")
    count = int(match.group(1))
    return count * 12 if match.group(2) == "y" else count


@click.group()
def campaigns() -> None:
    """Screening campaigns and their waves."""


@campaigns.command("create")
@click.option("--name", required=True)
@click.option("--unit", "unit_code", required=True, help="scope: this unit and all below it")
@click.option("--instruments", required=True, help="comma-separated ids, e.g. phq9,gad7")
@click.option("--opens", required=True, help="ISO date-time of the first wave's opening")
@click.option("--closes", required=True, help="ISO date-time of the first wave's closing")
@click.option("--every", help="repeat: 3mo for quarterly, 1y for yearly")
@click.option(
    "--staff-category",
    help="invite only this category: police (民警) or auxiliary (辅警); default everyone",
)
def campaigns_create(
    name: str,
    unit_code: str,
    instruments: str,
    opens: str,
    closes: str,
    every: str | None,
    staff_category: str | None,
) -> None:
    """Create a campaign (and its first wave)."""
    with transaction(ScreeningError) as session:
        campaign = campaign_service.create_campaign(
            session,
            _catalogue(),
            name=name,
            unit_code=unit_code,
            instruments=[i.strip() for i in instruments.split(",") if i.strip()],
            opens_at=parse_moment(opens),
            closes_at=parse_moment(closes),
            every_months=parse_every(every),
            staff_category=staff_category,
        )
        click.echo(f"created campaign {campaign.id}: {campaign.name}")


@campaigns.command("list")
def campaigns_list() -> None:
    """List campaigns with their waves."""
    with transaction(ScreeningError) as session:
        for campaign in reversed(list_campaigns(session)):  # oldest first
            state = "closed" if campaign.closed else "active"
            every = f", every {campaign.every_months} mo" if campaign.every_months else ""
            click.echo(
                f"{campaign.id}\t{campaign.name}\t{campaign.unit.code}\t"
                f"{','.join(campaign.instruments)}\t{state}{every}"
            )
            for wave in campaign.waves:
                click.echo(
                    f"\twave {wave.seq}\t{wave.state}\t{wave.opens_at:%Y-%m-%d %H:%M}"
                    f" → {wave.closes_at:%Y-%m-%d %H:%M}"
                )


@campaigns.command("close")
@click.argument("campaign_id", type=int)
def campaigns_close(campaign_id: int) -> None:
    """Close a campaign now: its open wave closes and no new wave is created."""
    with transaction(ScreeningError) as session:
        campaign = campaign_service.close_campaign(session, campaign_id)
        click.echo(f"closed campaign {campaign.id}")


@click.group()
def incidents() -> None:
    """Critical incidents and their follow-up screenings (战时心理服务)."""


@incidents.command("create")
@click.option("--date", "occurred", required=True, help="ISO date of the incident")
@click.option("--description", required=True, help="a short, non-clinical description")
@click.option("--unit", "unit_code", required=True)
@click.option("--officers", required=True, help="comma-separated usernames of those involved")
@click.option("--schedule", default="", help="e.g. 3:pcptsd5+phq9,30:pcl5+phq9 (default)")
def incidents_create(
    occurred: str, description: str, unit_code: str, officers: str, schedule: str
) -> None:
    """Record an incident and schedule follow-up screenings."""
    try:
        occurred_on = date.fromisoformat(occurred)
    except ValueError:
        raise click.BadParameter(f"{occurred!r} is not an ISO date", param_hint="--date") from None
    open_keyring()  # the outreach tasks it opens carry sealed reasons
    with transaction(ScreeningError) as session:
        incident = campaign_service.create_incident(
            session,
            _catalogue(),
            occurred_on=occurred_on,
            description=description,
            unit_code=unit_code,
            officers=officers.split(","),
            schedule=campaign_service.parse_schedule(schedule),
            deadlines=deadlines_from(load_settings()),
        )
        click.echo(f"recorded incident {incident.id}; follow-ups scheduled")
