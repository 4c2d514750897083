-- A payload that cannot be published (not JSON, larger than the broker accepts, an unknown topic) is parked with
-- the reason instead of blocking every row behind it (messaging.OutboxRelay); operators list parked rows with
-- `select id, tenant_id, event_type, parked_reason from outbox_event where parked_at is not null`.
alter table outbox_event add column parked_at timestamptz;
alter table outbox_event add column parked_reason text;
drop index outbox_event_unpublished;
create index outbox_event_unpublished on outbox_event (id) where published_at is null and parked_at is null;
