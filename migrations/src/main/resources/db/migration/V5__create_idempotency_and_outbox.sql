-- Idempotency records: the first answer to a write, keyed per tenant, stored in the write's own transaction.
create table idempotency_record (
    tenant_id     uuid         not null references tenant (id),
    idem_key      varchar(200) not null,
    request_hash  varchar(64)  not null,
    status        integer      not null,
    response_body text         not null,
    created_at    timestamptz  not null default now(),
    primary key (tenant_id, idem_key)
);

-- Transactional outbox: rows written in the same transaction as the change, relayed to Kafka by the service.
create table outbox_event (
    id             bigserial    primary key,
    tenant_id      uuid         not null,
    aggregate_type varchar(32)  not null,
    aggregate_id   varchar(64)  not null,
    event_type     varchar(64)  not null,
    payload        text         not null,
    created_at     timestamptz  not null default now(),
    published_at   timestamptz
);
create index outbox_event_unpublished on outbox_event (id) where published_at is null;
