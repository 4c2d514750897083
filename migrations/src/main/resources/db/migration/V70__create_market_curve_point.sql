-- Market curves per tenant and underlying (issue 12, docs/margin.md "Basis and rates", "Volatility smiles"): the
-- basis of dated futures per expiry (kind BASIS: value = forward / index - 1, strike null) and the implied
-- volatility per expiry and strike (kind VOL: value = annualised vol as a fraction, strike in USD). A feed replaces
-- an underlying's whole curve of one kind at a time (PUT /api/v1/market/forwards/{underlying},
-- /api/v1/market/vol-surfaces/{underlying}); the rows present are the curve in force.
create table market_curve_point (
    id             uuid            not null,
    tenant_id      uuid            not null references tenant (id),
    underlying_id  uuid            not null,
    kind           varchar(8)      not null check (kind in ('BASIS', 'VOL')),
    expiry         timestamptz     not null,
    strike         numeric(38, 18) check (strike > 0),
    value          numeric(38, 18) not null,
    updated_at     timestamptz     not null default now(),
    primary key (id),
    foreign key (tenant_id, underlying_id) references asset (tenant_id, id),
    check ((kind = 'BASIS' and strike is null and value > -1) or (kind = 'VOL' and strike is not null and value > 0))
);
create unique index market_curve_point_key on market_curve_point (tenant_id, underlying_id, kind, expiry,
    coalesce(strike, 0));

-- the same row-level security as V51
alter table market_curve_point enable row level security;
create policy tenant_isolation on market_curve_point using (tenant_id =
    nullif(current_setting('ballast.tenant_id', true), '')::uuid);
create policy platform_work on market_curve_point using (current_setting('ballast.platform', true) = 'on');
