"""Notifications: a transactional outbox (`service.enqueue`) and its delivery job with adapters."""
