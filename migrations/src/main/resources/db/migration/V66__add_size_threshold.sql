-- Size add-on (issue 12, docs/margin.md "Size add-on"): the size, in units of the underlying, up to which the standard
-- margin's size slopes (imf_slope_per_unit, mmf_slope_per_unit) do not apply; beyond it IM and MM fractions grow by
-- the slope per unit of excess (Deribit's futures margin: threshold 0, slope 0.005 % per BTC). A governed risk setting,
-- per tenant or per underlying (market); 0 keeps the rule every existing row had.
alter table risk_settings add column size_threshold_units double precision not null default 0
    check (size_threshold_units >= 0);
