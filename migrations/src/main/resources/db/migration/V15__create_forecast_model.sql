-- The volatility-model registry: every champion the retraining step registers, per tenant, asset and forecast horizon
-- (append-only). One retraining gives all horizons of an asset the same version number; the highest version of a
-- (tenant, asset, horizon) is the one the daily recommendation forecasts from, without refitting. metadata holds the
-- fitted parameters, provenance, training-data fingerprint and validation scores (ml-models ModelArtifact);
-- model_bytes the Tribuo protobuf of an ML champion (null for the EWMA, GARCH and HAR baselines).
create table forecast_model (
    id                   uuid        not null primary key,
    tenant_id            uuid        not null references tenant (id),
    asset_id             uuid        not null,
    horizon_days         integer     not null check (horizon_days between 1 and 10),
    version              integer     not null check (version > 0),
    model                text        not null,
    training_fingerprint text        not null,
    metadata             jsonb       not null,
    model_bytes          bytea,
    created_at           timestamptz not null default clock_timestamp(),
    unique (tenant_id, asset_id, horizon_days, version),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);

create function forecast_model_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'forecast_model is append-only';
end;
$$;
create trigger forecast_model_no_update before update or delete on forecast_model
    for each row execute function forecast_model_is_append_only();
