-- pgbench script: the price batch's write (market.OracleBatchStore WRITE_BATCH) in its own transaction, on a running
-- stack's database, for one BTC and one ETH tick of the default source for every tenant that has those assets (six
-- source ticks and six price rows with the demo tenants and one load tenant). The rows travel as JSON text as the
-- service sends them; ids and times are made here. It COMMITS: every transaction adds history rows, so run it on a
-- benchmark stack only (docs/benchmarks.md "Session 24"):
--   PGPASSWORD=postgres pgbench -h 127.0.0.1 -p 15432 -U postgres -n -c 1 -T 15 \
--     -f deploy/postgres/bench-price-batch-write.sql ballast
-- As the superuser row-level security does not apply: the figure is the statement's own work (triggers, references,
-- indexes), not the policies'.
begin;
with rows as (
    select cast(json_agg(json_build_object(
               'tenant_id', a.tenant_id, 'asset_id', a.id, 'source', 'feed',
               'price_usd', case a.symbol when 'BTC' then 90000.5 else 3000.25 end, 'annual_vol', null,
               'source_time', clock_timestamp(), 'id', gen_random_uuid(), 'observed_at', clock_timestamp(),
               'created_at', clock_timestamp())) as text) as js
    from asset a where a.symbol in ('BTC', 'ETH')),
ticks as (
    insert into oracle_source_tick as o (tenant_id, asset_id, source, price_usd, annual_vol, source_time, received_at)
    select x.tenant_id, x.asset_id, x.source, x.price_usd, x.annual_vol, x.source_time, clock_timestamp()
    from rows, jsonb_to_recordset(cast(rows.js as jsonb))
         as x(tenant_id uuid, asset_id uuid, source text, price_usd numeric, annual_vol numeric,
              source_time timestamptz)
    on conflict (tenant_id, asset_id, source) do update set price_usd = excluded.price_usd,
        annual_vol = excluded.annual_vol, source_time = excluded.source_time, received_at = excluded.received_at
        where o.source_time < excluded.source_time)
insert into market_price (id, tenant_id, asset_id, index_price_usd, annual_vol, observed_at, created_at, source)
select y.id, y.tenant_id, y.asset_id, y.price_usd, y.annual_vol, y.observed_at, y.created_at, 'oracle'
from rows, jsonb_to_recordset(cast(rows.js as jsonb))
     as y(id uuid, tenant_id uuid, asset_id uuid, price_usd numeric, annual_vol numeric, observed_at timestamptz,
          created_at timestamptz);
commit;
