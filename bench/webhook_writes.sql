-- pgbench: the statements one sandbox webhook makes, in the service's transactions and with
-- its SQL (src/adapters/postgres/{webhooks,payments,orders,events,notifications}.py and
-- src/adapters/providers/sandbox.py), on the payments prepared for the webhook benchmark.
-- :npay is the number of prepared payments (pgbench -D npay=...).
\set n random(1, :npay)
\set r random(1, 1000000000)

-- 1. the inbox: store the raw delivery
BEGIN;
INSERT INTO webhook_deliveries (id, provider, event_id, payment_id, headers, body, received_at)
VALUES ('whd_' || :n::text || '_' || :r::text, 'sandbox', 'evt_' || md5(random()::text), 'pay_BENCH' || lpad(:n::text, 17, '0'),
        '{"Sandbox-Signature": "t=1,v1=00"}', '\x7b7d', now())
ON CONFLICT (provider, event_id) DO NOTHING
RETURNING id
COMMIT;

-- 2. verify: read the payment (a read-only unit of work: no transaction)
SELECT id, order_id, store_id, provider, status, amount, currency, phone, provider_reference,
       provider_data, failure_code, failure_message, needs_refund, late_success, flagged_reason,
       next_action, created_at, updated_at, succeeded_at, expires_at, version
FROM payments WHERE id = 'pay_BENCH' || lpad(:n::text, 17, '0');

-- 3. the provider's status (the sandbox operator's record, read in autocommit)
SELECT payment_id, amount, currency, scenario, final_status, failure_code, settles_at,
       webhooks_to_send
FROM sandbox_transactions WHERE payment_id = 'pay_BENCH' || lpad(:n::text, 17, '0');

-- 4. apply: lock the payment and its order, write both with their events and notifications,
--    and mark the delivery processed in the same transaction
BEGIN;
SELECT id, order_id, store_id, provider, status, amount, currency, phone, provider_reference,
       provider_data, failure_code, failure_message, needs_refund, late_success, flagged_reason,
       next_action, created_at, updated_at, succeeded_at, expires_at, version
FROM payments WHERE id = 'pay_BENCH' || lpad(:n::text, 17, '0') FOR UPDATE;
SELECT id, store_id, reference, status, amount, currency, description, customer, items, metadata,
       country, paid_at, paid_by, expires_at, created_at, updated_at, version
FROM orders WHERE store_id = 'sto_bench' AND id = 'ord_BENCH' || lpad(:n::text, 17, '0') FOR UPDATE;
UPDATE orders
SET reference = reference, status = 'paid', description = description, customer = customer,
    items = items, metadata = metadata, country = country, paid_at = now(), paid_by = 'pay_BENCH' || lpad(:n::text, 17, '0'),
    expires_at = expires_at, updated_at = now(), version = version + 1
WHERE id = 'ord_BENCH' || lpad(:n::text, 17, '0');
INSERT INTO order_events (id, order_id, type, from_status, to_status, source, data, created_at)
VALUES ('evt_' || md5(random()::text), 'ord_BENCH' || lpad(:n::text, 17, '0'), 'order.paid',
        'pending_payment', 'paid', 'webhook', '{"payment_id": "x"}', now());
INSERT INTO notifications (id, store_id, type, subject_id, body, created_at, state,
                           next_attempt_at)
VALUES ('evt_' || md5(random()::text), 'sto_bench', 'order.paid', 'ord_BENCH',
        convert_to(repeat('x', 700), 'UTF8'), now(), 'pending', now());
UPDATE payments
SET status = 'succeeded', phone = phone, provider_reference = provider_reference,
    provider_data = provider_data, failure_code = NULL, failure_message = NULL,
    needs_refund = false, late_success = false, flagged_reason = NULL,
    next_action = next_action, updated_at = now(), succeeded_at = now(),
    expires_at = expires_at, version = version + 1
WHERE id = 'pay_BENCH' || lpad(:n::text, 17, '0');
INSERT INTO payment_events (id, payment_id, type, from_status, to_status, source, data,
                            created_at)
VALUES ('evt_' || md5(random()::text), 'pay_BENCH' || lpad(:n::text, 17, '0'), 'payment.succeeded', 'pending', 'succeeded',
        'webhook', '{"provider": {"status": "succeeded"}}', now());
INSERT INTO notifications (id, store_id, type, subject_id, body, created_at, state,
                           next_attempt_at)
VALUES ('evt_' || md5(random()::text), 'sto_bench', 'payment.succeeded', 'pay_BENCH' || lpad(:n::text, 17, '0'),
        convert_to(repeat('x', 700), 'UTF8'), now(), 'pending', now());
-- (chr(58) is a colon: pgbench would read a colon and a word as a variable, even in quotes)
UPDATE webhook_deliveries
SET processed_at = now(), outcome = 'applied' || chr(58) || 'succeeded', attempts = attempts + 1
WHERE id = 'whd_' || :n::text || '_' || :r::text;
COMMIT;
