-- Every predictive-margin recommendation served, per tenant and asset (append-only). The latest row's guardrail
-- state feeds the next recommendation (max-change and smoothing). Recommendations never change live risk parameters.
create table margin_recommendation (
    id               uuid        not null primary key,
    tenant_id        uuid        not null references tenant (id),
    asset_id         uuid        not null,
    evaluation_date  date        not null,
    last_bar_date    date        not null,
    forecast_model   text        not null,
    decision         text        not null check (decision in ('AUTO_APPLY', 'PROPOSAL')),
    mmf              double precision not null,
    imf              double precision not null,
    guardrail_state  jsonb       not null,
    recommendation   jsonb       not null,
    created_at       timestamptz not null default clock_timestamp(),
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index margin_recommendation_latest on margin_recommendation (tenant_id, asset_id, created_at desc);

create function margin_recommendation_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'margin_recommendation is append-only';
end;
$$;
create trigger margin_recommendation_no_update before update or delete on margin_recommendation
    for each row execute function margin_recommendation_is_append_only();
