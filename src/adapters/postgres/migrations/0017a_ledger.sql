-- The marketplace's money: a double-entry, append-only ledger, each store's platform fee, and
-- the ledger brought up to date with what already happened (succeeded payments, refunds).
-- depends: 0008_operator_desk 0016_payment_country

ALTER TABLE stores ADD COLUMN fee_bps integer NULL CHECK (fee_bps BETWEEN 0 AND 10000);

-- One movement of money: its entries sum to zero per currency. `key` names what caused it
-- (`payment:pay_...`, `refund_reversal:rfd_...`): a cause is booked once, whoever asks.
CREATE TABLE ledger_transactions (
    id         text PRIMARY KEY,
    key        text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

-- `account`: a store's balance (`store`, with store_id), the platform's own (`platform`: fees,
-- adjustments, the providers' payout fees), what an operator account holds for the
-- marketplace (`clearing`, per provider and country), payouts sent and not yet confirmed
-- (`in_flight`). `amount` is signed as the account sees it: a sale is +, its fee is -.
CREATE TABLE ledger_entries (
    id             text PRIMARY KEY,
    seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    transaction_id text NOT NULL REFERENCES ledger_transactions (id),
    account        text NOT NULL CHECK (account IN ('store', 'platform', 'clearing', 'in_flight')),
    store_id       text NULL REFERENCES stores (id),
    provider       text NULL,
    country        text NULL,
    type           text NOT NULL,
    amount         bigint NOT NULL CHECK (amount <> 0),
    currency       char(3) NOT NULL,
    payment_id     text NULL,
    refund_id      text NULL,
    payout_id      text NULL,
    adjustment_id  text NULL,
    created_at     timestamptz NOT NULL,
    CHECK (account <> 'store' OR store_id IS NOT NULL),
    CHECK (account <> 'clearing' OR provider IS NOT NULL)
);

CREATE INDEX ledger_entries_store_idx ON ledger_entries (store_id, currency, seq)
    WHERE account = 'store';
CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_payment_idx ON ledger_entries (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX ledger_entries_payout_idx ON ledger_entries (payout_id) WHERE payout_id IS NOT NULL;

-- Append-only, enforced by the database: UPDATE, DELETE and TRUNCATE are refused. The test
-- suite's emptying between tests says so for its own transaction (ledger.allow_truncate).
CREATE FUNCTION refuse_ledger_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ledger.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER ledger_entries_no_truncate
    BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER ledger_transactions_append_only
    BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER ledger_transactions_no_truncate
    BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- Every movement sums to zero per currency, checked when its transaction commits.
CREATE FUNCTION check_ledger_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM ledger_entries
        WHERE transaction_id = NEW.transaction_id
        GROUP BY currency HAVING sum(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'ledger transaction % does not sum to zero', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_ledger_balanced();

-- What already happened. Fees were not charged before this migration: none is booked.
CREATE TEMPORARY TABLE ledger_backfill ON COMMIT DROP AS
SELECT 'payment:' || p.id AS key, 'payment' AS type, p.store_id, p.provider, p.country,
       p.amount, p.currency, p.id AS payment_id, NULL::text AS refund_id,
       coalesce(p.succeeded_at, p.updated_at) AS at
FROM payments p WHERE p.status = 'succeeded'
UNION ALL
SELECT 'refund:' || r.id, 'refund', r.store_id, r.provider, p.country,
       -r.amount, r.currency, r.payment_id, r.id, r.created_at
FROM refunds r JOIN payments p ON p.id = r.payment_id
UNION ALL
SELECT 'refund_reversal:' || r.id, 'refund_reversal', r.store_id, r.provider, p.country,
       r.amount, r.currency, r.payment_id, r.id, r.updated_at
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.status = 'failed';

INSERT INTO ledger_transactions (id, key, created_at)
SELECT 'ltx_' || upper(md5(key)), key, at FROM ledger_backfill ORDER BY at, key;

INSERT INTO ledger_entries (id, transaction_id, account, store_id, provider, country, type,
                            amount, currency, payment_id, refund_id, created_at)
SELECT 'le_' || upper(md5(b.key || side.account)), 'ltx_' || upper(md5(b.key)), side.account,
       b.store_id, b.provider, b.country, b.type, side.sign * b.amount, b.currency,
       b.payment_id, b.refund_id, b.at
FROM ledger_backfill b
CROSS JOIN (VALUES ('store', 1), ('clearing', -1)) AS side (account, sign)
ORDER BY b.at, b.key, side.account DESC;
