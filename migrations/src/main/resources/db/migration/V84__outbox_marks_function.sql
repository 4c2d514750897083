-- A tenant's outbox marks in one statement (issue 9, docs/benchmarks.md "Session 38"): the highest ballast.events and
-- ballast.parameters outbox ids of a tenant, which every answer from a hot book reads first (live.FreshnessGate) so
-- that it never misses a write its caller committed before asking. Read until now as a transaction of four statements
-- (BEGIN, the tenant binding, the read, COMMIT); PostgreSQL spent more on those than on the two index probes.
--
-- The function runs as its caller (SECURITY INVOKER, the default): row-level security applies to ballast_app as to
-- any statement of its own. It binds the tenant for its two reads (set_config(..., true): to the end of the
-- transaction, which for a statement sent alone is the statement) and puts the binding it found back before it
-- returns, so that called inside a transaction bound to another tenant it leaves that transaction as it was.
create function outbox_marks(t uuid, out events bigint, out parameters bigint) language plpgsql as $$
declare
    bound text := current_setting('ballast.tenant_id', true);
begin
    perform set_config('ballast.tenant_id', t::text, true);
    select coalesce(max(id), 0) into events from outbox_event where tenant_id = t and topic = 'ballast.events';
    select coalesce(max(id), 0) into parameters from outbox_event
        where tenant_id = t and topic = 'ballast.parameters';
    perform set_config('ballast.tenant_id', coalesce(bound, ''), true);
end;
$$;
