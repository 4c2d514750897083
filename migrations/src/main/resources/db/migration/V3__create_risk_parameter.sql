-- Versioned, effective-dated risk parameters per asset or per instrument. Rows are never updated:
-- a change is a new version with its own effective_from. Fractions are plain fractions (0.05 = 5 %).
create table risk_parameter (
    id                          uuid            not null primary key,
    tenant_id                   uuid            not null references tenant (id),
    scope                       varchar(16)     not null check (scope in ('ASSET', 'INSTRUMENT')),
    target_id                   uuid            not null,
    version                     integer         not null check (version > 0),
    effective_from              timestamptz     not null,
    initial_margin_fraction     numeric(20, 18) not null,
    maintenance_margin_fraction numeric(20, 18) not null,
    collateral_haircut          numeric(20, 18) not null,
    liquidation_fee_fraction    numeric(20, 18) not null,
    max_position_notional       numeric(38, 18),
    created_at                  timestamptz     not null default now(),
    unique (tenant_id, scope, target_id, version),
    check (maintenance_margin_fraction > 0 and maintenance_margin_fraction <= initial_margin_fraction
        and initial_margin_fraction <= 1),
    check (collateral_haircut >= 0 and collateral_haircut < 1),
    check (liquidation_fee_fraction >= 0 and liquidation_fee_fraction < 1)
);
create index risk_parameter_lookup on risk_parameter (tenant_id, scope, target_id, effective_from desc);
