DROP INDEX payout_destinations_phone_to_mask_idx;
DROP INDEX payouts_phone_to_mask_idx;
ALTER TABLE payout_destinations DROP COLUMN phone_masked_at;
ALTER TABLE payouts DROP COLUMN phone_masked_at;

CREATE OR REPLACE FUNCTION refuse_ledger_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ledger.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

DROP TRIGGER payout_events_no_truncate ON payout_events;
