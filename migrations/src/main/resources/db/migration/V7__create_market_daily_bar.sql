-- Daily OHLCV history per tenant and asset, the input of the predictive-margin forecaster. One row per day
-- (UTC calendar date); a write for an existing day replaces it (upsert). Prices in USD per unit, volume in units.
create table market_daily_bar (
    tenant_id   uuid             not null references tenant (id),
    asset_id    uuid             not null,
    bar_date    date             not null,
    open        double precision not null check (open > 0),
    high        double precision not null,
    low         double precision not null check (low > 0),
    close       double precision not null check (close > 0),
    volume      double precision not null check (volume >= 0),
    updated_at  timestamptz      not null default clock_timestamp(),
    primary key (tenant_id, asset_id, bar_date),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id),
    check (high >= greatest(open, close) and low <= least(open, close))
);
