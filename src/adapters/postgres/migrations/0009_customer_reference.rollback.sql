DROP INDEX orders_store_customer_idx;
ALTER TABLE orders DROP COLUMN return_url, DROP COLUMN customer_reference;
