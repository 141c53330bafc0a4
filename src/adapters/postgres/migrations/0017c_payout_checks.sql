-- Pending payouts are looked up on a schedule of their own (5 s, 15 s, 1 min, 5 min after they
-- were made, then every 30 min), claimed with a lease like refunds, instead of on every pass.
-- depends: 0017b_payouts

ALTER TABLE payouts ADD COLUMN next_check_at timestamptz NULL,
                    ADD COLUMN check_attempts integer NOT NULL DEFAULT 0;

UPDATE payouts SET next_check_at = now() WHERE status = 'pending';

CREATE INDEX payouts_next_check_idx ON payouts (next_check_at) WHERE next_check_at IS NOT NULL;
