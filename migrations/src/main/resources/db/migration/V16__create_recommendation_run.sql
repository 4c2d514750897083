-- Recommendation runs: a queue that every service instance polls, claiming work with FOR UPDATE SKIP LOCKED.
-- DAILY (the scheduled recommendation) and RETRAIN (the scheduled retraining) exist once per tenant and day;
-- MANUAL runs (POST /api/v1/risk/recommendations/runs) at most one pending or running per tenant. A run whose
-- lease expired (its instance died) is claimed again, up to the configured number of attempts.
create table recommendation_run (
    id           uuid        not null primary key,
    tenant_id    uuid        not null references tenant (id),
    kind         text        not null check (kind in ('DAILY', 'RETRAIN', 'MANUAL')),
    run_date     date        not null,
    status       text        not null check (status in ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    requested_by text,
    attempts     integer     not null default 0,
    claimed_by   text,
    lease_until  timestamptz,
    created_at   timestamptz not null default clock_timestamp(),
    started_at   timestamptz,
    finished_at  timestamptz,
    result       jsonb,
    error        text
);
create unique index recommendation_run_once_a_day on recommendation_run (tenant_id, kind, run_date)
    where kind in ('DAILY', 'RETRAIN');
create unique index recommendation_run_one_manual_in_flight on recommendation_run (tenant_id)
    where kind = 'MANUAL' and status in ('PENDING', 'RUNNING');
create index recommendation_run_queue on recommendation_run (created_at) where status in ('PENDING', 'RUNNING');
create index recommendation_run_by_tenant on recommendation_run (tenant_id, kind, created_at desc);

-- Every forecast a run made (append-only), with the registered model version it came from (null for the
-- parameter-free EWMA fallback).
create table vol_forecast (
    id               uuid             not null primary key,
    tenant_id        uuid             not null references tenant (id),
    asset_id         uuid             not null,
    run_id           uuid             not null references recommendation_run (id),
    as_of            date             not null,
    horizon_days     integer          not null check (horizon_days between 1 and 10),
    model            text             not null,
    model_version    integer,
    forecast_model_id uuid            references forecast_model (id),
    variance         double precision not null,
    created_at       timestamptz      not null default clock_timestamp(),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index vol_forecast_lookup on vol_forecast (tenant_id, asset_id, as_of desc);

create function vol_forecast_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'vol_forecast is append-only';
end;
$$;
create trigger vol_forecast_no_update before update or delete on vol_forecast
    for each row execute function vol_forecast_is_append_only();

-- A recommendation names the run that made it and the model version it forecast with; it is made once per asset,
-- evaluation day and history, which the database now enforces.
alter table margin_recommendation add column run_id uuid references recommendation_run (id);
alter table margin_recommendation add column model_version integer;
create unique index margin_recommendation_once on margin_recommendation
    (tenant_id, asset_id, evaluation_date, history_fingerprint);
