-- Isolated margin pools (issue 12): collateral of an ISOLATED account allocated to its position in one instrument.
-- A pool is (account, instrument); its equity is this collateral plus that position's unrealized P&L, and it is
-- margined on its own. Collateral moves between the account's cross pool (table balance) and a pool only by
-- transfers, booked in the ledger as two TRANSFER entries (out of one pool, into the other).
create table isolated_balance (
    tenant_id      uuid            not null references tenant (id),
    account_id     uuid            not null,
    instrument_id  uuid            not null,
    asset_id       uuid            not null,
    amount         numeric(38, 18) not null check (amount >= 0),
    updated_at     timestamptz     not null default now(),
    primary key (tenant_id, account_id, instrument_id, asset_id),
    foreign key (tenant_id, account_id) references account (tenant_id, id),
    foreign key (tenant_id, instrument_id) references instrument (tenant_id, id),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

-- The pool a ledger entry books: null for the cross pool (every entry before this migration), else the isolated
-- pool of that instrument. balance_after is that pool's balance of the asset after the entry.
alter table ledger_entry add column instrument_id uuid;
alter table ledger_entry add constraint ledger_entry_pool_fk foreign key (tenant_id, instrument_id)
    references instrument (tenant_id, id);
alter table ledger_entry drop constraint ledger_entry_kind_check;
alter table ledger_entry add constraint ledger_entry_kind_check
    check (kind in ('DEPOSIT', 'WITHDRAWAL', 'SYNC_ADJUSTMENT', 'TRANSFER'));
