-- Owner and application roles (issue 11, docs/security.md "Database roles"). Flyway runs as the owner role, which
-- owns every object it creates; the risk service connects as the role ballast_app (or a login role that is a member
-- of it), which must exist before this migration runs (the devstack creates it; production: docs/security.md).
-- ballast_app gets data rights only: no ownership (so it cannot drop or alter a table, a trigger or a policy, nor
-- disable a trigger), no CREATE on the schema, and on append-only tables (those with a trigger refusing changes,
-- found below by their trigger function's name *_is_append_only) no UPDATE, DELETE or TRUNCATE either: grants and
-- trigger both refuse a change.
grant usage on schema public to ballast_app;
grant select, insert, update, delete on all tables in schema public to ballast_app;
grant usage, select on all sequences in schema public to ballast_app;

-- Tables and sequences that later migrations create (as this same owner role) get the same data rights. A later
-- append-only table must revoke UPDATE and DELETE itself; DatabaseRolesTest finds any that does not.
alter default privileges in schema public grant select, insert, update, delete on tables to ballast_app;
alter default privileges in schema public grant usage, select on sequences to ballast_app;

do $$
declare t record;
begin
    for t in select distinct c.relname from pg_trigger g
            join pg_class c on c.oid = g.tgrelid
            join pg_namespace n on n.oid = c.relnamespace
            join pg_proc p on p.oid = g.tgfoid
            where n.nspname = 'public' and not g.tgisinternal and p.proname like '%\_is\_append\_only'
    loop
        execute format('revoke update, delete, truncate on table %I from ballast_app', t.relname);
    end loop;
end $$;
