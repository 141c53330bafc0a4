-- Run once as the postgres superuser: psql -f deploy/postgres/create-database.sql
-- Two roles (docs/production.md, section 2):
--   payments_owner  owns the database and its tables; runs the migrations (MIGRATION_DATABASE_URL)
--   payments        what the service connects as (DATABASE_URL); owns nothing, and is granted
--                   only what it needs by `payments migrate`
-- Set their passwords afterwards: \password payments_owner and \password payments.
CREATE ROLE payments_owner LOGIN;
CREATE ROLE payments LOGIN;
CREATE DATABASE payments OWNER payments_owner ENCODING 'UTF8' TEMPLATE template0;
\connect payments
-- Only the owner creates objects (PostgreSQL 15 and later do this already).
ALTER SCHEMA public OWNER TO payments_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
