-- Indexes for the dashboard's figures over a period (adapters/postgres/stats.py): each query
-- reads one store's rows in a time range, from the index alone (the columns it aggregates are
-- included), instead of every row of the store.
-- depends: 0003_reliability

CREATE INDEX payments_store_created_idx ON payments (store_id, created_at)
    INCLUDE (status, provider);

CREATE INDEX payments_store_succeeded_idx ON payments (store_id, succeeded_at)
    INCLUDE (amount, currency) WHERE status = 'succeeded';

CREATE INDEX orders_store_created_idx ON orders (store_id, created_at) INCLUDE (status);
