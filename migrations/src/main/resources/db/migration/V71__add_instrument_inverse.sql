-- Inverse (coin-margined) instruments (issue 12, docs/margin.md "Inverse contracts"): a perpetual, future or option
-- settled in its underlying coin. An inverse perpetual's or future's contract size is in USD of face value; an
-- inverse instrument settles in its underlying (settlement_id = underlying_id).
alter table instrument add column inverse boolean not null default false;
alter table instrument add constraint instrument_inverse_settles_in_underlying
    check (not inverse or settlement_id = underlying_id);
