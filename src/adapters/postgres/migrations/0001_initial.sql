-- Initial schema: stores, orders, payments, their append-only event histories,
-- the webhook inbox, idempotency keys and the sandbox operator's transactions.
-- depends:

CREATE TABLE stores (
    id               text PRIMARY KEY,
    name             text NOT NULL,
    notification_url text NULL,
    api_key_hash     text NOT NULL UNIQUE,
    api_key_prefix   text NOT NULL,
    webhook_secret   text NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE orders (
    id          text PRIMARY KEY,
    store_id    text NOT NULL REFERENCES stores (id),
    reference   text NOT NULL,
    status      text NOT NULL
                CHECK (status IN ('pending_payment', 'paid', 'cancelled', 'expired')),
    amount      bigint NOT NULL CHECK (amount > 0),
    currency    char(3) NOT NULL,
    description text NULL,
    customer    jsonb NULL,
    items       jsonb NOT NULL DEFAULT '[]',
    metadata    jsonb NOT NULL DEFAULT '{}',
    country     text NULL,
    paid_at     timestamptz NULL,
    paid_by     text NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     integer NOT NULL DEFAULT 0
);

CREATE INDEX orders_store_id_idx ON orders (store_id, id DESC);
CREATE INDEX orders_store_reference_idx ON orders (store_id, reference);
CREATE INDEX orders_store_status_idx ON orders (store_id, status, id DESC);

-- seq keeps the insertion order: ids made in the same millisecond do not sort by time.
CREATE TABLE order_events (
    id          text PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    order_id    text NOT NULL REFERENCES orders (id),
    type        text NOT NULL,
    from_status text NULL,
    to_status   text NULL,
    source      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL
);

CREATE INDEX order_events_order_idx ON order_events (order_id, seq);

CREATE TABLE payments (
    id                 text PRIMARY KEY,
    order_id           text NOT NULL REFERENCES orders (id),
    store_id           text NOT NULL REFERENCES stores (id),
    provider           text NOT NULL,
    status             text NOT NULL
                       CHECK (status IN ('created', 'pending', 'succeeded', 'failed',
                                         'expired', 'cancelled')),
    amount             bigint NOT NULL CHECK (amount > 0),
    currency           char(3) NOT NULL,
    phone              text NULL,
    provider_reference text NULL,
    provider_data      jsonb NOT NULL DEFAULT '{}',
    failure_code       text NULL,
    failure_message    text NULL,
    needs_refund       boolean NOT NULL DEFAULT false,
    late_success       boolean NOT NULL DEFAULT false,
    flagged_reason     text NULL,
    next_action        jsonb NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    succeeded_at       timestamptz NULL,
    version            integer NOT NULL DEFAULT 0
);

CREATE INDEX payments_store_id_idx ON payments (store_id, id DESC);
CREATE INDEX payments_order_idx ON payments (order_id);
CREATE INDEX payments_store_status_idx ON payments (store_id, status, id DESC);
CREATE INDEX payments_store_provider_idx ON payments (store_id, provider, id DESC);
CREATE INDEX payments_open_created_idx ON payments (created_at)
    WHERE status IN ('created', 'pending');
CREATE UNIQUE INDEX payments_provider_reference_key ON payments (provider, provider_reference)
    WHERE provider_reference IS NOT NULL;

CREATE TABLE payment_events (
    id          text PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    payment_id  text NOT NULL REFERENCES payments (id),
    type        text NOT NULL,
    from_status text NULL,
    to_status   text NULL,
    source      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL
);

CREATE INDEX payment_events_payment_idx ON payment_events (payment_id, seq);

CREATE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER order_events_append_only
    BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER payment_events_append_only
    BEFORE UPDATE OR DELETE ON payment_events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TABLE webhook_deliveries (
    id           text PRIMARY KEY,
    provider     text NOT NULL,
    event_id     text NOT NULL,
    payment_id   text NULL,
    headers      jsonb NOT NULL DEFAULT '{}',
    body         bytea NOT NULL,
    received_at  timestamptz NOT NULL,
    processed_at timestamptz NULL,
    outcome      text NULL,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NULL,
    UNIQUE (provider, event_id)
);

CREATE INDEX webhook_deliveries_unprocessed_idx ON webhook_deliveries (received_at)
    WHERE processed_at IS NULL;

CREATE TABLE idempotency_keys (
    store_id        text NOT NULL REFERENCES stores (id),
    key             text NOT NULL,
    request_hash    text NOT NULL,
    response_status integer NULL,
    response_body   bytea NULL,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz NULL,
    PRIMARY KEY (store_id, key)
);

CREATE TABLE sandbox_transactions (
    payment_id       text PRIMARY KEY,
    phone            text NULL,
    amount           bigint NOT NULL,
    currency         char(3) NOT NULL,
    scenario         text NOT NULL,
    final_status     text NULL,
    failure_code     text NULL,
    settles_at       timestamptz NULL,
    webhooks_to_send integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL
);
