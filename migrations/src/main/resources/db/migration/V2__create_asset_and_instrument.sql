-- Collateral assets and tradable instruments, per tenant. Symbols are unique within a tenant.
create table asset (
    id            uuid         not null,
    tenant_id     uuid         not null references tenant (id),
    symbol        varchar(32)  not null,
    decimals      integer      not null check (decimals between 0 and 36),
    price_source  varchar(200) not null,
    created_at    timestamptz  not null default now(),
    primary key (id),
    unique (tenant_id, id),
    unique (tenant_id, symbol)
);

create table instrument (
    id                uuid          not null,
    tenant_id         uuid          not null references tenant (id),
    symbol            varchar(64)   not null,
    kind              varchar(16)   not null check (kind in ('PERPETUAL', 'FUTURE', 'OPTION')),
    underlying_id     uuid          not null,
    settlement_id     uuid          not null,
    contract_size     numeric(38, 18) not null check (contract_size > 0),
    expiry            timestamptz,
    strike            numeric(38, 18) check (strike > 0),
    option_type       varchar(8)    check (option_type in ('CALL', 'PUT')),
    exercise_style    varchar(16)   check (exercise_style in ('EUROPEAN')),
    created_at        timestamptz   not null default now(),
    primary key (id),
    unique (tenant_id, id),
    unique (tenant_id, symbol),
    foreign key (tenant_id, underlying_id) references asset (tenant_id, id),
    foreign key (tenant_id, settlement_id) references asset (tenant_id, id),
    check ((kind = 'PERPETUAL' and expiry is null and strike is null and option_type is null)
        or (kind = 'FUTURE' and expiry is not null and strike is null and option_type is null)
        or (kind = 'OPTION' and expiry is not null and strike is not null and option_type is not null
            and exercise_style is not null))
);
