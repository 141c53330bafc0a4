DROP INDEX notifications_subject_idx;

DROP INDEX idempotency_keys_created_idx;

DROP INDEX orders_customer_to_mask_idx;

ALTER TABLE orders DROP COLUMN customer_masked_at;
