"""Unit reports for leaders: aggregation, disclosure control, stored releases; never a key."""
