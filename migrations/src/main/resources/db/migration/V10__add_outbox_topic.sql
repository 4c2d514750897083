-- Each outbox row names the Kafka topic it is published to (ballast.events for ledger changes; ballast.parameters,
-- ballast.governance and ballast.margin-events for the capabilities that publish there). The key stays the tenant id.
alter table outbox_event add column topic varchar(100) not null default 'ballast.events';
