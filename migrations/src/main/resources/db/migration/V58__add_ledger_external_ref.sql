-- Deposits and withdrawals identified by the integrator's external reference (for example a transaction hash),
-- unique per tenant: a retry without an Idempotency-Key finds the entry it already booked instead of booking again.
-- A new column rather than a constraint on the free-text `reference`, which older rows (and the demo seeder) repeat.
alter table ledger_entry add column external_ref varchar(200);
create unique index ledger_entry_external_ref on ledger_entry (tenant_id, external_ref) where external_ref is not null;
