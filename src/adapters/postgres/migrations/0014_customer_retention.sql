-- Personal data retention, second pass (application/mask_phones.py): an order's customer
-- (name, phone, email) is masked after PHONE_RETENTION_DAYS like the payments' numbers, and
-- idempotency records (which hold whole answers) are deleted after their 24 hours.
-- depends: 0011_phone_retention

ALTER TABLE orders ADD COLUMN customer_masked_at timestamptz NULL;

CREATE INDEX orders_customer_to_mask_idx ON orders (created_at)
    WHERE customer IS NOT NULL AND customer_masked_at IS NULL;

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- the notifications about one order or payment, found by the pass
CREATE INDEX notifications_subject_idx ON notifications (subject_id);
