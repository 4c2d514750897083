-- A relay records, in its own committed statement, which outbox rows it is about to send, before it sends them; the
-- mark that they were published commits later with the claim. If the instance dies (or the pass fails) in between,
-- these attempt rows survive while the outbox rows are unpublished again, so the next relay, on any instance, knows
-- the rows may already be on their topic and looks them up there before sending (OutboxRelay, OutboxReconciler).
-- No foreign key: the outbox rows are locked FOR UPDATE by the claiming transaction while this row is written from
-- another connection, and a foreign-key check would wait for that lock.
create table outbox_attempt (
    outbox_id    bigint      primary key,
    attempted_at timestamptz not null default now()
);
