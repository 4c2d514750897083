-- The price batch's write (issue 9, docs/benchmarks.md "Session 24"): the same rules at less cost per transaction.

-- 1. The latest-price table moves once per statement, not once per row: a statement-level trigger over the inserted
--    rows (a transition table). Per tenant and asset the statement's latest row (by observed_at, then created_at, as
--    V6 and V20 order the history; then by id, so that a tie has one answer) moves market_price_latest when it is not
--    older than the row in force, exactly as the row-level trigger did for a statement of one row per asset. A
--    statement with several rows of one asset now raises its version by one, not by one per row (no writer does so
--    today: the price batch writes one row per asset, the REST marks one statement per row).
create function market_price_move_latest_rows() returns trigger language plpgsql as $$
begin
    insert into market_price_latest as l (tenant_id, asset_id, id, index_price_usd, annual_vol, observed_at,
                                          created_at, source)
    select distinct on (n.tenant_id, n.asset_id) n.tenant_id, n.asset_id, n.id, n.index_price_usd, n.annual_vol,
           n.observed_at, n.created_at, n.source
    from inserted_prices n
    order by n.tenant_id, n.asset_id, n.observed_at desc, n.created_at desc, n.id desc
    on conflict (tenant_id, asset_id) do update
        set id = excluded.id, index_price_usd = excluded.index_price_usd, annual_vol = excluded.annual_vol,
            observed_at = excluded.observed_at, created_at = excluded.created_at, source = excluded.source,
            version = l.version + 1
        where l.observed_at <= excluded.observed_at;
    return null;
end;
$$;

drop trigger market_price_latest_moves on market_price;
drop function market_price_move_latest();
create trigger market_price_latest_moves after insert on market_price
    referencing new table as inserted_prices
    for each statement execute function market_price_move_latest_rows();

-- 2. Each of these tables also references asset (tenant_id, id), and every asset row references its tenant: the
--    separate reference to tenant (id) checked nothing more, and locked the tenant's row (FOR KEY SHARE) in every
--    price batch. A row naming another tenant's asset is still refused by the asset reference.
alter table market_price drop constraint market_price_tenant_id_fkey;
alter table market_price_latest drop constraint market_price_latest_tenant_id_fkey;
alter table oracle_source_tick drop constraint oracle_source_tick_tenant_id_fkey;
