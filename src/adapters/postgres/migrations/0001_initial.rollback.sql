-- Undo 0001_initial: drop everything it created, dependants first.

DROP TABLE sandbox_transactions;
DROP TABLE idempotency_keys;
DROP TABLE webhook_deliveries;
DROP TABLE payment_events;
DROP TABLE order_events;
DROP FUNCTION refuse_event_change();
DROP TABLE payments;
DROP TABLE orders;
DROP TABLE stores;
