-- Tenants: one row per onboarded protocol. The root of every tenant-scoped table.
create table tenant (
    id                     uuid primary key,
    name                   varchar(200) not null,
    slug                   varchar(63)  not null unique,
    status                 varchar(16)  not null check (status in ('ACTIVE', 'SUSPENDED')),
    integrator_client_id   varchar(255) not null,
    admin_client_id        varchar(255) not null,
    created_at             timestamptz  not null default now(),
    updated_at             timestamptz  not null default now()
);
