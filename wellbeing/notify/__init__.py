"""Notifications: a transactional outbox (`service.enqueue`), its delivery job, channel adapters
(log, SMTP, 企业微信, SMS, webhook; `adapters`) and the delivery log (`deliveries`)."""
