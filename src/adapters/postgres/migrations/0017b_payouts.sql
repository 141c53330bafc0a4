-- Payouts to vendors: where a store is paid (destinations, usable after a hold or an
-- operator's approval), the payouts with their append-only history, and the daily schedule.
-- depends: 0017a_ledger

CREATE TABLE payout_destinations (
    id          text PRIMARY KEY,
    store_id    text NOT NULL REFERENCES stores (id),
    provider    text NOT NULL,
    phone       text NOT NULL,
    name        text NULL,
    country     text NULL,
    created_at  timestamptz NOT NULL,
    active_from timestamptz NOT NULL,
    approved_at timestamptz NULL,
    approved_by text NULL,
    disabled_at timestamptz NULL
);

CREATE INDEX payout_destinations_store_idx ON payout_destinations (store_id, id DESC);
CREATE INDEX payout_destinations_waiting_idx ON payout_destinations (active_from)
    WHERE approved_at IS NULL AND disabled_at IS NULL;

CREATE TABLE payouts (
    id                 text PRIMARY KEY,
    store_id           text NOT NULL REFERENCES stores (id),
    destination_id     text NOT NULL REFERENCES payout_destinations (id),
    provider           text NOT NULL,
    country            text NULL,
    phone              text NOT NULL,
    name               text NULL,
    status             text NOT NULL
                       CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_action')),
    amount             bigint NOT NULL CHECK (amount > 0),
    currency           char(3) NOT NULL,
    reference          text NOT NULL UNIQUE,
    description        text NULL,
    provider_reference text NULL,
    provider_fee       bigint NULL,
    failure_code       text NULL,
    failure_message    text NULL,
    schedule_key       text NULL UNIQUE,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    succeeded_at       timestamptz NULL,
    version            integer NOT NULL DEFAULT 0
);

CREATE INDEX payouts_store_idx ON payouts (store_id, id DESC);
CREATE INDEX payouts_open_idx ON payouts (created_at) WHERE status = 'pending';
CREATE INDEX payouts_awaiting_idx ON payouts (id) WHERE status = 'requires_action';

CREATE TABLE payout_events (
    id          text PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    payout_id   text NOT NULL REFERENCES payouts (id),
    type        text NOT NULL,
    from_status text NULL,
    to_status   text NULL,
    source      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL
);

CREATE INDEX payout_events_payout_idx ON payout_events (payout_id, seq);

CREATE TRIGGER payout_events_append_only
    BEFORE UPDATE OR DELETE ON payout_events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

-- One row per store: `daily` pays the available balance above `minimum` to the destination.
CREATE TABLE payout_schedules (
    store_id       text PRIMARY KEY REFERENCES stores (id),
    interval       text NOT NULL CHECK (interval IN ('manual', 'daily')),
    destination_id text NULL REFERENCES payout_destinations (id),
    minimum        bigint NOT NULL DEFAULT 0 CHECK (minimum >= 0),
    updated_at     timestamptz NOT NULL
);
