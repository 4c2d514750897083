-- Roles for a production PostgreSQL (docs/security.md "Database roles"). Run once as a superuser (or a role with
-- CREATEROLE and CREATEDB), with psql, before the first start of the risk service:
--   psql -v owner_password="'...'" -v app_password="'...'" -f deploy/postgres/create-roles.sql
-- The devstack (./ballast run, the test harness) does the same in PostgresServer.
--
-- ballast_owner: owns the database and everything Flyway creates; the service's Flyway connects as it
--   (quarkus.flyway.username / quarkus.flyway.password). Row-level security does not apply to it: never let the
--   service's requests run as this role.
-- ballast_app: the service's login (quarkus.datasource.username / password). Migration V50 grants it data rights
--   only; no superuser, no BYPASSRLS, no CREATE on the schema. The grants name this role: a differently named login
--   role must be a member of it (grant ballast_app to my_login) and inherit its rights.
create role ballast_owner login password :owner_password nosuperuser nocreatedb nocreaterole nobypassrls;
create role ballast_app login password :app_password nosuperuser nocreatedb nocreaterole nobypassrls;
create database ballast owner ballast_owner;
\connect ballast
alter schema public owner to ballast_owner;
revoke create on schema public from public;
grant usage on schema public to ballast_app;
