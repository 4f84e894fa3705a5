"""What the activity report counts (pure): its columns, in the order every output shows them.

Each count is attributed to a unit: a counselling session and a group attendance to the
officer's unit, a referral to the unit it was opened for, a group session to the unit it was
held for, an article read to the reader's unit (the library keeps only that count).
"""

from __future__ import annotations

from wellbeing.referrals.models import Outcome
from wellbeing.reports.activity import Column, Partition

CLOSED_BY_OUTCOME = tuple(f"referrals_closed_{outcome.value}" for outcome in Outcome)

COLUMNS: tuple[Column, ...] = (
    Column("counselling_sessions"),
    Column("people_counselled", additive=False),  # each person once per period
    Column("group_sessions", people=False),  # held for a unit, announced to all of it
    Column("group_attendance"),
    Column("referrals_opened"),
    Column("crisis_referrals"),
    Column("referrals_not_crisis", published=False),  # opened minus crisis: never shown
    Column("referrals_closed"),
    *(Column(name) for name in CLOSED_BY_OUTCOME),
    Column("articles_read"),
)

PARTITIONS: tuple[Partition, ...] = (
    # "every referral opened here was a crisis" must never follow from the figures
    Partition(
        "referrals_opened", ("crisis_referrals", "referrals_not_crisis"), ("crisis_referrals",)
    ),
    # "every referral here closed the same way" neither (the screening reports' one band)
    Partition("referrals_closed", CLOSED_BY_OUTCOME, CLOSED_BY_OUTCOME),
)

MEDIAN = "median_hours_to_first_contact"  # over referrals opened in the period and contacted

MEASURES: tuple[str, ...] = (
    *(column.name for column in COLUMNS if column.published),
    MEDIAN,
)
