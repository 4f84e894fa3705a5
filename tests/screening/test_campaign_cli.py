"""`wellbeing campaigns create|close` and `wellbeing incidents create` leave the same audit entries
as the admin pages (issue 15): the services record them, with no acting user — the operator at
the command line is the system account, as for `wellbeing keys`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry
from wellbeing.cli import cli
from wellbeing.crypto import dump_keyring, new_keyring
from wellbeing.org import service as org_service
from wellbeing.sealing.columns import set_active_keyring


@pytest.fixture
def cli_engine(scratch_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A migrated database the command is pointed at: ST1 with two officers; the command finds
    the keyring where an operator's would, not in this test process."""
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("WELLBEING_KEYRING", dump_keyring(new_keyring()))
    set_active_keyring(None)  # what an earlier test left loaded (restored after this one)
    url = scratch_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("WELLBEING_DATABASE_URL", url)
    with Session(scratch_engine) as session, session.begin():
        org_service.add_unit(session, "ST1", "所", "Station")
        for username in ("off-a", "off-b"):
            grants = [org_service.parse_grant("officer")]
            org_service.add_user(session, username, unit_code="ST1", grants=grants)
    return scratch_engine


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _entries(engine: Engine, action: str) -> list[AuditEntry]:
    with Session(engine) as session:
        found = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(found)


CREATE = (
    "campaigns", "create", "--name", "季度筛查", "--unit", "ST1", "--instruments", "phq9,gad7",
    "--opens", "2030-01-05", "--closes", "2030-01-19", "--every", "3mo",
)  # fmt: skip


def test_creating_and_closing_a_campaign_are_audited(cli_engine: Engine) -> None:
    code, out = _run(*CREATE)
    assert code == 0, out
    campaign_id = out.split()[2].rstrip(":")
    [created] = _entries(cli_engine, "campaign.created")
    assert (created.actor_id, created.actor_name) == (None, None)
    assert (created.target_type, created.target_id) == ("campaign", campaign_id)
    assert created.detail == {"unit": "ST1", "instruments": "phq9,gad7", "every_months": 3}
    assert _entries(cli_engine, "campaign.closed") == []

    code, out = _run("campaigns", "close", campaign_id)
    assert (code, out) == (0, f"closed campaign {campaign_id}\n")
    [closed] = _entries(cli_engine, "campaign.closed")
    assert (closed.actor_id, closed.target_type, closed.target_id) == (
        None,
        "campaign",
        campaign_id,
    )
    assert closed.id > created.id

    assert _run("campaigns", "close", campaign_id)[0] == 0  # already closed: nothing to record
    assert len(_entries(cli_engine, "campaign.closed")) == 1
    code, out = _run("audit", "verify")
    assert code == 0, out


def test_a_refused_campaign_or_close_records_nothing(cli_engine: Engine) -> None:
    code, out = _run(*[("NOWHERE" if part == "ST1" else part) for part in CREATE])
    assert code == 2
    assert "unit NOWHERE does not exist" in out
    assert _run("campaigns", "close", "99999")[0] == 2
    assert _entries(cli_engine, "campaign.created") == []
    assert _entries(cli_engine, "campaign.closed") == []


def test_recording_an_incident_is_audited(cli_engine: Engine) -> None:
    code, out = _run(
        "incidents", "create", "--date", "2030-02-01", "--description", "处置突发事件",
        "--unit", "ST1", "--officers", "off-a,off-b,off-a",
    )  # fmt: skip
    assert code == 0, out
    incident_id = out.split()[2].rstrip(";")
    [entry] = _entries(cli_engine, "incident.created")
    assert (entry.actor_id, entry.actor_name) == (None, None)
    assert (entry.target_type, entry.target_id) == ("incident", incident_id)
    assert entry.detail == {"unit": "ST1", "officers": 2}


def test_an_incident_without_the_keyring_is_refused_cleanly(
    cli_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its outreach tasks carry sealed reasons: no keyring, a clear message and nothing written
    (it used to fail with a traceback, exit 1, when no earlier work in the process had loaded
    one)."""
    monkeypatch.delenv("WELLBEING_KEYRING")
    code, out = _run(
        "incidents", "create", "--date", "2030-02-01", "--description", "处置突发事件",
        "--unit", "ST1", "--officers", "off-a",
    )  # fmt: skip
    assert code == 2
    assert out.startswith("error: ")
    assert "keyring" in out
    assert _entries(cli_engine, "incident.created") == []
