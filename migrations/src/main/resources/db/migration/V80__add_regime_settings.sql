-- Issue 13 (predictive margin v2): the regime settings (predictive-margin RegimeSettings, docs/predictive-margin.md
-- section 3, rows 1b and 1c) become governed risk settings, per tenant or per underlying like the other guardrails.
-- Every existing row takes RegimeSettings.defaults(), which every tenant got before this migration, so nothing
-- changes until a committee approves another value:
--   stress_trigger_ratio        k: stress when the realised daily volatility exceeds k times the forecast's (> 0)
--   exception_trigger           whether an MPOR move beyond the maintenance fraction in force declares stress
--   stress_max_daily_increase   largest relative rise of a maintenance parameter in one stressed step (1.0 = +100 %)
--   intraday_half_weight_hours  the intraday update weighs one half after this many hours (> 0)
--   cap_initial_margin          whether the daily increase cap also holds the initial-margin fraction
alter table risk_settings
    add column stress_trigger_ratio double precision not null default 2.0
        check (stress_trigger_ratio > 0 and stress_trigger_ratio <> 'NaN'),
    add column exception_trigger boolean not null default true,
    add column stress_max_daily_increase double precision not null default 1.0
        check (stress_max_daily_increase >= 0 and stress_max_daily_increase <> 'NaN'),
    add column intraday_half_weight_hours double precision not null default 6.0
        check (intraday_half_weight_hours > 0 and intraday_half_weight_hours <> 'NaN'),
    add column cap_initial_margin boolean not null default false;
