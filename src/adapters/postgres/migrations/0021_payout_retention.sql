-- Follow-ups to the append-only tables (0013) and the retention pass (0014) for the ledger and
-- the payouts (0017a, 0017b).
-- 1. TRUNCATE is refused by trigger on `payout_events` too, whoever asks, as on the other event
--    histories; and the ledger's refusal loses its way out (`ledger.allow_truncate`, a session
--    setting any role could set, owner included): the ledger refuses TRUNCATE whoever asks.
-- 2. PHONE_RETENTION_DAYS covers payouts (application/payments/mask_phones.py): a settled
--    payout's payee (number and name) is masked once the retention has passed since it was
--    made, a disabled destination's once it has passed since it was disabled. An active
--    destination keeps its number: it is needed to pay.
-- depends: 0017c_payout_checks 0013_append_only_roles

CREATE TRIGGER payout_events_no_truncate
    BEFORE TRUNCATE ON payout_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

CREATE OR REPLACE FUNCTION refuse_ledger_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

ALTER TABLE payouts ADD COLUMN phone_masked_at timestamptz NULL;
ALTER TABLE payout_destinations ADD COLUMN phone_masked_at timestamptz NULL;

CREATE INDEX payouts_phone_to_mask_idx ON payouts (created_at)
    WHERE phone_masked_at IS NULL AND status IN ('succeeded', 'failed');
CREATE INDEX payout_destinations_phone_to_mask_idx ON payout_destinations (disabled_at)
    WHERE phone_masked_at IS NULL AND disabled_at IS NOT NULL;
