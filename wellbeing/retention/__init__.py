"""Retention and erasure: how long clinical records are kept, and erasure on request."""
