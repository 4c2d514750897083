-- Market data for margin, per tenant: index price (USD) and annualised implied volatility per asset.
-- Append-only history; the latest row per asset (by observed_at, then created_at) is the value in force.
create table market_price (
    id               uuid            not null primary key,
    tenant_id        uuid            not null references tenant (id),
    asset_id         uuid            not null,
    index_price_usd  numeric(38, 18) not null check (index_price_usd > 0),
    annual_vol       numeric(38, 18) check (annual_vol >= 0),
    observed_at      timestamptz     not null,
    created_at       timestamptz     not null default clock_timestamp(),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index market_price_latest on market_price (tenant_id, asset_id, observed_at desc, created_at desc);

create function market_price_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'market_price is append-only';
end;
$$;
create trigger market_price_no_update before update or delete on market_price
    for each row execute function market_price_is_append_only();
