-- Refunds: their own aggregate (rows and an append-only event history), the schedule of
-- their checks with the provider, and the sandbox operator's refunds.
-- depends: 0004_dashboard_indexes

CREATE TABLE refunds (
    id                 text PRIMARY KEY,
    payment_id         text NOT NULL REFERENCES payments (id),
    order_id           text NOT NULL REFERENCES orders (id),
    store_id           text NOT NULL REFERENCES stores (id),
    provider           text NOT NULL,
    status             text NOT NULL
                       CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_action')),
    amount             bigint NOT NULL CHECK (amount > 0),
    currency           char(3) NOT NULL,
    reason             text NULL,
    provider_reference text NULL,
    failure_code       text NULL,
    failure_message    text NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    succeeded_at       timestamptz NULL,
    next_check_at      timestamptz NULL,
    check_attempts     integer NOT NULL DEFAULT 0,
    version            integer NOT NULL DEFAULT 0
);

CREATE INDEX refunds_payment_idx ON refunds (payment_id, id DESC);
CREATE INDEX refunds_store_idx ON refunds (store_id, id DESC);
CREATE INDEX refunds_status_idx ON refunds (status, id DESC);
CREATE INDEX refunds_next_check_idx ON refunds (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE refund_events (
    id          text PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    refund_id   text NOT NULL REFERENCES refunds (id),
    type        text NOT NULL,
    from_status text NULL,
    to_status   text NULL,
    source      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL
);

CREATE INDEX refund_events_refund_idx ON refund_events (refund_id, seq);

CREATE TRIGGER refund_events_append_only
    BEFORE UPDATE OR DELETE ON refund_events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TABLE sandbox_refunds (
    refund_id    text PRIMARY KEY,
    payment_id   text NOT NULL,
    amount       bigint NOT NULL,
    currency     char(3) NOT NULL,
    final_status text NULL,
    failure_code text NULL,
    settles_at   timestamptz NULL,
    created_at   timestamptz NOT NULL
);
