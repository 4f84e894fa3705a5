"""One Priority for rules and referrals; the referral table keeps the values it always stored."""

from __future__ import annotations

from wellbeing.referrals.models import queue_rank
from wellbeing.rules import Priority, max_priority


def test_the_queue_stores_the_same_values_as_before_the_merge() -> None:
    stored = [(priority.value, queue_rank(priority)) for priority in Priority]
    assert sorted(stored, key=lambda pair: pair[1]) == [("urgent", 0), ("high", 1), ("routine", 2)]


def test_the_queue_order_and_the_rules_order_agree() -> None:
    for a in Priority:
        for b in Priority:
            higher = max_priority(a, b)
            assert higher is not None
            assert queue_rank(higher) == min(queue_rank(a), queue_rank(b))
