-- Live loop (issue 9): guarded oracle prices, an O(1) latest-price table and the stored margin state of accounts.

-- Who produced a market_price row: 'tenant' (PUT /api/v1/market/prices) or 'oracle' (the median index of a tenant's
-- oracle sources, computed from ticks on ballast.prices).
alter table market_price add column source text not null default 'tenant';

-- V6 named its history index market_price_latest: the name now belongs to the table below.
alter index market_price_latest rename to market_price_by_observation;

-- The price in force per tenant and asset: one row, moved forward only by a history row with a later (or equal)
-- observed_at. Kept by a trigger on market_price inserts, so every writer of the history keeps it current.
create table market_price_latest (
    tenant_id        uuid            not null references tenant (id),
    asset_id         uuid            not null,
    id               uuid            not null,
    index_price_usd  numeric(38, 18) not null check (index_price_usd > 0),
    annual_vol       numeric(38, 18) check (annual_vol >= 0),
    observed_at      timestamptz     not null,
    created_at       timestamptz     not null,
    source           text            not null,
    version          bigint          not null default 1,
    primary key (tenant_id, asset_id),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

insert into market_price_latest (tenant_id, asset_id, id, index_price_usd, annual_vol, observed_at, created_at, source)
select distinct on (tenant_id, asset_id) tenant_id, asset_id, id, index_price_usd, annual_vol, observed_at, created_at,
       source
from market_price order by tenant_id, asset_id, observed_at desc, created_at desc;

create function market_price_move_latest() returns trigger language plpgsql as $$
begin
    insert into market_price_latest as l (tenant_id, asset_id, id, index_price_usd, annual_vol, observed_at,
                                          created_at, source)
    values (new.tenant_id, new.asset_id, new.id, new.index_price_usd, new.annual_vol, new.observed_at,
            new.created_at, new.source)
    on conflict (tenant_id, asset_id) do update
        set id = excluded.id, index_price_usd = excluded.index_price_usd, annual_vol = excluded.annual_vol,
            observed_at = excluded.observed_at, created_at = excluded.created_at, source = excluded.source,
            version = l.version + 1
        where l.observed_at <= excluded.observed_at;
    return null;
end;
$$;
create trigger market_price_latest_moves after insert on market_price
    for each row execute function market_price_move_latest();

-- A tenant's oracle configuration per underlying; append-only versions, the highest version is in force. An asset
-- without a row uses the documented default (docs/architecture.md, "Oracle").
create table oracle_config (
    id                     uuid            not null primary key,
    tenant_id              uuid            not null references tenant (id),
    asset_id               uuid            not null,
    version                integer         not null check (version > 0),
    -- comma-separated source names, e.g. 'feed,replay'
    sources                text            not null check (sources ~ '^[a-z0-9_-]+(,[a-z0-9_-]+)*$'),
    staleness_seconds      integer         not null check (staleness_seconds > 0),
    max_deviation_fraction numeric(10, 6)  not null check (max_deviation_fraction > 0),
    max_jump_fraction      numeric(10, 6)  not null check (max_jump_fraction > 0),
    min_price_usd          numeric(38, 18) not null check (min_price_usd > 0),
    max_price_usd          numeric(38, 18) not null,
    created_by             text            not null,
    created_at             timestamptz     not null default clock_timestamp(),
    check (max_price_usd > min_price_usd),
    unique (tenant_id, asset_id, version),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

create function oracle_config_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'oracle_config is append-only';
end;
$$;
create trigger oracle_config_no_update before update or delete on oracle_config
    for each row execute function oracle_config_is_append_only();

-- The latest accepted tick of each source, per tenant and asset: what the index median and the oracle health read.
create table oracle_source_tick (
    tenant_id    uuid            not null references tenant (id),
    asset_id     uuid            not null,
    source       text            not null,
    price_usd    numeric(38, 18) not null check (price_usd > 0),
    annual_vol   numeric(38, 18) check (annual_vol >= 0),
    source_time  timestamptz     not null,
    received_at  timestamptz     not null,
    primary key (tenant_id, asset_id, source),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

-- The margin state of an account as the live loop last published it. seq grows by one with every change; a writer
-- updates "where seq = expected", so a stale owner (after a rebalance) cannot overwrite a newer state.
create table account_margin_state (
    tenant_id               uuid            not null references tenant (id),
    account_id              uuid            not null,
    status                  text            not null
        check (status in ('HEALTHY', 'EARLY_WARNING', 'MARGIN_CALL', 'LIQUIDATABLE')),
    held                    boolean         not null default false,
    equity_usd              numeric(38, 18) not null,
    initial_margin_usd      numeric(38, 18) not null,
    maintenance_margin_usd  numeric(38, 18) not null,
    seq                     bigint          not null check (seq > 0),
    price_versions          text            not null,
    parameter_version       text            not null,
    updated_at              timestamptz     not null,
    primary key (tenant_id, account_id),
    foreign key (tenant_id, account_id) references account (tenant_id, id)
);

-- The live loop answers from its in-memory book only when the book has applied the tenant's latest change event:
-- this index makes "the latest ballast.events row of a tenant" one index probe.
create index outbox_event_tenant_topic on outbox_event (tenant_id, topic, id);
