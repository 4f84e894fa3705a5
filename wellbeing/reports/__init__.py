"""Anonymised unit reports for leaders: de-identified facts, aggregation, disclosure control."""
