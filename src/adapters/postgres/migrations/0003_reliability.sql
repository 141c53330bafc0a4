-- Reconciliation schedule, time-to-live of payments and orders, the notification outbox
-- with its delivery attempts, and the retry schedule of the webhook inbox.
-- depends: 0002_procrastinate

ALTER TABLE payments
    ADD COLUMN expires_at     timestamptz NULL,
    ADD COLUMN next_check_at  timestamptz NULL,
    ADD COLUMN check_attempts integer NOT NULL DEFAULT 0;

CREATE INDEX payments_next_check_idx ON payments (next_check_at)
    WHERE next_check_at IS NOT NULL;

ALTER TABLE orders ADD COLUMN expires_at timestamptz NULL;

CREATE INDEX orders_expiry_idx ON orders (expires_at) WHERE status = 'pending_payment';

ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at timestamptz NULL;

CREATE INDEX webhook_deliveries_retry_idx ON webhook_deliveries (next_attempt_at)
    WHERE processed_at IS NULL;

-- One row per event announced to a store (transactional outbox): written in the same
-- transaction as the change it announces, delivered by the worker.
CREATE TABLE notifications (
    id               text PRIMARY KEY,
    store_id         text NOT NULL REFERENCES stores (id),
    type             text NOT NULL,
    subject_id       text NOT NULL,
    body             bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    state            text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'no_endpoint')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NULL,
    last_attempt_at  timestamptz NULL,
    delivered_at     timestamptz NULL,
    last_status_code integer NULL,
    last_error       text NULL
);

CREATE INDEX notifications_store_idx ON notifications (store_id, id DESC);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE state = 'pending';

CREATE TABLE notification_attempts (
    id              bigserial PRIMARY KEY,
    notification_id text NOT NULL REFERENCES notifications (id),
    attempted_at    timestamptz NOT NULL,
    url             text NOT NULL,
    status_code     integer NULL,
    error           text NULL,
    duration_ms     integer NOT NULL
);

CREATE INDEX notification_attempts_notification_idx ON notification_attempts (notification_id, id);
