DROP INDEX orders_store_created_idx;
DROP INDEX payments_store_succeeded_idx;
DROP INDEX payments_store_created_idx;
