"""The demo's screening history and the releases of its closed waves: what `wellbeing demo`
builds once the organisation is there, and what a test builds the same way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from wellbeing.core.config import Settings
from wellbeing.demo.screening import create_demo_screenings
from wellbeing.referrals.review import ReviewPolicy
from wellbeing.releases.publish import publish_closed_wave, waves_to_release
from wellbeing.screening.policy import ScreeningPolicy


def create_demo_history(
    session: Session, settings: Settings, policy: ScreeningPolicy, now: datetime
) -> bool:
    """Waves, submissions and casework up to `now` (sealed with the active keyring), then the
    releases of the closed waves (what the release job would store within minutes of a wave
    closing); False when the history was there already."""
    # The instance's shares of closed cases reviewed, drawn with the demo's own seed: the same
    # cases wait for review on every instance (the secret key would draw others each time).
    review = ReviewPolicy(
        seed=b"wellbeing-demo",
        urgent_share=settings.review_share_urgent,
        other_share=settings.review_share_other,
    )
    created = create_demo_screenings(session, policy, now, review)
    k, epsilon = settings.report_min_cell, settings.report_dp_epsilon
    for wave_id in waves_to_release(session, policy.catalogue, k, epsilon):
        publish_closed_wave(
            session, policy.catalogue, wave_id, k, epsilon, staff_split=settings.report_staff_split
        )
    return created
