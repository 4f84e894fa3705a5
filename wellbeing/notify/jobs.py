"""Scheduled notification work: deliver due outbox messages; purge long-delivered ones."""

from __future__ import annotations

from datetime import timedelta

from wellbeing.notify.adapters import make_adapter
from wellbeing.notify.render import parse_channels
from wellbeing.notify.service import Rendering, deliver_pending, purge_sent
from wellbeing.scheduler.job import Cron, Every, Job, JobContext

KEEP_SENT = timedelta(days=30)
BATCH = 100
MAX_BATCHES = 10


def deliver_outbox(ctx: JobContext) -> None:
    """Deliver every due message, batch after batch, with the configured adapter."""
    settings = ctx.settings
    rendering = Rendering(parse_channels(settings.notify_channels), settings.default_locale)
    adapter = make_adapter(settings)
    try:
        for _ in range(MAX_BATCHES):  # the rest waits for the next run, so a run stays short
            if not deliver_pending(ctx.session_factory, adapter, ctx.utcnow(), BATCH, rendering):
                return
    finally:
        adapter.close()


def purge_outbox(ctx: JobContext) -> None:
    """Delete messages delivered more than KEEP_SENT ago."""
    with ctx.database.transaction() as session:
        purge_sent(session, ctx.utcnow() - KEEP_SENT)


JOBS = (
    Job("notify.deliver", Every(timedelta(seconds=30)), deliver_outbox),
    Job("notify.purge", Cron(hour="3", minute="40"), purge_outbox),
)
