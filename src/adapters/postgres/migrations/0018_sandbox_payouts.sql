-- The sandbox operator's payouts (adapters/providers/sandbox_payouts.py): what it was asked to
-- send and when it settles, so that every server and worker process answers the same.
-- depends: 0011_phone_retention

CREATE TABLE sandbox_payouts (
    reference    text PRIMARY KEY,
    payout_id    text NOT NULL,
    amount       bigint NOT NULL,
    currency     char(3) NOT NULL,
    final_status text NULL,
    failure_code text NULL,
    settles_at   timestamptz NULL,
    created_at   timestamptz NOT NULL
);
