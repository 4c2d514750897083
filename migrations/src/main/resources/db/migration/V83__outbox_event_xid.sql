-- The transaction that wrote each outbox row (its xid8). A hot book read in one snapshot skips a change event that
-- would rebuild it only when that snapshot saw the event's transaction (docs/architecture.md, "What reaches a tenant
-- during a build"): an outbox id is taken at insert and becomes visible at commit, so an id below the highest one a
-- read includes can belong to a transaction that was still open when the read was made.
-- No default on the existing rows (no rewrite of the table): their relay falls back to the id.
alter table outbox_event add column xid xid8;
alter table outbox_event alter column xid set default pg_current_xact_id();
