-- Row-level security (issue 11, docs/security.md "Row-level security"): a second tenant barrier behind the
-- tenant_id filter every query already carries. On every table with a tenant_id column, a row is visible and
-- writable only when it belongs to the tenant the transaction is bound to (set_config('ballast.tenant_id', id, true),
-- i.e. SET LOCAL: RowSecurity, TenantBinding), or when the transaction is platform work that spans tenants
-- (set_config('ballast.platform', 'on', true); the code paths are listed in docs/security.md). A transaction that
-- binds neither sees nothing and can write nothing. The owner role (migrations) is not subject to the policies; the
-- application role ballast_app is.
--
-- The tables are found in the catalog, so tables created by earlier migrations in another branch get the policies
-- too. A table created by a LATER migration must enable them itself (the same two policies); RowLevelSecurityTest
-- fails for any table with a tenant_id column that has not.
--
-- An unset custom setting reads as NULL (missing_ok) or, after a transaction that set it locally, as '' on the same
-- connection: nullif turns both into NULL, which matches no row.
do $$
declare t record;
begin
    for t in select c.relname, format_type(a.atttypid, a.atttypmod) as type from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
            where n.nspname = 'public' and c.relkind in ('r', 'p')
    loop
        execute format('alter table %I enable row level security', t.relname);
        execute format('create policy tenant_isolation on %I using (tenant_id = '
                || 'nullif(current_setting(''ballast.tenant_id'', true), '''')::%s)', t.relname, t.type);
        execute format('create policy platform_work on %I using ('
                || 'current_setting(''ballast.platform'', true) = ''on'')', t.relname);
    end loop;
end $$;
