-- Expiry settlement (issue 12, docs/margin.md "Expiry and settlement"): at expiry, positions in a dated future or an
-- option are settled at a settlement price, their P&L booked to the ledger as SETTLEMENT entries, the positions
-- closed and the isolated pools of the instrument released into the cross pool, in one transaction per instrument.

alter table ledger_entry drop constraint ledger_entry_kind_check;
alter table ledger_entry add constraint ledger_entry_kind_check
    check (kind in ('DEPOSIT', 'WITHDRAWAL', 'SYNC_ADJUSTMENT', 'TRANSFER', 'SETTLEMENT'));

-- The settlement price method, a governed risk setting (per tenant, or per underlying = per market): 0 = the index
-- in force at expiry; n > 0 = the time-weighted average of the index over the last n minutes before expiry
-- (Deribit: 30). Existing rows take Deribit's 30 minutes.
alter table risk_settings add column settlement_twap_minutes integer not null default 30
    check (settlement_twap_minutes between 0 and 1440);

-- One row per settled instrument: written in the settlement's transaction, so its presence means "settled once".
create table instrument_settlement (
    tenant_id             uuid            not null references tenant (id),
    instrument_id         uuid            not null,
    twap_minutes          integer         not null check (twap_minutes >= 0),
    settlement_price_usd  numeric(38, 18) not null check (settlement_price_usd > 0),
    observations          integer         not null check (observations > 0),
    positions             integer         not null check (positions >= 0),
    expiry                timestamptz     not null,
    settled_at            timestamptz     not null default clock_timestamp(),
    primary key (tenant_id, instrument_id),
    foreign key (tenant_id, instrument_id) references instrument (tenant_id, id)
);

-- One row per settled position: the full P&L (amount, in the settlement asset, signed), what the pool's balance
-- paid or received (booked, the ledger entry's amount) and what it could not pay (shortfall >= 0).
create table settlement_entry (
    id                    uuid            not null primary key,
    tenant_id             uuid            not null references tenant (id),
    instrument_id         uuid            not null,
    account_id            uuid            not null,
    asset_id              uuid            not null,
    isolated              boolean         not null,
    quantity              numeric(38, 18) not null check (quantity <> 0),
    entry_price           numeric(38, 18) not null,
    settlement_value_usd  numeric(38, 18) not null check (settlement_value_usd >= 0),
    amount                numeric(38, 18) not null,
    booked                numeric(38, 18) not null,
    shortfall             numeric(38, 18) not null check (shortfall >= 0),
    ledger_entry_id       uuid,
    created_at            timestamptz     not null default clock_timestamp(),
    foreign key (tenant_id, instrument_id) references instrument_settlement (tenant_id, instrument_id),
    foreign key (tenant_id, account_id) references account (tenant_id, id),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index settlement_entry_instrument on settlement_entry (tenant_id, instrument_id);

create function settlement_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger instrument_settlement_no_update before update or delete on instrument_settlement
    for each row execute function settlement_is_append_only();
create trigger settlement_entry_no_update before update or delete on settlement_entry
    for each row execute function settlement_is_append_only();
revoke update, delete, truncate on table instrument_settlement from ballast_app;
revoke update, delete, truncate on table settlement_entry from ballast_app;

-- Row-level security, the two policies of V51.
alter table instrument_settlement enable row level security;
create policy tenant_isolation on instrument_settlement
    using (tenant_id = nullif(current_setting('ballast.tenant_id', true), '')::uuid);
create policy platform_work on instrument_settlement
    using (current_setting('ballast.platform', true) = 'on');
alter table settlement_entry enable row level security;
create policy tenant_isolation on settlement_entry
    using (tenant_id = nullif(current_setting('ballast.tenant_id', true), '')::uuid);
create policy platform_work on settlement_entry
    using (current_setting('ballast.platform', true) = 'on');
