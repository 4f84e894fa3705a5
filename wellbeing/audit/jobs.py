"""Scheduled audit work: link staged entries into the chain, sign the log's head, and copy every
signed head to the checkpoint log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from wellbeing.audit.heads import (
    append_to_log,
    checkpoint_log_path,
    newest_table_seq,
    read_log,
    record_checkpoint,
    table_heads,
    unlogged,
)
from wellbeing.audit.models import HEAD_ID, AuditHead
from wellbeing.audit.sequencer import link_all, link_committed, oldest_unlinked
from wellbeing.core.db import set_reading
from wellbeing.crypto import load_audit_signing_key
from wellbeing.scheduler.job import Every, Job, JobContext
from wellbeing.sealing.columns import active_keyring

CHECKPOINT_EVERY = timedelta(minutes=15)
LINK_EVERY = timedelta(seconds=5)


def link_staged(ctx: JobContext) -> int:
    """Link every committed unlinked entry into the chain; return how many.

    First a read (one row of the partial index of unlinked entries): an idle service does not
    take the head, nor on SQLite the write lock, every five seconds for nothing.
    """
    with ctx.database.session_factory() as session:
        set_reading(session, ctx.database.guard)
        with session.begin():
            if oldest_unlinked(session) is None:
                return 0
    return link_committed(ctx.database.transaction)


def sign_audit_head(ctx: JobContext) -> None:
    """Sign the head when it moved since the newest checkpoint, then bring the log file level.

    The file is written only after the transaction committed, so it never holds a checkpoint
    of entries that were rolled back. Checkpoints made at releases and key operations reach
    the file here too (idempotent: a line already in the file is not written again).
    """
    key = load_audit_signing_key(active_keyring())  # no key: the job fails, visibly
    path = checkpoint_log_path(ctx.settings.instance_path)
    logged = read_log(path)
    since = max((head.checkpoint.seq for head in logged), default=0)
    with ctx.database.transaction() as session:
        link_all(session)  # what waits is signed now, not 15 minutes later
        head_seq = session.scalar(select(AuditHead.seq).where(AuditHead.id == HEAD_ID))
        newest = newest_table_seq(session)
        if head_seq is not None and (newest is None or head_seq > newest):
            record_checkpoint(session, key, "schedule")
        stored = table_heads(session, since_seq=since)
    append_to_log(path, list(unlogged(stored, logged, key.public_key())))


JOBS = (
    Job("audit.link", Every(LINK_EVERY), link_staged),
    Job("audit.checkpoint", Every(CHECKPOINT_EVERY), sign_audit_head),
)
