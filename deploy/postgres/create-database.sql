-- Run once as the postgres superuser: psql -f deploy/postgres/create-database.sql
-- then set DATABASE_URL=postgresql://payments:<password>@localhost:5432/payments
-- (the password is set with \password payments). The service creates its own tables
-- (`payments migrate`, or at the start of `payments serve`).
CREATE ROLE payments LOGIN;
CREATE DATABASE payments OWNER payments ENCODING 'UTF8' TEMPLATE template0;
