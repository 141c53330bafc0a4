-- Phone retention (application/mask_phones.py): full phone numbers are masked after a while.
-- depends: 0004_dashboard_indexes

ALTER TABLE payments ADD COLUMN phone_masked_at timestamptz NULL;

CREATE INDEX payments_phone_to_mask_idx ON payments (created_at)
    WHERE phone IS NOT NULL AND phone_masked_at IS NULL;

-- Events stay append-only; the one change allowed is the masking of personal data in `data`,
-- by a transaction that says so (SET LOCAL payments.masking_personal_data = 'on').
CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('payments.masking_personal_data', true) = 'on'
       AND (to_jsonb(NEW) - 'data') = (to_jsonb(OLD) - 'data') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
