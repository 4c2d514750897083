-- Accounts, the append-only collateral ledger, balances per account and asset, positions.
create table account (
    id           uuid         not null primary key,
    tenant_id    uuid         not null references tenant (id),
    external_id  varchar(200) not null,
    margin_mode  varchar(16)  not null check (margin_mode in ('ISOLATED', 'CROSS', 'PORTFOLIO')),
    status       varchar(16)  not null check (status in ('ACTIVE', 'SUSPENDED', 'CLOSED')),
    version      bigint       not null default 0,
    created_at   timestamptz  not null default now(),
    updated_at   timestamptz  not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, external_id)
);

-- Append-only: an amount is signed (deposit > 0, withdrawal < 0, sync adjustment either sign).
create table ledger_entry (
    id             uuid            not null primary key,
    tenant_id      uuid            not null references tenant (id),
    account_id     uuid            not null,
    asset_id       uuid            not null,
    kind           varchar(24)     not null check (kind in ('DEPOSIT', 'WITHDRAWAL', 'SYNC_ADJUSTMENT')),
    amount         numeric(38, 18) not null check (amount <> 0),
    balance_after  numeric(38, 18) not null check (balance_after >= 0),
    reference      varchar(200),
    created_at     timestamptz     not null default clock_timestamp(),
    foreign key (tenant_id, account_id) references account (tenant_id, id),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index ledger_entry_account on ledger_entry (tenant_id, account_id, created_at);

create function ledger_entry_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ledger_entry is append-only';
end;
$$;
create trigger ledger_entry_no_update before update or delete on ledger_entry
    for each row execute function ledger_entry_is_append_only();

create table balance (
    tenant_id   uuid            not null references tenant (id),
    account_id  uuid            not null,
    asset_id    uuid            not null,
    amount      numeric(38, 18) not null check (amount >= 0),
    updated_at  timestamptz     not null default now(),
    primary key (tenant_id, account_id, asset_id),
    foreign key (tenant_id, account_id) references account (tenant_id, id),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

create table position (
    tenant_id      uuid            not null references tenant (id),
    account_id     uuid            not null,
    instrument_id  uuid            not null,
    quantity       numeric(38, 18) not null,
    entry_price    numeric(38, 18) not null check (entry_price >= 0),
    updated_at     timestamptz     not null default now(),
    primary key (tenant_id, account_id, instrument_id),
    foreign key (tenant_id, account_id) references account (tenant_id, id),
    foreign key (tenant_id, instrument_id) references instrument (tenant_id, id)
);
