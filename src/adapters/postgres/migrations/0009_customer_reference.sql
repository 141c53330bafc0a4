-- A storefront's own customer id on each order (`customer_reference`), so that it can list
-- one customer's orders and payments through the API, and the page the customer goes back to
-- once the payment is settled (`return_url`).
-- depends: 0004_dashboard_indexes

ALTER TABLE orders ADD COLUMN customer_reference text, ADD COLUMN return_url text;

CREATE INDEX orders_store_customer_idx ON orders (store_id, customer_reference, id)
    WHERE customer_reference IS NOT NULL;
