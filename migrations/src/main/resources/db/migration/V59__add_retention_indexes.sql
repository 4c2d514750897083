-- Retention (messaging.Retention): published outbox rows and idempotency records older than their configured
-- retention are deleted in batches; these indexes find them without scanning the tables.
create index outbox_event_published on outbox_event (published_at, id) where published_at is not null;
create index idempotency_record_created on idempotency_record (created_at);
