-- Issue 8: every setting that moves margin, stored and versioned. risk_settings holds the portfolio-margin scenario
-- grid, the predictive mapping and the guardrails, per tenant (scope TENANT, target_id = tenant id: the tenant-wide
-- default written at onboarding) or per underlying asset (scope ASSET, target_id = asset id: overrides the tenant
-- row). Rows are never updated: a change is a new version; the version in force at t is the one with the latest
-- effective_from at or before t (ties: highest version). Fractions are plain fractions (0.15 = 15 %).
create table risk_settings (
    id                                uuid             not null primary key,
    tenant_id                         uuid             not null references tenant (id),
    scope                             varchar(16)      not null check (scope in ('TENANT', 'ASSET')),
    target_id                         uuid             not null,
    version                           integer          not null check (version > 0),
    effective_from                    timestamptz      not null,
    -- margin-core MarketRiskParameters (size slopes, short options, scenario grid, contingencies)
    imf_slope_per_unit                double precision not null check (imf_slope_per_unit >= 0),
    mmf_slope_per_unit                double precision not null check (mmf_slope_per_unit >= 0),
    short_option_im_base              double precision not null check (short_option_im_base between 0 and 1),
    short_option_im_floor             double precision not null check (short_option_im_floor between 0 and 1),
    short_option_mm_fraction          double precision not null check (short_option_mm_fraction between 0 and 1),
    scan_range_fraction               double precision not null check (scan_range_fraction > 0 and scan_range_fraction < 1),
    vol_shock_up_fraction             double precision not null check (vol_shock_up_fraction >= 0),
    vol_shock_down_fraction           double precision not null check (vol_shock_down_fraction between 0 and 1),
    vol_shock_dte_scaled              boolean          not null,
    extreme_move_multiple             double precision not null check (extreme_move_multiple >= 0),
    extreme_move_weight               double precision not null check (extreme_move_weight between 0 and 1),
    short_option_contingency_fraction double precision not null check (short_option_contingency_fraction between 0 and 1),
    linear_contingency_fraction       double precision not null check (linear_contingency_fraction between 0 and 1),
    -- predictive-margin MappingSettings
    coverage                          double precision not null check (coverage > 0.5 and coverage < 1),
    mpor_perp_days                    integer          not null check (mpor_perp_days >= 1),
    mpor_option_days                  integer          not null check (mpor_option_days >= 1),
    tail_factor                       double precision not null check (tail_factor > 0),
    liquidity_factor                  double precision not null check (liquidity_factor > 0),
    im_multiplier                     double precision not null check (im_multiplier >= 1),
    vol_shock_up_per_scan             double precision not null check (vol_shock_up_per_scan >= 0),
    vol_shock_down_per_scan           double precision not null check (vol_shock_down_per_scan >= 0),
    -- predictive-margin GuardrailSettings (the bounds of automatic changes)
    floor_mode                        varchar(16)      not null check (floor_mode in ('NONE', 'LONG_LOOKBACK', 'STRESSED_PERIOD')),
    floor_weight                      double precision not null check (floor_weight between 0 and 2),
    buffer_fraction                   double precision not null check (buffer_fraction between 0 and 1),
    buffer_release_rise               double precision not null check (buffer_release_rise > 0),
    buffer_rebuild_per_day            double precision not null check (buffer_rebuild_per_day >= 0),
    max_daily_increase                double precision not null check (max_daily_increase > 0),
    max_daily_decrease                double precision not null check (max_daily_decrease > 0 and max_daily_decrease <= 1),
    smoothing_up                      double precision not null check (smoothing_up > 0 and smoothing_up <= 1),
    smoothing_down                    double precision not null check (smoothing_down > 0 and smoothing_down <= 1),
    max_forecast_age_days             integer          not null check (max_forecast_age_days >= 0),
    sanity_jump_ratio                 double precision not null check (sanity_jump_ratio > 1),
    auto_apply_max_change             double precision not null check (auto_apply_max_change >= 0),
    min_mmf                           double precision not null,
    max_mmf                           double precision not null,
    min_imf                           double precision not null,
    max_imf                           double precision not null,
    min_haircut                       double precision not null,
    max_haircut                       double precision not null,
    min_scan_range                    double precision not null,
    max_scan_range                    double precision not null,
    min_vol_shock_up                  double precision not null,
    max_vol_shock_up                  double precision not null,
    min_vol_shock_down                double precision not null,
    max_vol_shock_down                double precision not null,
    -- provenance: ONBOARDING, MANUAL, AUTO_APPLY (actor: the model version) or PROPOSAL (proposal_id)
    source                            varchar(16)      not null check (source in ('ONBOARDING', 'MANUAL', 'AUTO_APPLY', 'PROPOSAL')),
    actor                             text             not null,
    proposal_id                       uuid,
    created_at                        timestamptz      not null default now(),
    unique (tenant_id, scope, target_id, version),
    check (min_mmf <= max_mmf and min_imf <= max_imf and min_haircut <= max_haircut
        and min_scan_range <= max_scan_range and min_vol_shock_up <= max_vol_shock_up
        and min_vol_shock_down <= max_vol_shock_down)
);
create index risk_settings_lookup on risk_settings (tenant_id, scope, target_id, effective_from desc);

-- Who wrote a risk_parameter version (rows before issue 8 have none).
alter table risk_parameter add column source varchar(16)
    check (source in ('ONBOARDING', 'MANUAL', 'AUTO_APPLY', 'PROPOSAL'));
alter table risk_parameter add column actor text;
alter table risk_parameter add column proposal_id uuid;
