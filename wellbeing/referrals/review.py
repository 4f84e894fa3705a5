"""Which closed cases a supervisor reviews: by default every urgent one and a fifth of the others.

The choice is made when a case is first closed, by a permuted-block design (as in clinical-trial
randomisation): each stratum's closings (urgent, other) are numbered in order and taken in blocks
of `BLOCK`; block b reviews exactly ⌊(b+1)·share·BLOCK⌋ − ⌊b·share·BLOCK⌋ of its closings, at
positions ranked by a keyed hash (HMAC-SHA256 with the seed) of the stratum, block and position.
So the share reviewed is the configured share to within one case per block boundary — over 1,000
closings within a tenth of a point, never by luck — while which case of a block is chosen cannot
be foreseen without the seed. The seed is secret by default (derived from the service's secret
key); a test fixes it and gets the same choices every time.

A reopened case keeps its number and its choice: closed again, it is listed again if it was
chosen. Two closings racing for the same number are kept apart by a unique constraint and retry.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wellbeing.referrals.models import Referral
from wellbeing.rules import Priority

BLOCK = 20  # closings per block: smaller is tighter, larger hides the pattern better
RETRIES = 5


@dataclass(frozen=True)
class ReviewPolicy:
    """The share of closed cases chosen for review, per stratum, and the seed of the choice."""

    seed: bytes
    urgent_share: float = 1.0
    other_share: float = 0.2

    @staticmethod
    def stratum_of(priority: str) -> str:
        """ "urgent" or "other": the two streams numbered and sampled apart."""
        return "urgent" if priority == Priority.URGENT.value else "other"

    def share_for(self, stratum: str) -> float:
        """The share of a stratum's closed cases that is reviewed."""
        return self.urgent_share if stratum == "urgent" else self.other_share

    def selects(self, stratum: str, number: int) -> bool:
        """Whether the stratum's closing number `number` (0, 1, …) is reviewed."""
        block, position = divmod(number, BLOCK)
        share = self.share_for(stratum)
        quota = math.floor((block + 1) * share * BLOCK) - math.floor(block * share * BLOCK)
        ranked = sorted(range(BLOCK), key=lambda at: self._rank(stratum, block, at))
        return position in ranked[:quota]

    def _rank(self, stratum: str, block: int, position: int) -> bytes:
        message = f"{stratum}:{block}:{position}".encode()
        return hmac.new(self.seed, message, hashlib.sha256).digest()


def review_policy_from(seed: str, secret_key: str, urgent: float, other: float) -> ReviewPolicy:
    """The policy from settings: an empty seed is derived from the secret key."""
    key = seed.encode() if seed else hmac.new(secret_key.encode(), b"review", "sha256").digest()
    return ReviewPolicy(seed=key, urgent_share=urgent, other_share=other)


def mark_for_review(
    session: Session, referral: Referral, policy: ReviewPolicy, now: datetime
) -> bool:
    """At closing: number a first closing in its stratum and draw; a chosen case (now or at an
    earlier closing) is put on the review list as of `now`. Returns whether it was chosen."""
    if referral.review_number is None:
        stratum = ReviewPolicy.stratum_of(referral.priority)
        _number(session, referral, stratum)
        chosen = policy.selects(stratum, referral.review_number or 0)
    else:
        chosen = referral.review_requested_at is not None
    if chosen:
        referral.review_requested_at = now
    return chosen


def _number(session: Session, referral: Referral, stratum: str) -> None:
    last = select(func.max(Referral.review_number)).where(Referral.review_stratum == stratum)
    for _attempt in range(RETRIES):
        taken = session.scalar(last)
        try:
            with session.begin_nested():
                referral.review_stratum = stratum
                referral.review_number = 0 if taken is None else taken + 1
                session.flush()
            return
        except IntegrityError:  # another closing took that number first: take the next
            continue
    raise RuntimeError("could not number the closing for review sampling")
